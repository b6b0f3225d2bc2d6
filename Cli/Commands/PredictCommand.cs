using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using DerivSpec.Cli.Fitting;
using DerivSpec.Data;
using DerivSpec.Runtime.Likelihoods;
using DerivSpec.Runtime.Metrics;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Commands;

/// <summary>
/// <c>derivspec predict MODEL.dsm DATA --out DIR</c>: latent positions (pseudotime) of new samples with a saved model.
/// The decoder is rebuilt from the .dspec text stored in the model file (or <c>--dspec FILE</c>), and the model file's
/// spec identity check confirms it is the decoder that was saved: a .dspec whose meaning changed is refused, naming both
/// models. Features are matched by name.
/// </summary>
public static class PredictCommand
{
    /// <summary>The per-sample results file.</summary>
    public const string Cells = "cells.csv";

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<string>("MODEL.dsm") { Description = "A model saved by 'derivspec fit' (model.dsm in its results folder)." };
        var data = new Argument<string>("DATA") { Description = "New samples: .h5ad, .csv/.tsv, .mtx or a 10x folder, with the model's features (matched by name)." };
        var outDir = new Option<string>("--out", "-o") { Description = "Output folder (written all at once when the run succeeds).", Required = true };
        var dspec = new Option<string?>("--dspec") { Description = "Rebuild the decoder from this .dspec instead of the text stored in the model file (it must mean the same model)." };
        var layer = new Option<string?>("--layer") { Description = "Use this .h5ad layer instead of X." };
        var time = new Option<string?>("--time") { Description = "File with the true pseudotime per sample, to print |Spearman|." };
        var timeObs = new Option<string?>("--time-obs") { Description = "Per-sample (obs) column of the .h5ad with the true pseudotime, to print |Spearman|." };
        var command = new Command("predict", "Latent positions (pseudotime) of new samples with a model saved by 'derivspec fit'.")
        {
            model, data, outDir, dspec, layer, time, timeObs,
        };
        command.SetAction(parse => CommandHost.Run(DerivSpecCli.Name, ct =>
        {
            string? t = parse.GetValue(time), to = parse.GetValue(timeObs);
            if (t is not null && to is not null) throw new UsageException("give --time FILE or --time-obs COLUMN, not both.");
            return Run(parse.GetRequiredValue(model), parse.GetRequiredValue(data), parse.GetRequiredValue(outDir), parse.GetValue(dspec),
                parse.GetValue(layer), t, to, stdout, ct);
        }, stderr));
        return command;
    }

    /// <summary>Predicts; returns the exit code.</summary>
    public static int Run(string modelPath, string dataPath, string outDir, string? dspecPath, string? layer, string? timeFile,
        string? timeColumn, TextWriter stdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        ArgumentNullException.ThrowIfNull(stdout);
        var watch = Stopwatch.StartNew();
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"{modelPath}: no such file.", modelPath);
        var header = ModelFile.ReadHeader(modelPath);
        using var compiled = dspecPath is not null
            ? CompiledModel.Load(dspecPath, header.SpecName.Length > 0 ? header.SpecName : null, ct)
            : CompiledModel.FromText(header.SpecSource ?? throw new ModelFileException(
                    $"'{modelPath}' does not hold the .dspec of its model (it was saved without it); give the .dspec with --dspec FILE."),
                // The generator reads only paths ending in .dspec; diagnostics then point into the stored text.
                $"{modelPath}#model.dspec", header.SpecName.Length > 0 ? header.SpecName : null, ct);

        var data = FitData.Load(dataPath, layer);
        if (timeFile is not null) data.TimeFromFile(timeFile);
        if (timeColumn is not null) data.TimeFromColumn(timeColumn);
        data = data.AlignFeatures(header.FeatureNames, header.Features);
        var matrix = data.Data;
        matrix.Validate(Likelihood.SupportOf(header.Likelihood), header.Features);
        using var output = OutputDirectory.Begin(outDir);

        using var model = compiled.CreateModel(header.ModelName, header.Features, IntegrationRules.Fixed);
        if (dspecPath is not null && !string.IsNullOrEmpty(header.SpecIdentity) && model.Decoder.SpecIdentity != header.SpecIdentity)
            throw new ModelFileException(
                $"{dspecPath} is not the .dspec that {modelPath} was saved from: the saved model is '{header.SpecName}' ({header.SpecIdentity}), " +
                $"{dspecPath} gives '{compiled.Name}' ({model.Decoder.SpecIdentity}) — a family, property, expression, parameter or setting differs. " +
                "Leave out --dspec to use the .dspec stored in the model file.");
        model.Load(modelPath); // checks the spec identity (and the data contract): the rebuilt decoder must be the one saved
        var latent = model.Latent(matrix);
        int n = latent.GetLength(0), p = latent.GetLength(1);
        var z = Enumerable.Range(0, n).Select(i => latent[i, 0]).ToArray();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"predicted the latent positions of {n} samples of {dataPath} with {compiled.Name} ({header.ModelName}, families {string.Join(", ", header.FamilyNames)}) from {modelPath}"));
        double? rho = data.Time is null ? null : Math.Abs(Correlation.Spearman(z, data.Time));
        if (rho is double r) stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"|Spearman(true time, pseudotime)| = {r:F3}   ({data.TimeSource})"));

        var results = new DerivSpecResults
        {
            ModelName = compiled.Name,
            Latent = latent,
            FamilyNames = model.FamilyNames.ToArray(),
            FamilyProbabilities = model.FamilyProbabilities(),
            GeneParameters = (model.Decoder as Runtime.Decoding.DerivativeDecoder)?.ParameterColumns(),
        };
        var annotated = ResultsWriter.Annotate(matrix, results);
        if (data.Time is not null && !annotated.Obs.Contains(ResultFiles.TrueTime)) annotated.Obs.Set(ResultFiles.TrueTime, data.Time);
        H5adWriter.Write(annotated, output.PathFor(ResultFiles.H5ad));
        ResultsWriter.WriteCsv(Path.GetDirectoryName(output.PathFor(Cells))!, matrix, results);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# {compiled.Name}: latent positions of {Path.GetFileName(dataPath.TrimEnd('/', '\\'))}");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"- model: `{modelPath}` ({header.ModelName}; families {string.Join(", ", header.FamilyNames.Select(f => $"`{f}`"))}; spec identity `{header.SpecIdentity}`)");
        report.AppendLine(CultureInfo.InvariantCulture, $"- data: `{dataPath}`, {n} samples × {header.Features} features (matched by name)");
        if (rho is double rr) report.AppendLine(CultureInfo.InvariantCulture, $"- |Spearman| of the pseudotime against `{data.TimeSource}`: **{rr:F3}**");
        report.AppendLine(CultureInfo.InvariantCulture, $"- time: {watch.Elapsed.TotalSeconds:F1} s");
        report.AppendLine();
        report.AppendLine("## Files");
        report.AppendLine();
        report.AppendLine($"- [{ResultFiles.H5ad}]({ResultFiles.H5ad}) — the input data with obs `pseudotime`, `z_1`…, obsm `X_derivspec` (and the model's families and φ in var)");
        report.AppendLine($"- [{Cells}]({Cells}) — per sample: pseudotime (posterior mean of z) and every latent coordinate");
        report.AppendLine($"- [{ResultFiles.Features}]({ResultFiles.Features}) — per feature: the model's family and φ");
        File.WriteAllText(output.PathFor(ResultFiles.Report), report.ToString());
        output.Commit();
        stdout.WriteLine($"wrote {output.Destination}{Path.DirectorySeparatorChar}: {ResultFiles.Report}, {ResultFiles.H5ad}, {Cells}, {ResultFiles.Features}");
        return ExitCodes.Success;
    }
}

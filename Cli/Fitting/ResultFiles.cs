using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DerivSpec.Cli.Output;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Cli.Fitting;

/// <summary>
/// The files of a results folder, written into the staging folder of an <see cref="OutputDirectory"/>:
/// <list type="bullet">
/// <item><c>results.h5ad</c> — the input (X, obs, var kept) with obs <c>pseudotime</c> and <c>z_1</c>…<c>z_p</c>, obsm
/// <c>X_derivspec</c>, var <c>family</c> and <c>phi_&lt;family&gt;</c>, uns <c>derivspec</c> (model, families, curve
/// grid, curves [G, K, d]) — <see cref="ResultsWriter"/> — plus obs <c>true_time</c> / var <c>true_family</c> when given;</item>
/// <item><c>cells.csv</c>, <c>genes.csv</c>, <c>curves.csv</c> — the same results as CSV (<see cref="ResultsWriter.WriteCsv"/>);</item>
/// <item><c>model.dsm</c> — the trained model with the .dspec text inside (for <c>derivspec predict</c>);</item>
/// <item><c>model.dspec</c> — a copy of the .dspec that was fitted;</item>
/// <item><c>figures/</c> — trajectories, pseudotime and φ figures, PNG and SVG (<see cref="FigureFiles"/>);</item>
/// <item><c>report.md</c> — what was fitted, how long it took, families per count, the figures and files.</item>
/// </list>
/// </summary>
public static class ResultFiles
{
    /// <summary>The file names, in the order they are listed.</summary>
    public const string H5ad = "results.h5ad", Cells = "cells.csv", Features = "genes.csv", Curves = "curves.csv", Model = "model.dsm",
        Spec = "model.dspec", Report = "report.md";

    /// <summary>The obs column of the true time and the var column of the true family, when the fit was given them.</summary>
    public const string TrueTime = "true_time", TrueFamily = "true_family";

    /// <summary>Writes every file; returns their names (relative to the folder) in a readable order.</summary>
    public static IReadOnlyList<string> Write(OutputDirectory output, FitSettings s, FitData data, CompiledModel compiled,
        CollapsedVaeModel model, FitOutcome o, Stopwatch total)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(o);
        var written = new List<string>();
        var results = Results(o);
        H5adWriter.Write(Annotated(data, results), output.PathFor(H5ad));
        written.Add(H5ad);
        ResultsWriter.WriteCsv(Path.GetDirectoryName(output.PathFor(Cells))!, data.Data, results);
        written.AddRange(new[] { Cells, Features, Curves });
        model.Save(output.PathFor(Model), compiled.Source);
        written.Add(Model);
        File.WriteAllText(output.PathFor(Spec), compiled.Source);
        written.Add(Spec);
        written.AddRange(FigureFiles.Write(Figures(data, o), output.PathFor));
        File.WriteAllText(output.PathFor(Report), ReportText(s, data, o, written, total.Elapsed.TotalSeconds));
        written.Insert(0, Report);
        return written;
    }

    /// <summary>What the figures of a fit are drawn from.</summary>
    public static FigureInputs Figures(FitData data, FitOutcome o)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(o);
        int n = o.Latent.GetLength(0);
        return new FigureInputs
        {
            ModelName = o.SpecName,
            FamilyNames = o.FamilyNames,
            FeatureNames = data.FeatureNames,
            Assignments = o.Assignments,
            Phi = o.Phi,
            Grid = o.Grid,
            AssignedCurves = Enumerable.Range(0, o.Assignments.Length).Select(j =>
                Enumerable.Range(0, o.Grid.Length).Select(g => o.Curves[g, o.Assignments[j], j]).ToArray()).ToArray(),
            Pseudotime = Enumerable.Range(0, n).Select(i => o.Latent[i, 0]).ToArray(),
            TrueFamilies = data.Labels,
            TrueTime = data.Time,
        };
    }


    /// <summary>The results as the data layer's writer takes them.</summary>
    public static DerivSpecResults Results(FitOutcome o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new DerivSpecResults
        {
            ModelName = o.SpecName,
            Latent = o.Latent,
            FamilyNames = o.FamilyNames,
            FamilyProbabilities = o.Phi,
            Assignments = o.Assignments,
            CurveGrid = o.Grid,
            Curves = o.Curves,
            GeneParameters = o.GeneParameters,
        };
    }

    /// <summary>The input with the results (<see cref="ResultsWriter.Annotate"/>) and the truth given to the fit: obs
    /// <c>true_time</c> from --time, var <c>true_family</c> from --labels (a column the input already had is kept as it is).</summary>
    public static AnnData Annotated(FitData data, DerivSpecResults results)
    {
        ArgumentNullException.ThrowIfNull(data);
        var a = ResultsWriter.Annotate(data.Data, results);
        if (data.Time is not null && !a.Obs.Contains(TrueTime)) a.Obs.Set(TrueTime, data.Time);
        if (data.Labels is not null && !a.Var.Contains(TrueFamily)) a.Var.Set(TrueFamily, CategoricalColumn.FromValues(data.Labels));
        return a;
    }

    /// <summary>The report a person reads first.</summary>
    public static string ReportText(FitSettings s, FitData data, FitOutcome o, IReadOnlyList<string> files, double totalSeconds)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"# {o.SpecName} fitted to {Path.GetFileName(s.DataPath.TrimEnd('/', '\\'))}");
        sb.AppendLine();
        sb.AppendLine(inv, $"- model: `{o.SpecName}` from `{s.ModelPath}` ({o.ModelKind}; families {string.Join(", ", o.FamilyNames.Select(f => $"`{f}`"))}; {o.Likelihood} likelihood) — the text is in [model.dspec](model.dspec)");
        sb.AppendLine(inv, $"- data: `{s.DataPath}`, {data.Samples} samples × {data.Features} features");
        sb.AppendLine(inv, $"- training: {o.Epochs} epochs, batch {s.Batch}, seed {s.Seed}, {s.Restarts} {(s.Restarts == 1 ? "run" : "runs (the best training ELBO kept)")}, device {o.Device}, integration `{s.Integration}`");
        sb.AppendLine(inv, $"- time: training {o.TrainSeconds:F1} s, whole run {totalSeconds:F1} s; final loss {(o.History.Count > 0 ? o.History[^1].Loss : double.NaN):G6}");
        sb.AppendLine(inv, $"- command: `{s.CommandLine}`");
        sb.AppendLine();
        if (o.Warnings.Count > 0)
        {
            sb.AppendLine("## Warnings");
            sb.AppendLine();
            foreach (var warning in o.Warnings) sb.AppendLine(inv, $"- {warning}");
            sb.AppendLine();
        }
        sb.AppendLine("## Families");
        sb.AppendLine();
        sb.AppendLine("| family | features | share |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var (family, count) in o.FamilyCounts())
            sb.AppendLine(inv, $"| {family} | {count} | {(data.Features == 0 ? 0 : 100.0 * count / data.Features):F1} % |");
        sb.AppendLine();
        sb.AppendLine("Each feature's family is the most probable one under φ (`genes.csv` and `results.h5ad` have φ for every family).");
        if (o.Ari is not null || o.AbsSpearman is not null)
        {
            sb.AppendLine();
            sb.AppendLine("## Against the truth given");
            sb.AppendLine();
            if (o.Ari is double ari) sb.AppendLine(inv, $"- adjusted Rand index of the fitted families against `{data.LabelsSource}`: **{ari:F3}**");
            if (o.AbsSpearman is double rho) sb.AppendLine(inv, $"- |Spearman| of the pseudotime against `{data.TimeSource}`: **{rho:F3}** (the latent axis has no sign of its own)");
        }
        if (o.Scores.Count > 1)
        {
            sb.AppendLine();
            sb.AppendLine("## Runs");
            sb.AppendLine();
            sb.AppendLine("| run | seed | training ELBO |");
            sb.AppendLine("|---:|---:|---:|");
            foreach (var sc in o.Scores) sb.AppendLine(inv, $"| {sc.Restart + 1} | {sc.Seed} | {sc.Elbo:F1} |");
        }
        var figures = files.Where(f => f.StartsWith(FigureFiles.Folder + "/", StringComparison.Ordinal) && f.EndsWith(".png", StringComparison.Ordinal)).ToList();
        if (figures.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Figures");
            sb.AppendLine();
            foreach (var f in figures)
            {
                sb.AppendLine(inv, $"{FigureFiles.Describe(f)} ([SVG]({Path.ChangeExtension(f, ".svg")})):");
                sb.AppendLine();
                sb.AppendLine(inv, $"![{Path.GetFileNameWithoutExtension(f)}]({f})");
                sb.AppendLine();
            }
            sb.AppendLine("`derivspec plot DIR` draws them again from this folder.");
        }
        sb.AppendLine();
        sb.AppendLine("## Files");
        sb.AppendLine();
        foreach (var f in files.Where(f => !f.StartsWith(FigureFiles.Folder + "/", StringComparison.Ordinal)))
            sb.AppendLine(inv, $"- [{f}]({f.Replace('\\', '/')}) — {Describe(f)}");
        if (figures.Count > 0) sb.AppendLine(inv, $"- `{FigureFiles.Folder}/` — the figures above, PNG and SVG");
        return sb.ToString();
    }

    private static string Describe(string file) => file switch
    {
        H5ad => "the input data with the results: obs `pseudotime`, `z_1`…, obsm `X_derivspec`, var `family`, `phi_<family>` and every family parameter per feature (`<family>.<param>`, e.g. a transient's peak `z0`), uns `derivspec` (curves)",
        Cells => "per sample: pseudotime (posterior mean of z) and every latent coordinate",
        Features => "per feature: fitted family, φ (the probability of each family) and every family parameter (`<family>.<param>`)",
        Curves => "each feature's fitted curve (its family's) on a grid over the pseudotime range",
        Model => "the trained model with its .dspec inside: `derivspec predict model.dsm DATA --out DIR`",
        Spec => "the .dspec that was fitted",
        _ => "",
    };
}

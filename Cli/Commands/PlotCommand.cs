using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using DerivSpec.Cli.Fitting;
using DerivSpec.Cli.Output;
using DerivSpec.Data;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Commands;

/// <summary>
/// <c>derivspec plot DIR</c>: draws the figures of a results folder written by <c>derivspec fit</c> again, from its
/// <c>results.h5ad</c>. The new figures replace the old ones all at once; nothing else in the folder changes.
/// </summary>
public static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dir = new Argument<string>("DIR") { Description = "A results folder written by 'derivspec fit'." };
        var command = new Command("plot", "Draw the figures of a results folder again (figures/*.png and *.svg).") { dir };
        command.SetAction(parse => CommandHost.Run(DerivSpecCli.Name, ct => Run(parse.GetRequiredValue(dir), stdout, ct), stderr));
        return command;
    }

    /// <summary>Redraws the figures of <paramref name="dir"/>; returns the exit code.</summary>
    public static int Run(string dir, TextWriter stdout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(stdout);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: no such folder.");
        var inputs = Read(dir);
        ct.ThrowIfCancellationRequested();
        using var output = OutputDirectory.Begin(dir);
        var written = FigureFiles.Write(inputs, output.PathFor);
        output.Commit();
        stdout.WriteLine($"drew {inputs.ModelName}'s figures for {inputs.Pseudotime.Length} samples × {inputs.FeatureNames.Count} features: {string.Join(", ", written.Select(w => Path.Combine(dir, w)))}");
        return ExitCodes.Success;
    }

    /// <summary>Reads what the figures are drawn from out of the results folder <paramref name="dir"/>: its
    /// <c>results.h5ad</c> (obs <c>pseudotime</c>, var <c>family</c> and <c>phi_&lt;family&gt;</c>, uns <c>derivspec</c>
    /// with the curves; obs <c>true_time</c> and var <c>true_family</c> when the fit had them).</summary>
    public static FigureInputs Read(string dir)
    {
        ArgumentNullException.ThrowIfNull(dir);
        var path = Path.Combine(dir, ResultFiles.H5ad);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: missing; is {dir} a folder written by 'derivspec fit'?", path);
        var a = H5adReader.Read(path, new H5adReadOptions { LoadEmbeddings = false });
        if (!a.Uns.TryGetValue(ResultsWriter.UnsKey, out var entry) || entry is not UnsDictionary uns)
            throw new DataFormatException(path, $"has no uns '{ResultsWriter.UnsKey}'; it was not written by 'derivspec fit'.");
        T Uns<T>(string key) where T : class =>
            uns.TryGetValue(key, out var v) && v is T t ? t : throw new DataFormatException(path, $"uns '{ResultsWriter.UnsKey}/{key}' is missing or of the wrong kind.");
        var families = Uns<string[]>("families");
        var grid = Uns<double[]>("grid");
        var curves = Uns<double[,,]>("curves");
        string model = uns.TryGetValue("model", out var m) && m is string name ? name : "model";

        double[] Obs(string column) => a.Obs.TryGet(column, out var c) && c is NumericColumn n ? n.ToArray()
            : throw new DataFormatException(path, $"has no numeric obs column '{column}'.", columnName: column);
        if (!a.Var.TryGet("family", out var familyColumn)) throw new DataFormatException(path, "has no var column 'family'.", columnName: "family");
        var family = familyColumn.ToStrings();
        var assignments = new int[a.VarCount];
        var phi = new double[a.VarCount, families.Length];
        for (int j = 0; j < a.VarCount; j++)
        {
            assignments[j] = Array.IndexOf(families, family[j]);
            if (assignments[j] < 0)
                throw new DataFormatException(path, $"feature '{a.VarNames[j]}' has family '{family[j]}', which is not one of the model's ({string.Join(", ", families)}).", columnName: "family");
        }
        for (int k = 0; k < families.Length; k++)
        {
            var column = a.Var.TryGet("phi_" + families[k], out var c) && c is NumericColumn n ? n.ToArray()
                : throw new DataFormatException(path, $"has no numeric var column 'phi_{families[k]}'.", columnName: "phi_" + families[k]);
            for (int j = 0; j < column.Length; j++) phi[j, k] = column[j];
        }
        var assigned = Enumerable.Range(0, a.VarCount).Select(j => Enumerable.Range(0, grid.Length).Select(g => curves[g, assignments[j], j]).ToArray()).ToArray();
        return new FigureInputs
        {
            ModelName = model,
            FamilyNames = families,
            FeatureNames = a.VarNames,
            Assignments = assignments,
            Phi = phi,
            Grid = grid,
            AssignedCurves = assigned,
            Pseudotime = Obs("pseudotime"),
            TrueFamilies = a.Var.TryGet(ResultFiles.TrueFamily, out var tf) ? tf.ToStrings().Select(v => v ?? "").ToArray() : null,
            TrueTime = a.Obs.TryGet(ResultFiles.TrueTime, out var tt) && tt is NumericColumn t ? t.ToArray() : null,
        };
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DerivSpec.Cli.Output;
using DerivSpec.Runtime.IO;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Cli.Fitting;

/// <summary>
/// The files of a results folder, written into the staging folder of an <see cref="OutputDirectory"/>:
/// <list type="bullet">
/// <item><c>cells.csv</c> — per sample: name, pseudotime, z_1…z_p (and the true time when given);</item>
/// <item><c>features.csv</c> — per feature: name, fitted family, φ per family (and the true family when given);</item>
/// <item><c>curves.csv</c> — per grid point z: each feature's fitted curve of its family;</item>
/// <item><c>model.dsm</c> — the trained model with the .dspec text inside (for <c>derivspec predict</c>);</item>
/// <item><c>model.dspec</c> — a copy of the .dspec that was fitted;</item>
/// <item><c>figures/</c> — trajectories, pseudotime and φ figures, PNG and SVG (<see cref="FigureFiles"/>);</item>
/// <item><c>report.md</c> — what was fitted, how long it took, families per count, the figures and files.</item>
/// </list>
/// </summary>
public static class ResultFiles
{
    /// <summary>The file names, in the order they are listed.</summary>
    public const string Cells = "cells.csv", Features = "features.csv", Curves = "curves.csv", Model = "model.dsm",
        Spec = "model.dspec", Report = "report.md";

    /// <summary>Writes every file; returns their names (relative to the folder) in a readable order.</summary>
    public static IReadOnlyList<string> Write(OutputDirectory output, FitSettings s, FitData data, CompiledModel compiled,
        CollapsedVaeModel model, FitOutcome o, Stopwatch total)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(o);
        var written = new List<string>();
        WriteCells(output.PathFor(Cells), data, o);
        written.Add(Cells);
        WriteFeatures(output.PathFor(Features), data, o);
        written.Add(Features);
        WriteCurves(output.PathFor(Curves), data, o);
        written.Add(Curves);
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

    private static string C(double v) => CsvWriter.Format(v);

    private static void WriteCells(string path, FitData data, FitOutcome o)
    {
        int n = o.Latent.GetLength(0), p = o.Latent.GetLength(1);
        var header = new List<string> { "cell", "pseudotime" };
        header.AddRange(Enumerable.Range(1, p).Select(k => "z_" + k.ToString(CultureInfo.InvariantCulture)));
        if (data.Time is not null) header.Add("true_time");
        var names = data.SampleNames;
        var rows = new List<string[]>(n);
        for (int i = 0; i < n; i++)
        {
            var row = new List<string>(p + 3) { names[i], C(o.Latent[i, 0]) };
            for (int k = 0; k < p; k++) row.Add(C(o.Latent[i, k]));
            if (data.Time is not null) row.Add(C(data.Time[i]));
            rows.Add(row.ToArray());
        }
        CsvWriter.Write(path, header, rows);
    }

    private static void WriteFeatures(string path, FitData data, FitOutcome o)
    {
        var header = new List<string> { "feature", "family" };
        header.AddRange(o.FamilyNames.Select(f => "phi_" + f));
        if (data.Labels is not null) header.Add("true_family");
        var names = data.FeatureNames;
        var rows = new List<string[]>();
        for (int j = 0; j < names.Count; j++)
        {
            var row = new List<string> { names[j], o.FamilyNames[o.Assignments[j]] };
            for (int k = 0; k < o.FamilyNames.Count; k++) row.Add(C(o.Phi[j, k]));
            if (data.Labels is not null) row.Add(data.Labels[j]);
            rows.Add(row.ToArray());
        }
        CsvWriter.Write(path, header, rows);
    }

    private static void WriteCurves(string path, FitData data, FitOutcome o)
    {
        var names = data.FeatureNames;
        var header = new List<string> { "z" };
        header.AddRange(names);
        var rows = new List<string[]>(o.Grid.Length);
        for (int g = 0; g < o.Grid.Length; g++)
        {
            var row = new string[names.Count + 1];
            row[0] = C(o.Grid[g]);
            for (int j = 0; j < names.Count; j++) row[j + 1] = C(o.Curves[g, o.Assignments[j], j]);
            rows.Add(row);
        }
        CsvWriter.Write(path, header, rows);
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
        sb.AppendLine("## Families");
        sb.AppendLine();
        sb.AppendLine("| family | features | share |");
        sb.AppendLine("|---|---:|---:|");
        foreach (var (family, count) in o.FamilyCounts())
            sb.AppendLine(inv, $"| {family} | {count} | {(data.Features == 0 ? 0 : 100.0 * count / data.Features):F1} % |");
        sb.AppendLine();
        sb.AppendLine("Each feature's family is the most probable one under φ (`features.csv` has φ for every family).");
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
        Cells => "per sample: pseudotime (posterior mean of z) and every latent coordinate",
        Features => "per feature: fitted family and φ, the probability of each family",
        Curves => "each feature's fitted curve (its family's) on a grid over the pseudotime range",
        Model => "the trained model with its .dspec inside: `derivspec predict model.dsm DATA --out DIR`",
        Spec => "the .dspec that was fitted",
        _ => "",
    };
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using DerivSpec.Cli.Output;
using DerivSpec.Data;
using DerivSpec.Runtime.Likelihoods;
using DerivSpec.Runtime.Metrics;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Fitting;

/// <summary>What a fit gave, in plain arrays: what the output files and the report are made of.</summary>
public sealed record FitOutcome
{
    /// <summary>The model's name in the .dspec.</summary>
    public required string SpecName { get; init; }

    /// <summary>BasisDeVAE or DeVAE.</summary>
    public required string ModelKind { get; init; }

    /// <summary>Family names, K.</summary>
    public required IReadOnlyList<string> FamilyNames { get; init; }

    /// <summary>Likelihood name.</summary>
    public required string Likelihood { get; init; }

    /// <summary>Posterior means [N, p]; column 0 is the pseudotime.</summary>
    public required double[,] Latent { get; init; }

    /// <summary>φ [d, K].</summary>
    public required double[,] Phi { get; init; }

    /// <summary>Assigned family per feature (index into <see cref="FamilyNames"/>).</summary>
    public required int[] Assignments { get; init; }

    /// <summary>Curve grid along the first latent dimension.</summary>
    public required double[] Grid { get; init; }

    /// <summary>Curves [G, K, d] on <see cref="Grid"/> (location scale).</summary>
    public required double[,,] Curves { get; init; }

    /// <summary>Every family parameter per feature ("transient.z0", …; <see cref="Runtime.Decoding.DerivativeDecoder.ParameterColumns"/>).</summary>
    public IReadOnlyList<(string Name, double[] Values)>? GeneParameters { get; init; }

    /// <summary>Per-epoch metrics of the kept run.</summary>
    public required IReadOnlyList<EpochMetrics> History { get; init; }

    /// <summary>Training ELBO per run (restarts), in order.</summary>
    public required IReadOnlyList<RestartScore> Scores { get; init; }

    /// <summary>ARI of the assignments against the true families, when given.</summary>
    public double? Ari { get; init; }

    /// <summary>|Spearman| of the pseudotime against the true one, when given.</summary>
    public double? AbsSpearman { get; init; }

    /// <summary>Wall seconds of training (all runs).</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>Epochs per run.</summary>
    public required int Epochs { get; init; }

    /// <summary>The device trained on.</summary>
    public required string Device { get; init; }

    /// <summary>Warnings given beside the results (<see cref="FitWarnings"/>): a likelihood that does not suit the data,
    /// a training run that evidently failed; also in report.md.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();

    /// <summary>Features per family, in family order.</summary>
    public IEnumerable<(string Family, int Count)> FamilyCounts() =>
        FamilyNames.Select((f, k) => (f, Assignments.Count(a => a == k)));
}

/// <summary>The work of <c>derivspec fit</c>: read and check every input, train, score, write.</summary>
public static class FitRun
{
    /// <summary>Points of the curve grid.</summary>
    public const int GridPoints = 200;

    /// <summary>Runs the fit described by <paramref name="s"/>; returns the exit code. Warnings go to
    /// <paramref name="stderr"/> as they arise (a likelihood that does not suit the data before training, a failed
    /// training after it) and into report.md.</summary>
    public static int Run(FitSettings s, TextWriter stdout, TextWriter stderr, TrainingProgress progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(progress);
        var total = Stopwatch.StartNew();

        // Every input is read and checked before any training, so bad input fails fast and writes nothing.
        using var compiled = CompiledModel.Load(s.ModelPath, s.ModelName, ct);
        var data = FitData.Load(s.DataPath, s.Layer);
        if (s.LabelsFile is not null) data.LabelsFromFile(s.LabelsFile);
        if (s.LabelsColumn is not null) data.LabelsFromColumn(s.LabelsColumn);
        if (s.TimeFile is not null) data.TimeFromFile(s.TimeFile);
        if (s.TimeColumn is not null) data.TimeFromColumn(s.TimeColumn);
        var matrix = data.Data;
        var defaults = compiled.Factory.Defaults;
        matrix.Validate(Likelihood.SupportOf(defaults.Likelihood), data.Features);
        var warnings = new List<string>();
        void Warn(string? warning)
        {
            if (warning is null) return;
            warnings.Add(warning);
            stderr.WriteLine($"{DerivSpecCli.Name}: warning: {warning}");
            stderr.Flush();
        }
        Warn(FitWarnings.LikelihoodMismatch(defaults.Likelihood, matrix.X));
        string device = ResolveDevice(s.Device);
        int epochs = s.Epochs ?? TrainOptions.DefaultEpochs(data.Samples);
        double warmup = s.AssignWarmup ?? TrainOptions.DefaultAssignmentWarmup(defaults.Likelihood);
        using var output = OutputDirectory.Begin(s.Out);

        var families = compiled.Factory.Layout.Families.Select(f => f.Name).ToArray();
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"fitting {compiled.Name} ({string.Join(", ", families)}; {LikelihoodVocabulary.Of(defaults.Likelihood).Name}) from {s.ModelPath} to {s.DataPath}: {data.Samples} samples × {data.Features} features"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {epochs} epochs, batch {s.Batch}, seed {s.Seed}, {s.Restarts} {(s.Restarts == 1 ? "run" : "runs")}, assignment warm-up {warmup:0.##}, device {device}, integration {s.Integration}"));

        var options = new TrainOptions
        {
            Epochs = epochs, BatchSize = s.Batch, Seed = s.Seed, Device = s.Device, Threads = s.Threads, Cancellation = ct,
            AssignmentWarmup = warmup,
        };
        var scores = new List<RestartScore>();
        var watch = Stopwatch.StartNew();
        using var best = progress.Run(s.Restarts, epochs, sink =>
        {
            int run = 0;
            return Restarts.TrainBest(_ => compiled.CreateModel(data.Features, s.Integration), matrix, options, s.Restarts,
                (m, o) => m.Train(matrix, o with { Progress = sink(run++) }), scores);
        });
        watch.Stop();

        var latent = best.Latent(matrix);
        var phi = best.FamilyProbabilities();
        Warn(FitWarnings.TrainingFailureWarning(phi, latent));
        var z = Enumerable.Range(0, latent.GetLength(0)).Select(i => latent[i, 0]).ToArray();
        double lo = z.Min(), hi = z.Max();
        if (!(hi - lo > 1e-6)) { lo -= 1; hi += 1; }
        var grid = CollapsedVaeModel.Grid(lo, hi, GridPoints);
        var assignments = best.Assignments();
        var outcome = new FitOutcome
        {
            SpecName = compiled.Name,
            ModelKind = best.ModelName,
            FamilyNames = best.FamilyNames.ToArray(),
            Likelihood = LikelihoodVocabulary.Of(defaults.Likelihood).Name,
            Latent = latent,
            Phi = phi,
            Assignments = assignments,
            Grid = grid,
            Curves = best.FittedCurves(grid),
            GeneParameters = (best.Decoder as Runtime.Decoding.DerivativeDecoder)?.ParameterColumns(),
            History = best.History.ToArray(),
            Scores = scores,
            Ari = data.Labels is null ? null : Clustering.AdjustedRandIndex(data.Labels, assignments),
            AbsSpearman = data.Time is null ? null : Math.Abs(Correlation.Spearman(z, data.Time)),
            TrainSeconds = watch.Elapsed.TotalSeconds,
            Epochs = epochs,
            Device = device,
            Warnings = warnings,
        };

        PrintSummary(stdout, outcome, data);
        ct.ThrowIfCancellationRequested();
        var written = ResultFiles.Write(output, s, data, compiled, best, outcome, total);
        output.Commit();
        stdout.WriteLine($"wrote {output.Destination}{Path.DirectorySeparatorChar}: {string.Join(", ", written)}");
        return ExitCodes.Success;
    }

    /// <summary>"cpu" or "cuda:0", checking the option against this machine.</summary>
    public static string ResolveDevice(string device)
    {
        try
        {
            return Seeding.ResolveDevice(device).ToString();
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--device: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private static void PrintSummary(TextWriter w, FitOutcome o, FitData data)
    {
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained in {o.TrainSeconds:F1} s; final loss {(o.History.Count > 0 ? o.History[^1].Loss : double.NaN):G6}"));
        if (o.Scores.Count > 1)
        {
            int kept = o.Scores.OrderByDescending(sc => double.IsNaN(sc.Elbo) ? double.NegativeInfinity : sc.Elbo).ThenBy(sc => sc.Restart).First().Restart;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  training ELBO per run: {string.Join(", ", o.Scores.Select(sc => sc.Elbo.ToString("F1", CultureInfo.InvariantCulture)))}; kept run {kept + 1}"));
        }
        w.WriteLine($"families: {string.Join(", ", o.FamilyCounts().Select(c => $"{c.Family} {c.Count}"))} (of {data.Features} features)");
        if (o.Ari is double ari) w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ARI(true families, fitted families) = {ari:F3}   ({data.LabelsSource})"));
        if (o.AbsSpearman is double rho) w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"|Spearman(true time, pseudotime)| = {rho:F3}   ({data.TimeSource})"));
    }
}

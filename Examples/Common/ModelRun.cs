using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;

namespace DerivSpec.Examples;

/// <summary>What one training run gave: per-feature families, per-sample latent means, curves, timing.</summary>
public sealed class FitResult
{
    /// <summary>Model name as printed ("BasisDeVAE", "BasisVAE", …).</summary>
    public required string Model { get; init; }

    /// <summary>Family (cluster) names of the model, index order.</summary>
    public required IReadOnlyList<string> FamilyNames { get; init; }

    /// <summary>Hard assignment per feature (index into <see cref="FamilyNames"/>).</summary>
    public required int[] Assignments { get; init; }

    /// <summary>φ, d × K.</summary>
    public required double[,] Phi { get; init; }

    /// <summary>Posterior mean of the first latent dimension per training sample.</summary>
    public required double[] Z { get; init; }

    /// <summary>Posterior means of every latent dimension per training sample, [N, p].</summary>
    public required double[,] Latent { get; init; }

    /// <summary>Curve grid over the range of <see cref="Z"/>.</summary>
    public required double[] Grid { get; init; }

    /// <summary>Curves [G, K, d] on <see cref="Grid"/> (location scale).</summary>
    public required double[,,] Curves { get; init; }

    /// <summary>Median seconds per epoch (all epochs after the first).</summary>
    public required double SecondsPerEpoch { get; init; }

    /// <summary>Total training seconds.</summary>
    public required double TrainSeconds { get; init; }

    /// <summary>CPU seconds of the whole process (all threads) while the model trained: on a machine shared with other
    /// jobs a fairer cost than the wall time, which counts the time the run waited for a core.</summary>
    public double TrainCpuSeconds { get; init; }

    /// <summary>Final epoch's loss.</summary>
    public required double FinalLoss { get; init; }

    /// <summary>The results in the form <see cref="ResultsWriter"/> writes (.h5ad or CSV beside the training data).</summary>
    public DerivSpecResults ToResults() => new()
    {
        ModelName = Model,
        Latent = Latent,
        FamilyNames = FamilyNames,
        FamilyProbabilities = Phi,
        Assignments = Assignments,
        CurveGrid = Grid,
        Curves = Curves,
    };

    /// <summary>Assigned family name per feature.</summary>
    public string[] AssignedNames => Assignments.Select(k => FamilyNames[k]).ToArray();

    /// <summary>The assigned family's curve of feature j on the grid.</summary>
    public double[] AssignedCurve(int j)
    {
        var r = new double[Grid.Length];
        for (int g = 0; g < Grid.Length; g++) r[g] = Curves[g, Assignments[j], j];
        return r;
    }
}

/// <summary>Training helpers shared by the examples.</summary>
public static class ModelRun
{
    /// <summary>Trains <paramref name="model"/> and collects the results; progress lines go to <paramref name="log"/> every <paramref name="every"/> epochs.</summary>
    public static FitResult Fit(CollapsedVaeModel model, AnnData data, TrainOptions options, TextWriter? log, string label,
        int every = 50, int gridPoints = 200)
    {
        ArgumentNullException.ThrowIfNull(model);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var progress = log is null ? null : new InlineProgress<EpochMetrics>(m =>
        {
            if (m.Epoch % every == 0) log.WriteLine($"  {label}: {m}");
        });
        model.Train(data, options with { Progress = progress ?? options.Progress });
        watch.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var latent = model.Latent(data);
        var z = Enumerable.Range(0, latent.GetLength(0)).Select(i => latent[i, 0]).ToArray();
        double lo = z.Min(), hi = z.Max();
        if (hi - lo < 1e-6) { lo -= 1; hi += 1; }
        var grid = CollapsedVaeModel.Grid(lo, hi, gridPoints);
        var times = model.History.Skip(1).Select(h => h.Seconds).OrderBy(s => s).ToArray();
        double median = times.Length == 0 ? model.History.Select(h => h.Seconds).DefaultIfEmpty(0).First()
            : times.Length % 2 == 1 ? times[times.Length / 2] : 0.5 * (times[times.Length / 2 - 1] + times[times.Length / 2]);
        return new FitResult
        {
            Model = model.ModelName,
            FamilyNames = model.FamilyNames.ToArray(),
            Assignments = model.Assignments(),
            Phi = model.FamilyProbabilities(),
            Z = z,
            Latent = latent,
            Grid = grid,
            Curves = model.FittedCurves(grid),
            SecondsPerEpoch = median,
            TrainSeconds = watch.Elapsed.TotalSeconds,
            TrainCpuSeconds = cpu.TotalSeconds,
            FinalLoss = model.History.Count > 0 ? model.History[^1].Loss : double.NaN,
        };
    }

    /// <summary>
    /// Trains <paramref name="restarts"/> models made by <paramref name="make"/>(seed) (see
    /// <see cref="Restarts.TrainBest{TModel}"/>) and returns the results of the one with the highest training ELBO;
    /// with more than one restart the log names each run, its ELBO and the one kept. <paramref name="useBest"/>, when
    /// given, gets the kept model before it is disposed (e.g. to score a test split); <paramref name="scores"/> receives
    /// every run's training ELBO in order.
    /// </summary>
    public static FitResult FitBest(Func<long, CollapsedVaeModel> make, AnnData data, TrainOptions options, int restarts,
        TextWriter? log, string label, int every = 50, Action<CollapsedVaeModel>? useBest = null, ICollection<RestartScore>? scores = null)
    {
        ArgumentNullException.ThrowIfNull(make);
        var results = new Dictionary<CollapsedVaeModel, (FitResult Fit, int Run)>(ReferenceEqualityComparer.Instance);
        var runScores = new List<RestartScore>();
        using var best = Restarts.TrainBest(make, data, options, restarts, (m, o) =>
        {
            int run = results.Count + 1;
            results[m] = (Fit(m, data, o, log, restarts > 1 ? $"{label} run {run}/{restarts}" : label, every), run);
        }, runScores);
        var (kept, keptRun) = results[best];
        if (restarts > 1)
            log?.WriteLine($"  {label}: training ELBO per run {string.Join(", ", runScores.Select(s => s.Elbo.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))}; kept run {keptRun}");
        if (scores is not null)
            foreach (var s in runScores) scores.Add(s);
        useBest?.Invoke(best);
        return kept;
    }

    /// <summary>Median of a sample.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    /// <summary>Synchronous IProgress (Progress&lt;T&gt; posts to the thread pool, which reorders lines).</summary>
    public sealed class InlineProgress<T> : IProgress<T>
    {
        private readonly Action<T> _report;

        /// <summary>Creates the progress sink.</summary>
        public InlineProgress(Action<T> report) => _report = report;

        /// <inheritdoc />
        public void Report(T value) => _report(value);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using DerivSpec.Data;
using DerivSpec.Plots;
using DerivSpec.Runtime.Metrics;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;

namespace DerivSpec.Examples.Synthetic;

/// <summary>
/// The paper's §5.1 experiment (Table 1, Fig. 4): BasisDeVAE with the three families of <c>paper.dspec</c> and the
/// BasisVAE baseline, each trained on the full data and on the "low z" (t &lt; 1) and "high z" (t &gt; −1) subsets.
/// </summary>
public static class SyntheticExample
{
    private const string Name = "synthetic";

    /// <summary>The paper's Table 1 (BasisDeVAE, BasisVAE).</summary>
    private static readonly (string Row, double DeVae, double Vae)[] Paper =
    {
        ("ARI(GT, C_L)", 0.524, 0.381), ("ARI(GT, C_H)", 0.455, 0.102), ("ARI(C_L, C_H)", 0.280, 0.258),
    };

    /// <summary>Default of --assign-warmup (see <see cref="TrainOptions.AssignmentWarmup"/>).</summary>
    private const double DefaultAssignWarmup = 0;

    /// <summary>Default of --restarts (see <see cref="Restarts.TrainBest{TModel}"/>).</summary>
    private const int DefaultRestarts = 3;

    /// <summary>Entry point used by Program and by the smoke test.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var cmd = new ExampleCommand(Name,
            "The paper's synthetic experiment (Table 1, Fig. 4): BasisDeVAE with paper.dspec's three families and the BasisVAE baseline, " +
            "on the full data and the low-z/high-z subsets.\nRun it with: dotnet run --project Examples/Synthetic -c Release -- [options]");
        var seeds = cmd.IntList("--seed", "Seed(s) of data, initialisation and training; several seeds give a table.", new[] { 1 }, 0, int.MaxValue);
        var epochs = cmd.Int("--epochs", "Training epochs (the paper's 300).", 300, 1, 100_000);
        var outDir = cmd.String("--out", "Output folder; written only when the run succeeds.", Path.Combine("out", "synthetic"), "DIR");
        var device = cmd.Device();
        var threads = cmd.Int("--threads", "torch CPU threads (at batch 32 the ops are too small to gain from more).", 1, 1, 256);
        var batch = cmd.Int("--batch", "Minibatch size (the paper's 32).", 32, 1, 1 << 20);
        var data = cmd.OptionalString("--data", "Your own data instead of the simulated data: a table (.csv/.tsv, samples in rows, features in columns, header and sample-name column optional), .h5ad, .mtx or a 10x folder.", "PATH");
        var labels = cmd.OptionalString("--labels", "True family per feature, one per line (or var:C, column C of the data's var table), to score ARI.", "FILE|var:C");
        var time = cmd.OptionalString("--time", "True pseudotime per sample, one per line (or obs:C, numeric column C of the data's obs table), to score Spearman and to form the low/high-z subsets.", "FILE|obs:C");
        var anneal = cmd.OptionalDouble("--anneal", "Raise β and γ linearly over the first fraction F of training (default: paper.dspec's, 0).", 0, 1);
        var warmup = cmd.Double("--assign-warmup", "Keep the family probabilities φ uniform (ξ not trained) for the first fraction F of training while the family curves learn their shapes (0 = off).", DefaultAssignWarmup, 0, 1);
        var assignLr = cmd.Double("--assign-lr", "Learning-rate factor of the assignment logits ξ.", 1.0, 1e-6, 1e6);
        var restarts = cmd.Int("--restarts", "Train each model N times from different seeds and keep the run with the highest training ELBO (no labels used).", DefaultRestarts, 1, 1000);
        var noBaseline = cmd.Flag("--no-baseline", "Skip BasisVAE.");
        var fullOnly = cmd.Flag("--full-only", "Train on the full data only (skip the low/high-z subset fits).");
        var quiet = cmd.Flag("--quiet", "No per-epoch progress.");
        return cmd.Run(args, stdout, stderr, (p, ct) => RunCore(new Options(p.GetValue(seeds)!, p.GetValue(epochs), p.GetValue(outDir)!,
            p.GetValue(device)!, p.GetValue(threads), p.GetValue(batch), p.GetValue(data), p.GetValue(labels), p.GetValue(time),
            !p.GetValue(noBaseline), p.GetValue(quiet), p.GetValue(anneal), p.GetValue(warmup), p.GetValue(fullOnly), p.GetValue(assignLr),
            p.GetValue(restarts)), stdout, stderr, ct));
    }

    private sealed record Options(int[] Seeds, int Epochs, string Out, string Device, int Threads, int Batch,
        string? Data, string? Labels, string? Time, bool Baseline, bool Quiet, double? Anneal, double AssignWarmup, bool FullOnly, double AssignLr,
        int Restarts);

    private static int RunCore(Options o, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        if (o.Data is null && (o.Labels is not null || o.Time is not null))
            throw new UsageException("--labels and --time describe --data; give --data too (the simulated data has its own truth).");

        // Read and check every input before any training, so bad input fails fast and writes nothing.
        Input? user = o.Data is null ? null : Input.Load(o.Data, o.Labels, o.Time);
        Seeding.ResolveDevice(o.Device); // a bad --device fails here
        using var output = OutputDirectory.Begin(o.Out);

        var summary = new List<SeedResult>();
        foreach (var seed in o.Seeds)
        {
            ct.ThrowIfCancellationRequested();
            var input = user ?? Input.Simulated(seed);
            string folder = o.Seeds.Length > 1 ? $"seed{seed}" : "";
            var r = RunSeed(o, seed, input, stdout, o.Quiet ? null : stderr, ct, output, folder);
            summary.Add(r);
            PrintSeed(stdout, r, input);
        }
        if (summary.Count > 1) PrintSummary(stdout, summary);
        WriteMetrics(output.PathFor("metrics.csv"), summary);
        output.Commit();
        stdout.WriteLine($"results written to {output.Destination}");
        return 0;
    }

    // ------------------------------------------------------------------ input

    private sealed class Input
    {
        public required AnnData Data { get; init; }
        public string[]? Labels { get; init; }
        public double[]? Time { get; init; }
        public Func<int, double, double>? Truth { get; init; }
        public required string Description { get; init; }

        public static Input Simulated(int seed)
        {
            var d = SyntheticData.Generate(seed);
            return new Input
            {
                Data = d.ToAnnData(), Labels = d.Labels, Time = d.Time, Truth = d.Truth,
                Description = $"simulated data (seed {seed}): {d.Samples} samples × {d.Features} features",
            };
        }

        public static Input Load(string data, string? labels, string? time)
        {
            var a = AnnDataReader.Read(data);
            if (a.ObsCount < 4) throw new DataFormatException(data, $"has {a.ObsCount} samples; at least 4 are needed.");
            a.Validate(ValueSupport.Real, a.VarCount);   // the paper's model is Gaussian: fail now, before any training
            string[]? l = labels is null ? null : ExampleOptions.Labels(labels, a, data);
            double[]? t = time is null ? null : ExampleOptions.Numbers(time, a, data);
            return new Input { Data = a, Labels = l, Time = t, Description = $"{data}: {a.ObsCount} samples × {a.VarCount} features" };
        }
    }

    // ------------------------------------------------------------------ one seed

    private sealed record ModelScores(string Model, FitResult Full, FitResult? Low, FitResult? High,
        double? AriFull, double? AriLow, double? AriHigh, double? AriLowHigh, double? Spearman);

    private sealed record SeedResult(int Seed, ModelScores DeVae, ModelScores? Vae);

    private static SeedResult RunSeed(Options o, int seed, Input input, TextWriter stdout, TextWriter? log,
        CancellationToken ct, OutputDirectory output, string folder)
    {
        stdout.WriteLine($"== {input.Description}; {o.Epochs} epochs, batch {o.Batch}, seed {seed}");
        var train = new TrainOptions
        {
            Epochs = o.Epochs, BatchSize = o.Batch, Seed = seed, Device = o.Device, Threads = o.Threads, Cancellation = ct,
            AnnealFraction = o.Anneal, AssignmentWarmup = o.AssignWarmup, AssignmentLearningRateFactor = o.AssignLr,
        };
        var subsets = new List<(string Name, int[]? Rows)> { ("full", null) };
        if (input.Time is not null && !o.FullOnly)
        {
            subsets.Add(("low", Enumerable.Range(0, input.Data.ObsCount).Where(i => input.Time[i] < 1).ToArray()));
            subsets.Add(("high", Enumerable.Range(0, input.Data.ObsCount).Where(i => input.Time[i] > -1).ToArray()));
        }

        ModelScores Score(string model, Func<long, CollapsedVaeModel> make)
        {
            var fits = new Dictionary<string, FitResult>();
            foreach (var (subset, rows) in subsets)
            {
                var data = rows is null ? input.Data : input.Data.SelectObs(rows);
                if (data.ObsCount < 4) continue;
                fits[subset] = ModelRun.FitBest(make, data, train, o.Restarts, log, $"{model} {subset}");
            }
            var full = fits["full"];
            double? Ari(FitResult? f) => f is null || input.Labels is null ? null : Clustering.AdjustedRandIndex(input.Labels, f.Assignments);
            fits.TryGetValue("low", out var low);
            fits.TryGetValue("high", out var high);
            double? lowHigh = low is not null && high is not null ? Clustering.AdjustedRandIndex(low.Assignments, high.Assignments) : null;
            double? rho = input.Time is null ? null : Math.Abs(Correlation.Spearman(full.Z, input.Time));
            return new ModelScores(model, full, low, high, Ari(full), Ari(low), Ari(high), lowHigh, rho);
        }

        int d = input.Data.VarCount;
        var devae = Score("BasisDeVAE", s => new BasisDeVAE(PaperModel.CreateDecoder(d, s), PaperModel.Defaults, new ModelOptions { Seed = s }));
        ModelScores? vae = null;
        if (o.Baseline)
        {
            int k = devae.Full.FamilyNames.Count;
            vae = Score("BasisVAE", s => new BasisVAE(d, k, PaperModel.Defaults, options: new ModelOptions { Seed = s }));
        }
        var result = new SeedResult(seed, devae, vae);
        WriteSeedFiles(output, folder, input, result, stdout);
        return result;
    }

    // ------------------------------------------------------------------ printing

    private static string F(double? v) => v is double x ? x.ToString("F3", CultureInfo.InvariantCulture) : "n/a";

    private static void PrintSeed(TextWriter w, SeedResult r, Input input)
    {
        var rows = new List<(string Row, Func<ModelScores, double?> Get, string Paper)>
        {
            ("ARI(GT, full data)", s => s.AriFull, "1 / -"),
            ("ARI(GT, C_L)   low z, t < 1", s => s.AriLow, "0.524 / 0.381"),
            ("ARI(GT, C_H)   high z, t > -1", s => s.AriHigh, "0.455 / 0.102"),
            ("ARI(C_L, C_H)", s => s.AriLowHigh, "0.280 / 0.258"),
            ("|Spearman(mu_z, t)|", s => s.Spearman, "-"),
            ("s/epoch (median, full data)", s => s.Full.SecondsPerEpoch, "-"),
        };
        w.WriteLine($"seed {r.Seed}: {"",-31} {"BasisDeVAE",10} {"BasisVAE",10}   paper (BasisDeVAE / BasisVAE)");
        foreach (var (row, get, paper) in rows)
            w.WriteLine($"  {row,-37} {F(get(r.DeVae)),10} {(r.Vae is null ? "skipped" : F(get(r.Vae))),10}   {paper}");
        var counts = r.DeVae.Full.AssignedNames.GroupBy(x => x).OrderBy(g => g.Key).Select(g => $"{g.Key} ({PaperModel.Label(g.Key)}) {g.Count()}");
        w.WriteLine($"  BasisDeVAE families (full data): {string.Join(", ", counts)}");
    }

    private static void PrintSummary(TextWriter w, List<SeedResult> all)
    {
        w.WriteLine();
        w.WriteLine("per seed            | BasisDeVAE: full    low   high  L-vs-H  |rho| | BasisVAE: full    low   high  L-vs-H  |rho|");
        foreach (var r in all)
            w.WriteLine($"seed {r.Seed,-14} | {Row(r.DeVae)} | {(r.Vae is null ? "skipped" : Row(r.Vae))}");
        w.WriteLine($"{"mean",-19} | {MeanRow(all.Select(a => a.DeVae).ToList())} | {(all[0].Vae is null ? "skipped" : MeanRow(all.Select(a => a.Vae!).ToList()))}");
        w.WriteLine("paper (Table 1)     |               -   0.524  0.455  0.280      - |             -   0.381  0.102  0.258      -");
        static string Row(ModelScores s) => $"{F(s.AriFull),15} {F(s.AriLow),6} {F(s.AriHigh),6} {F(s.AriLowHigh),7} {F(s.Spearman),6}";
        static double? Mean(IEnumerable<double?> v) { var x = v.Where(a => a.HasValue).Select(a => a!.Value).ToList(); return x.Count == 0 ? null : x.Average(); }
        static string MeanRow(List<ModelScores> s) =>
            $"{F(Mean(s.Select(a => a.AriFull))),15} {F(Mean(s.Select(a => a.AriLow))),6} {F(Mean(s.Select(a => a.AriHigh))),6} {F(Mean(s.Select(a => a.AriLowHigh))),7} {F(Mean(s.Select(a => a.Spearman))),6}";
    }

    // ------------------------------------------------------------------ files

    private static string C(double v) => CsvWriter.Format(v);

    private static void WriteMetrics(string path, List<SeedResult> all)
    {
        var rows = new List<string[]>();
        foreach (var r in all)
            foreach (var s in new[] { r.DeVae, r.Vae })
                if (s is not null)
                    rows.Add(new[] { r.Seed.ToString(CultureInfo.InvariantCulture), s.Model, N(s.AriFull), N(s.AriLow), N(s.AriHigh), N(s.AriLowHigh), N(s.Spearman), C(s.Full.SecondsPerEpoch), C(s.Full.TrainSeconds) });
        CsvWriter.Write(path, new[] { "seed", "model", "ari_full", "ari_low", "ari_high", "ari_low_high", "abs_spearman", "s_per_epoch", "train_s" }, rows);
        static string N(double? v) => v is double x ? C(x) : "";
    }

    private static void WriteSeedFiles(OutputDirectory output, string folder, Input input, SeedResult r, TextWriter stdout)
    {
        string P(string file) => output.PathFor(folder.Length == 0 ? file : Path.Combine(folder, file));
        var t = input.Data;
        var models = new[] { r.DeVae, r.Vae }.Where(m => m is not null).Select(m => m!).ToList();

        // per feature
        var header = new List<string> { "feature" };
        if (input.Labels is not null) header.Add("truth");
        foreach (var m in models)
        {
            header.Add($"{m.Model}_full");
            if (m.Low is not null) header.Add($"{m.Model}_low");
            if (m.High is not null) header.Add($"{m.Model}_high");
            header.AddRange(m.Full.FamilyNames.Select(f => $"{m.Model}_phi_{f}"));
        }
        var rows = new List<string[]>();
        for (int j = 0; j < t.VarCount; j++)
        {
            var row = new List<string> { t.VarNames[j] };
            if (input.Labels is not null) row.Add(input.Labels[j]);
            foreach (var m in models)
            {
                row.Add(m.Full.AssignedNames[j]);
                if (m.Low is not null) row.Add(m.Low.AssignedNames[j]);
                if (m.High is not null) row.Add(m.High.AssignedNames[j]);
                for (int k = 0; k < m.Full.FamilyNames.Count; k++) row.Add(C(m.Full.Phi[j, k]));
            }
            rows.Add(row.ToArray());
        }
        CsvWriter.Write(P("features.csv"), header, rows);

        // per sample
        var sh = new List<string> { "sample" };
        if (input.Time is not null) sh.Add("t");
        sh.AddRange(models.Select(m => $"z_{m.Model}"));
        var srows = new List<string[]>();
        for (int i = 0; i < t.ObsCount; i++)
        {
            var row = new List<string> { t.HasObsNames ? t.ObsNames[i] : (i + 1).ToString(CultureInfo.InvariantCulture) };
            if (input.Time is not null) row.Add(C(input.Time[i]));
            row.AddRange(models.Select(m => C(m.Full.Z[i])));
            srows.Add(row.ToArray());
        }
        CsvWriter.Write(P("samples.csv"), sh, srows);

        // fitted curves (assigned family per feature), one file per model
        foreach (var m in models)
        {
            var ch = new List<string> { "z" };
            ch.AddRange(t.VarNames);
            var crows = new List<string[]>();
            var curves = Enumerable.Range(0, t.VarCount).Select(m.Full.AssignedCurve).ToArray();
            for (int g = 0; g < m.Full.Grid.Length; g++)
            {
                var row = new string[t.VarCount + 1];
                row[0] = C(m.Full.Grid[g]);
                for (int j = 0; j < t.VarCount; j++) row[j + 1] = C(curves[j][g]);
                crows.Add(row);
            }
            CsvWriter.Write(P($"curves_{m.Model}.csv"), ch, crows);
        }

        WriteFigures(input, r, models, P, stdout);
    }

    /// <summary>
    /// fig4 (truth and each model's curves coloured by family), phi (BasisDeVAE's φ with the true families beside it)
    /// and pseudotime (histogram of BasisDeVAE's μ_z, and μ_z against t when t is known); PNG and SVG each.
    /// </summary>
    private static void WriteFigures(Input input, SeedResult r, List<ModelScores> models, Func<string, string> path, TextWriter stdout)
    {
        var t = input.Data;
        var fig4 = BuildFigure(input, r, models);
        if (fig4 is null)
            stdout.WriteLine($"  fig4 not drawn: more than {PlotPalette.Count} families and labels to colour apart");
        else
            using (fig4) fig4.Save(path("fig4"));
        var f = r.DeVae.Full;
        using (var phi = Figures.PhiHeatmap(f.Phi, f.Assignments, f.FamilyNames.Select(PaperModel.Label).ToArray(), new PhiHeatmapOptions
        {
            Title = $"BasisDeVAE family probabilities φ, seed {r.Seed}",
            FeatureNames = t.VarNames.ToArray(),
            TrueLabels = input.Labels,
        }))
            phi.Save(path("phi"));
        using (var pt = Figures.PseudotimeHistogram(f.Z, new PseudotimeOptions
        {
            Title = $"BasisDeVAE pseudotime, seed {r.Seed}", TrueTime = input.Time, TrueTimeLabel = "t",
        }))
            pt.Save(path("pseudotime"));
    }

    /// <summary>
    /// Fig. 4: truth (when known), then each model's fitted curves (assigned family) coloured by family. The latent sign
    /// is not identifiable: when μ_z runs against t, a model's panel is drawn against −z so it reads like the truth,
    /// and its increasing/decreasing names swap. BasisVAE's clusters are coloured by the true family they match best.
    /// Null when families and labels together need more colours than the palette has.
    /// </summary>
    private static Figure? BuildFigure(Input input, SeedResult r, List<ModelScores> models)
    {
        var families = new List<string> { SyntheticData.Increasing, SyntheticData.Decreasing, SyntheticData.Transient };
        void AddFamilies(IEnumerable<string> names) { foreach (var n in names) if (!families.Contains(n)) families.Add(n); }
        if (input.Labels is not null) AddFamilies(input.Labels.Distinct());
        AddFamilies(r.DeVae.Full.FamilyNames.Select(PaperModel.Label));
        var panels = new List<CurvePanel>();
        int d = input.Data.VarCount;
        if (input.Truth is not null && input.Labels is not null && input.Time is not null)
        {
            var grid = Rng.Linspace(input.Time.Min(), input.Time.Max(), 200);
            panels.Add(new CurvePanel("Truth", grid, Enumerable.Range(0, d).Select(j => grid.Select(x => input.Truth(j, x)).ToArray()).ToList(),
                Enumerable.Range(0, d).Select(j => families.IndexOf(input.Labels[j])).ToArray(), "t", "x"));
        }
        foreach (var m in models)
        {
            var f = m.Full;
            bool flip = input.Time is not null && Correlation.Spearman(f.Z, input.Time) < 0;
            var x = flip ? f.Grid.Select(v => -v).ToArray() : f.Grid;
            var names = f.AssignedNames.Select(PaperModel.Label).Select(n => flip ? Swap(n) : n).ToArray();
            if (m.Model != "BasisDeVAE" && input.Labels is not null)
            {
                var map = Matching.BestMap(f.AssignedNames, input.Labels);
                names = f.AssignedNames.Select(n => map[n]).ToArray();
            }
            AddFamilies(names);
            string title = $"{m.Model}{(m.AriFull is double a ? $" (ARI {a:F3})" : "")}";
            panels.Add(new CurvePanel(title, x, Enumerable.Range(0, d).Select(f.AssignedCurve).ToList(), names.Select(n => families.IndexOf(n)).ToArray(), flip ? "-z" : "z", "x"));
        }
        if (families.Count > PlotPalette.Count) return null;
        return Figures.CurvePanels(panels, families, $"Synthetic data, seed {r.Seed}: fitted trajectories coloured by family");
        static string Swap(string n) => n == SyntheticData.Increasing ? SyntheticData.Decreasing : n == SyntheticData.Decreasing ? SyntheticData.Increasing : n;
    }
}

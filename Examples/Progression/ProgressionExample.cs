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

namespace DerivSpec.Examples.Progression;

/// <summary>
/// The paper's §5.2 protocol (Table 2) on a simulated stand-in for OASIS-3, or on a user's table: 10 random 80/20
/// splits; on each, a monotonically decreasing DeVAE (<c>decreasing.dspec</c>), a standard VAE and a linear VAE are
/// trained for 50 epochs (Adam 5e-3, Gaussian) and scored on the test part by log p(X | Z, θ*) and the ELBO.
/// </summary>
public static class ProgressionExample
{
    private const string Name = "progression";

    /// <summary>Entry point used by Program and by the smoke test.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var cmd = new ExampleCommand(Name,
            "The paper's §5.2 protocol (Table 2 analog): decreasing DeVAE, VAE and linear VAE over random 80/20 splits, scored by test " +
            "log p(X|Z) and ELBO.\nRun it with: dotnet run --project Examples/Progression -c Release -- [options]");
        var seed = cmd.Int("--seed", "Seed of the simulated data, the splits and the models.", 1, 0);
        var splits = cmd.Int("--splits", "Random 80/20 train/test splits (the paper's 10).", 10, 1, 1000);
        var epochs = cmd.Int("--epochs", "Epochs per model (the paper's 50).", 50, 1, 100_000);
        var samples = cmd.Int("--samples", "Simulated samples (OASIS-3 had 2047).", 2000, 20, 10_000_000);
        var data = cmd.OptionalString("--data", "Your own data instead of the simulation: a table (.csv/.tsv, samples in rows, features in columns, header optional), .h5ad, .mtx or a 10x folder.", "PATH");
        var outDir = cmd.String("--out", "Output folder; written only when the run succeeds.", Path.Combine("out", "progression"), "DIR");
        var device = cmd.Device();
        var threads = cmd.Int("--threads", "torch CPU threads.", 1, 1, 256);
        var batch = cmd.Int("--batch", "Minibatch size.", 32, 1, 1 << 20);
        var elbo = cmd.Int("--elbo-samples", "z draws per test sample for the ELBO.", 10, 1, 10_000);
        var quiet = cmd.Flag("--quiet", "No per-split progress.");
        return cmd.Run(args, stdout, stderr, (p, ct) => RunCore(new Options(p.GetValue(seed), p.GetValue(splits), p.GetValue(epochs),
            p.GetValue(samples), p.GetValue(threads), p.GetValue(batch), p.GetValue(elbo), p.GetValue(device)!, p.GetValue(outDir)!,
            p.GetValue(data), p.GetValue(quiet)), stdout, stderr, ct));
    }

    private sealed record Options(int Seed, int Splits, int Epochs, int Samples, int Threads, int Batch, int ElboSamples,
        string Device, string OutDir, string? DataPath, bool Quiet);

    private sealed record Score(int Split, string Model, double LogLik, double Elbo, double SecondsPerEpoch);

    private static int RunCore(Options o, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var (seed, splits, epochs, samples, threads, batch, elboSamples, device, outDir, dataPath, quiet) = o;

        AnnData table;
        string description;
        SimulatedData? sim = null;
        if (dataPath is not null)
        {
            table = AnnDataReader.Read(dataPath);
            if (table.ObsCount < 10) throw new DataFormatException(dataPath, $"has {table.ObsCount} samples; at least 10 are needed for 80/20 splits.");
            table.Validate(ValueSupport.Real, table.VarCount);   // Gaussian models: fail now, before any training
            description = $"{dataPath}: {table.ObsCount} samples × {table.VarCount} features";
        }
        else
        {
            sim = ProgressionData.Generate(seed, samples);
            table = sim.ToAnnData();
            description = $"simulated atrophy table (seed {seed}): {table.ObsCount} samples × {table.VarCount} decreasing biomarkers, heteroscedastic noise";
        }
        Seeding.ResolveDevice(device);
        using var output = OutputDirectory.Begin(outDir);
        stdout.WriteLine($"== {description}; {splits} random 80/20 splits, {epochs} epochs, batch {batch}, Adam 5e-3, Gaussian");

        var defaults = DecreasingModel.Defaults;
        var vaeNet = new NetworkShape(new[] { 64 }, ActivationKind.Tanh); // the derivative net's shape, as in the paper
        var scores = new List<Score>();
        var rng = new Rng(seed);
        FitResult? firstDeVae = null, firstVae = null;
        double[]? firstTestTime = null;
        for (int s = 1; s <= splits; s++)
        {
            ct.ThrowIfCancellationRequested();
            var order = rng.Shuffle(Enumerable.Range(0, table.ObsCount).ToArray());
            int nTest = (int)Math.Round(table.ObsCount * 0.2);
            var test = order.Take(nTest).OrderBy(i => i).ToArray();
            var trainRows = order.Skip(nTest).OrderBy(i => i).ToArray();
            var trainData = table.SelectObs(trainRows);
            var testData = table.SelectObs(test);
            long modelSeed = seed * 1000L + s;
            var train = new TrainOptions { Epochs = epochs, BatchSize = batch, Seed = modelSeed, Device = device, Threads = threads, Cancellation = ct };
            var makers = new (string Name, Func<CollapsedVaeModel> Make)[]
            {
                ("LinearVAE", () => new LinearVae(table.VarCount, 1, defaults, new ModelOptions { Seed = modelSeed })),
                ("VAE", () => new Vae(table.VarCount, 1, defaults, vaeNet, new ModelOptions { Seed = modelSeed })),
                ("DeVAE", () => new DeVAE(DecreasingModel.CreateDecoder(table.VarCount, modelSeed), defaults, new ModelOptions { Seed = modelSeed })),
            };
            var line = new List<string>();
            foreach (var (name, make) in makers)
            {
                using var model = make();
                var fit = ModelRun.Fit(model, trainData, train, null, name);
                var ev = model.Evaluate(testData, elboSamples);
                scores.Add(new Score(s, name, ev.LogLikelihood, ev.Elbo, fit.SecondsPerEpoch));
                line.Add(FormattableString.Invariant($"{name} {ev.LogLikelihood:F1} / {ev.Elbo:F1}"));
                if (s == 1 && name == "DeVAE") firstDeVae = fit;
                if (s == 1 && name == "VAE") firstVae = fit;
            }
            if (s == 1 && sim is not null) firstTestTime = trainRows.Select(i => sim.Time[i]).ToArray();
            if (!quiet) stderr.WriteLine($"  split {s}/{splits}: test log p(X|Z) / ELBO: {string.Join("; ", line)}");
        }

        var models = new[] { "LinearVAE", "VAE", "DeVAE" };
        stdout.WriteLine();
        stdout.WriteLine($"Table 2 analog: mean over {splits} splits, test set of {(int)Math.Round(table.ObsCount * 0.2)} samples");
        stdout.WriteLine($"  {"model",-10} {"log p(X|Z,θ*)",15} {"ELBO",12} {"s/epoch",9}   paper (OASIS-3, 409 test samples)");
        var paper = new Dictionary<string, string> { ["LinearVAE"] = "-4929.1 / -5798.9", ["VAE"] = "-4903.7 / -5779.9", ["DeVAE"] = "-4879.6 / -5749.6" };
        foreach (var m in models)
        {
            var ms = scores.Where(x => x.Model == m).ToList();
            stdout.WriteLine(FormattableString.Invariant(
                $"  {m,-10} {ms.Average(x => x.LogLik),15:F1} {ms.Average(x => x.Elbo),12:F1} {ModelRun.Median(ms.Select(x => x.SecondsPerEpoch)),9:F3}   {paper[m]}"));
        }
        int winsLl = 0, winsElbo = 0;
        for (int s = 1; s <= splits; s++)
        {
            var sc = scores.Where(x => x.Split == s).ToDictionary(x => x.Model);
            if (models.All(m => m == "DeVAE" || sc["DeVAE"].LogLik > sc[m].LogLik)) winsLl++;
            if (models.All(m => m == "DeVAE" || sc["DeVAE"].Elbo > sc[m].Elbo)) winsElbo++;
        }
        stdout.WriteLine($"  DeVAE best in {winsLl}/{splits} splits on log p(X|Z,θ*) and {winsElbo}/{splits} on the ELBO (paper: 10/10)");
        if (sim is not null && firstDeVae is not null && firstTestTime is not null)
            stdout.WriteLine(FormattableString.Invariant($"  |Spearman(μ_z, true progression)| on split 1's training set: DeVAE {Math.Abs(Correlation.Spearman(firstDeVae.Z, firstTestTime)):F3}"));

        CsvWriter.Write(output.PathFor("splits.csv"), new[] { "split", "model", "test_log_likelihood", "test_elbo", "s_per_epoch" },
            scores.Select(x => new[] { x.Split.ToString(CultureInfo.InvariantCulture), x.Model, CsvWriter.Format(x.LogLik), CsvWriter.Format(x.Elbo), CsvWriter.Format(x.SecondsPerEpoch) }));
        if (firstDeVae is not null && firstVae is not null)
        {
            using (var fig = Plot(table, firstDeVae, firstVae)) fig.Save(output.PathFor("trajectories"));
            using (var pt = Figures.PseudotimeHistogram(firstDeVae.Z, new PseudotimeOptions
            {
                Title = "DeVAE progression on split 1's training set", XLabel = "progression (posterior mean of z)",
                TrueTime = firstTestTime, TrueTimeLabel = "true progression",
            }))
                pt.Save(output.PathFor("pseudotime"));
        }
        output.Commit();
        stdout.WriteLine($"results written to {output.Destination}");
        return 0;
    }

    /// <summary>
    /// Fig. 5 analog: every feature's decoded trajectory along z, DeVAE next to the VAE (split 1), one colour per feature
    /// (with more features than the palette's colours, or repeated names, one colour for all).
    /// </summary>
    private static Figure Plot(AnnData table, FitResult devae, FitResult vae)
    {
        int d = table.VarCount;
        var features = table.VarNames.ToArray();
        bool each = d <= PlotPalette.Count && features.Distinct(StringComparer.Ordinal).Count() == d;
        var names = each ? features : new[] { $"{d} features" };
        var groups = Enumerable.Range(0, d).Select(j => each ? j : 0).ToArray();
        CurvePanel Panel(string title, FitResult f) =>
            new(title, f.Grid, Enumerable.Range(0, d).Select(f.AssignedCurve).ToList(), groups, "z", "standardised value");
        return Figures.CurvePanels(new[] { Panel("DeVAE (decreasing)", devae), Panel("VAE", vae) }, names, "Decoded trajectories, split 1", columns: 2);
    }
}

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

namespace DerivSpec.Examples.SingleCell;

/// <summary>
/// The paper's §5.3 setting at its scale: a ZINB BasisDeVAE with K = 3 families (<c>scrna.dspec</c>) on N = 8509
/// cells × d = 5216 genes (simulated from known profiles, or the user's counts), 90/10 split, Adam 5e-3, β = 10,
/// γ = 1, α = 0.1, β and γ annealed over the first 20% of 100 epochs. Reports time per epoch, test log-likelihood,
/// test ELBO and, with known families, the ARI.
/// </summary>
public static class SingleCellExample
{
    private const string Name = "singlecell";

    private const string Usage = """
        usage: dotnet run --project Examples/SingleCell -c Release -- [options]

          --seed N        seed of the simulation, the split and the model (default 1)
          --epochs N      epochs (default 100, the paper's)
          --batch N       minibatch size (default 128)
          --cells N       simulated cells (default 8509, the paper's)
          --genes N       simulated genes (default 5216, the paper's)
          --simulator S   zinb (default: scRNA-like ZINB counts, many low-count genes) or shapes (the paper's synthetic
                          bumps and softplus ramps on the log-mean scale of NB counts, moderate counts)
          --data PATH     your counts instead of the simulation: .h5ad (X dense, CSR or CSC), a 10x folder (matrix.mtx
                          + barcodes.tsv + features.tsv), a .mtx file, or CSV/TSV (cells in rows, genes in columns,
                          header and cell-name column optional)
          --layer NAME    with an .h5ad: train on layers/NAME (e.g. raw counts) instead of X
          --labels SPEC   true family per gene, to score the ARI: a file (one per line) or var:COLUMN of the data
          --time SPEC     true pseudotime per cell, to score Spearman: a file (one per line) or obs:COLUMN of the data
          --write-h5ad F  write the simulated counts (obs 'time', var 'family': the truth) to the .h5ad file F and stop
          --out DIR       output folder (default out/singlecell): genes.csv, cells.csv, metrics.csv, the plots and
                          results.h5ad (the training cells with obs pseudotime, obsm X_derivspec, var family and
                          phi_<family>, uns derivspec); written only when the run succeeds
          --device D      auto | cpu | cuda | cuda:N (default auto)
          --threads N     torch CPU threads (default: torch's choice)
          --beta B        weight of the KL term after annealing (default: scrna.dspec's, 10)
          --integration R fixed (default: the shape-preserving rule; the net runs at 513 fixed knots, whatever the batch;
                          the only rule that keeps proven shapes), gl (the paper's per-sample Gauss-Legendre rule: batch x 15
                          points) or grid (one grid shared by the batch, Hermite read-off: 257 points)
          --quiet         no per-epoch progress
        """;

    /// <summary>Entry point used by Program and by the smoke test.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        CommandHost.Run(Name, ct => RunCore(args, stdout, stderr, ct), stderr);

    private static int RunCore(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var cl = CommandLine.Parse(args,
            new[] { "seed", "epochs", "batch", "cells", "genes", "simulator", "data", "layer", "labels", "time", "write-h5ad", "out", "device", "threads", "beta", "integration" }, new[] { "quiet" });
        if (cl.Help) { stdout.WriteLine(Usage); return 0; }
        int seed = cl.Int("seed", 1, 0), epochs = cl.Int("epochs", 100, 1, 100_000), batch = cl.Int("batch", 128, 1, 1 << 20);
        int cells = cl.Int("cells", 8509, 20, 10_000_000), genes = cl.Int("genes", 5216, 3, 1_000_000);
        int? threads = cl.Get("threads") is null ? null : cl.Int("threads", 1, 1, 256);
        string device = cl.Get("device", "auto"), outDir = cl.Get("out", Path.Combine("out", "singlecell"));
        string? dataPath = cl.Get("data"), labelsPath = cl.Get("labels"), timePath = cl.Get("time"), layer = cl.Get("layer"), export = cl.Get("write-h5ad");
        bool quiet = cl.Flag("quiet");
        double? beta = cl.Get("beta") is null ? null : cl.Double("beta", 10, 0, 1e6);
        string integration = ExampleOptions.Integration(cl);
        if (dataPath is null && (labelsPath is not null || timePath is not null || layer is not null))
            throw new UsageException("--labels, --time and --layer describe --data; give --data too.");
        if (dataPath is not null && export is not null) throw new UsageException("--write-h5ad writes the simulated counts; it does not go with --data.");

        AnnData counts;
        string[]? labels;
        double[]? time = null;
        string description;
        if (dataPath is not null)
        {
            counts = AnnDataReader.Read(dataPath, new AnnDataReadOptions { H5ad = new H5adReadOptions { Layer = layer, LoadEmbeddings = false, LoadUns = false } });
            counts.Validate(ValueSupport.Counts, counts.VarCount);   // checked once, before any work; names the cell and gene
            if (counts.ObsCount < 20) throw new DataFormatException(dataPath, $"has {counts.ObsCount} cells; at least 20 are needed for a 90/10 split.");
            labels = labelsPath is null ? null : ExampleOptions.Labels(labelsPath, counts, dataPath);
            time = timePath is null ? null : ExampleOptions.Numbers(timePath, counts, dataPath);
            description = FormattableString.Invariant($"{dataPath}: {counts.ObsCount} cells × {counts.VarCount} genes ({(counts.X.IsSparse ? "sparse" : "dense")}, {100.0 * counts.X.StoredValues / ((double)counts.ObsCount * counts.VarCount):F1}% stored)");
        }
        else
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            string simulator = cl.Get("simulator", "zinb");
            var sim = simulator switch
            {
                "zinb" => SingleCellData.Generate(seed, cells, genes),
                "shapes" => ShapeCountData.Generate(seed, cells, genes),
                _ => throw new UsageException($"unknown --simulator '{simulator}' (zinb or shapes)."),
            };
            counts = sim.Counts;
            labels = sim.Labels;
            time = sim.Time;
            long zeros = 0;
            foreach (float v in ((DenseMatrix)counts.X).Values) if (v == 0) zeros++;
            description = FormattableString.Invariant($"simulated {simulator} counts (seed {seed}): {cells} cells × {genes} genes, {zeros * 100.0 / counts.X.StoredValues:F0}% zeros, simulated in {watch.Elapsed.TotalSeconds:F1} s");
            if (export is not null)
            {
                var sparse = new AnnData(CsrMatrix.FromDense(counts.X), null, counts.VarNames);
                foreach (var c in counts.Obs) sparse.Obs.Set(c.Key, c.Value);
                foreach (var c in counts.Var) sparse.Var.Set(c.Key, c.Value);
                H5adWriter.Write(sparse, export);
                stdout.WriteLine($"{description}; written to {export} (sparse X, obs 'time', var 'family')");
                return 0;
            }
        }
        Seeding.ResolveDevice(device);
        using var output = OutputDirectory.Begin(outDir);

        var rng = new Rng(seed);
        var order = rng.Shuffle(Enumerable.Range(0, counts.ObsCount).ToArray());
        int nTest = Math.Max(1, (int)Math.Round(counts.ObsCount * 0.1));
        var testRows = order.Take(nTest).OrderBy(i => i).ToArray();
        var trainRows = order.Skip(nTest).OrderBy(i => i).ToArray();
        stdout.WriteLine($"== {description}; 90/10 split ({trainRows.Length} train / {testRows.Length} test), {epochs} epochs, batch {batch}");

        FitResult fit;
        Evaluation test;
        string modelText;
        var trainData = counts.SelectObs(trainRows);
        var testData = counts.SelectObs(testRows);
        var geneNames = counts.VarNames;
        counts = null!;   // the full matrix is no longer needed: only the two subsets stay in memory
        using (var model = new BasisDeVAE(ScrnaModel.CreateDecoder(geneNames.Count, seed), ScrnaModel.Defaults, new ModelOptions { Seed = seed }))
        {
            ExampleOptions.ApplyIntegration(model, integration);
            var options = new TrainOptions { Epochs = epochs, BatchSize = batch, Seed = seed, Device = device, Threads = threads, Cancellation = ct, Beta = beta };
            fit = ModelRun.Fit(model, trainData, options, quiet ? null : stderr, "BasisDeVAE", every: Math.Max(1, epochs / 10));
            test = model.Evaluate(testData, elboSamples: 1, batchSize: 512);
            modelText = model.ToString();
        }

        double? ari = labels is null ? null : Clustering.AdjustedRandIndex(labels, fit.Assignments);
        double? rho = time is null ? null : Math.Abs(Correlation.Spearman(fit.Z, trainRows.Select(i => time[i]).ToArray()));
        stdout.WriteLine(modelText);
        stdout.WriteLine();
        stdout.WriteLine($"  {"integration rule",-32} {(integration == "grid" ? "shared grid" : "Gauss-Legendre"),12}");
        stdout.WriteLine($"  {"t_train/epoch (s, median)",-32} {fit.SecondsPerEpoch,12:F3}   paper, GTX 980: 4.67 ± 0.04");
        stdout.WriteLine(FormattableString.Invariant($"  {"test log p(X|Z,θ*)",-32} {test.LogLikelihood,12:E3}   paper (851 real cells): -2.51e6"));
        stdout.WriteLine(FormattableString.Invariant($"  {"test ELBO",-32} {test.Elbo,12:E3}   paper: -6.71e7"));
        if (ari is double a) stdout.WriteLine(FormattableString.Invariant($"  {"ARI(families, truth)",-32} {a,12:F3}"));
        if (rho is double r) stdout.WriteLine(FormattableString.Invariant($"  {"|Spearman(μ_z, t)| (train)",-32} {r,12:F3}"));
        var famCounts = fit.AssignedNames.GroupBy(x => x).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        stdout.WriteLine($"  genes per family: {string.Join(", ", famCounts)}");

        // outputs
        var header = new List<string> { "gene" };
        if (labels is not null) header.Add("truth");
        header.Add("family");
        header.AddRange(fit.FamilyNames.Select(f => "phi_" + f));
        CsvWriter.Write(output.PathFor("genes.csv"), header, Enumerable.Range(0, geneNames.Count).Select(j =>
        {
            var row = new List<string> { geneNames[j] };
            if (labels is not null) row.Add(labels[j]);
            row.Add(fit.AssignedNames[j]);
            for (int k = 0; k < fit.FamilyNames.Count; k++) row.Add(CsvWriter.Format(fit.Phi[j, k]));
            return (IReadOnlyList<string>)row;
        }));
        CsvWriter.Write(output.PathFor("cells.csv"), time is null ? new[] { "cell", "z" } : new[] { "cell", "t", "z" },
            trainRows.Select((i, n) => (IReadOnlyList<string>)(time is null
                ? new[] { trainData.ObsNames[n], CsvWriter.Format(fit.Z[n]) }
                : new[] { trainData.ObsNames[n], CsvWriter.Format(time[i]), CsvWriter.Format(fit.Z[n]) })));
        CsvWriter.Write(output.PathFor("metrics.csv"), new[] { "s_per_epoch", "test_log_likelihood", "test_elbo", "ari", "abs_spearman", "epochs", "batch" },
            new[] { new[] { CsvWriter.Format(fit.SecondsPerEpoch), CsvWriter.Format(test.LogLikelihood), CsvWriter.Format(test.Elbo),
                ari is double x ? CsvWriter.Format(x) : "", rho is double y ? CsvWriter.Format(y) : "",
                epochs.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture) } });
        ResultsWriter.WriteH5ad(output.PathFor("results.h5ad"), trainData, fit.ToResults());
        WriteFigures(fit, geneNames, labels, time is null ? null : trainRows.Select(i => time[i]).ToArray(), output);
        output.Commit();
        stdout.WriteLine($"results written to {output.Destination}");
        return 0;
    }

    /// <summary>
    /// families (Fig. 6 analog: per family, the 8 genes with the largest φ, log-mean along z, with a rug of the training
    /// cells' z), phi (φ heat map, with the true families when known) and pseudotime (histogram of z, and z against the
    /// true time when known); PNG and SVG each.
    /// </summary>
    private static void WriteFigures(FitResult fit, IReadOnlyList<string> geneNames, string[]? labels, double[]? trainTime, OutputDirectory output)
    {
        var genes = geneNames.ToArray();
        var curves = FittedCurves.FromFamilyCurves(fit.Grid, fit.Curves, fit.Assignments, fit.FamilyNames, genes);
        using (var families = Figures.Trajectories(curves, new TrajectoryOptions
        {
            Title = "BasisDeVAE on counts: most confident genes per family", YLabel = "log-mean (location)",
            Phi = fit.Phi, MaxFeaturesPerFamily = 8, Latent = fit.Z,
        }))
            families.Save(output.PathFor("families"));
        using (var phi = Figures.PhiHeatmap(fit.Phi, fit.Assignments, fit.FamilyNames, new PhiHeatmapOptions
        {
            Title = "Family probabilities φ per gene", FeatureNames = genes, TrueLabels = labels,
        }))
            phi.Save(output.PathFor("phi"));
        using (var pt = Figures.PseudotimeHistogram(fit.Z, new PseudotimeOptions
        {
            Title = "Pseudotime of the training cells", CountLabel = "cells", TrueTime = trainTime,
        }))
            pt.Save(output.PathFor("pseudotime"));
    }
}

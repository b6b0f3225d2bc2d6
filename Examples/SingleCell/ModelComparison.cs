using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Runtime.Metrics;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Model.Decoders;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;

namespace DerivSpec.Examples.SingleCell;

/// <summary>
/// <c>--compare</c>: the paper's Table 3 (§5.3) on the same data, split and seed — a BasisVAE with linear basis
/// functions ("Linear", the paper's baseline), BasisVAE with λ ∈ [0.25, 1.75] ("BasisVAE1", the default bounds of
/// Märtens &amp; Yau's code), BasisVAE with λ ∈ [0.1, 3] ("BasisVAE2") and the BasisDeVAE of <c>scrna.dspec</c>, plus a
/// linear VAE without families as a reference — every one with the ZINB likelihood, the encoder, α, β, γ and annealing
/// of <c>scrna.dspec</c> and the same training options (epochs, batch, learning rate, seed, restarts, threads,
/// assignment warm-up). Prints one Markdown table (time per epoch, test log p(X|Z,θ*), test ELBO and, when known, the
/// family ARIs and |ρ|) and writes it as <c>comparison.csv</c>.
/// </summary>
internal static class ModelComparison
{
    /// <summary>Draws of z per test cell for the test ELBO (as Examples/Progression).</summary>
    internal const int ElboSamples = 10;

    /// <summary>One model of the comparison: its row name, what its decoder is, and how to make it from a seed.</summary>
    private sealed record Candidate(string Name, string Decoder, Func<long, CollapsedVaeModel> Make);

    /// <summary>One row of the table.</summary>
    private sealed record Row(string Name, string Decoder, double SecondsPerEpoch, double CpuSecondsPerEpoch, Evaluation Test,
        double TrainElbo, double? Ari, double? AriBetterHalf, double? Rho);

    /// <summary>The models in the table's order (the paper's four, then the linear VAE).</summary>
    private static IReadOnlyList<Candidate> Candidates(int genes, string integration)
    {
        var defaults = ScrnaModel.Defaults;
        var basisNet = new NetworkShape(new[] { 64 }, ActivationKind.Tanh);   // the width and activation of scrna.dspec's derivative net
        var linearNet = new NetworkShape(Array.Empty<int>(), ActivationKind.Tanh);   // no hidden layer: f_k(z) = w_k·z + b_k
        var wide = new BasisVaeBounds(LambdaLower: 0.1, LambdaUpper: 3.0);
        return new[]
        {
            new Candidate("Linear", "BasisVAE, K = 3 linear basis functions, λ ∈ [0.25, 1.75]",
                s => new BasisVAE(genes, 3, defaults, basisNet: linearNet, bounds: BasisVaeBounds.Default, options: new ModelOptions { Seed = s })),
            new Candidate("BasisVAE1", "BasisVAE, K = 3 basis MLPs 1 → 64 tanh → 1, λ ∈ [0.25, 1.75]",
                s => new BasisVAE(genes, 3, defaults, basisNet: basisNet, bounds: BasisVaeBounds.Default, options: new ModelOptions { Seed = s })),
            new Candidate("BasisVAE2", "BasisVAE, K = 3 basis MLPs 1 → 64 tanh → 1, λ ∈ [0.1, 3]",
                s => new BasisVAE(genes, 3, defaults, basisNet: basisNet, bounds: wide, options: new ModelOptions { Seed = s })),
            new Candidate("BasisDeVAE", $"scrna.dspec (increasing, decreasing, transient), integration {integration}", s =>
            {
                var model = new BasisDeVAE(ScrnaModel.CreateDecoder(genes, s), defaults, new ModelOptions { Seed = s });
                IntegrationRules.Apply(model, integration);
                return model;
            }),
            new Candidate("LinearVAE", "one linear decoder z·W + b, no families (reference)",
                s => new LinearVae(genes, 1, defaults, new ModelOptions { Seed = s })),
        };
    }

    /// <summary>
    /// Trains every model on <paramref name="train"/> with <paramref name="options"/> (best of <paramref name="restarts"/>
    /// by training ELBO, as the single-model run), scores it on <paramref name="test"/>, prints the table on
    /// <paramref name="stdout"/> (progress on <paramref name="log"/> when not null) and writes <c>comparison.csv</c> into
    /// <paramref name="output"/>. <paramref name="labels"/> (per gene) and <paramref name="trainTime"/> (per training
    /// cell) add the ARI and |ρ| columns when given.
    /// </summary>
    internal static void Run(AnnData train, AnnData test, TrainOptions options, int restarts, string integration,
        string[]? labels, double[]? trainTime, TextWriter stdout, TextWriter? log, OutputDirectory output)
    {
        int epochs = options.Epochs ?? TrainOptions.DefaultEpochs(train.ObsCount);
        long seed = options.Seed ?? 0;
        var expressed = SingleCellExample.BetterExpressedHalf(train.X);
        var rows = new List<Row>();
        foreach (var c in Candidates(train.VarCount, integration))
        {
            Evaluation score = default!;
            var scores = new List<RestartScore>();
            var fit = ModelRun.FitBest(c.Make, train, options, restarts, log, c.Name, every: Math.Max(1, epochs / 10),
                useBest: model =>
                {
                    Seeding.Set(seed);   // the ELBO's z draws: the same for every model
                    score = model.Evaluate(test, elboSamples: ElboSamples);
                }, scores: scores);
            double? ari = labels is null ? null : Clustering.AdjustedRandIndex(labels, fit.Assignments);
            double? ariHalf = labels is null ? null : ExpressionGroups.SubsetAri(labels, fit.Assignments, expressed);
            double? rho = trainTime is null ? null : Math.Abs(Correlation.Spearman(fit.Z, trainTime));
            var row = new Row(c.Name, c.Decoder, fit.SecondsPerEpoch, fit.TrainCpuSeconds / epochs, score, scores.Max(s => s.Elbo), ari, ariHalf, rho);
            rows.Add(row);
            log?.WriteLine(FormattableString.Invariant(
                $"  {c.Name}: {row.SecondsPerEpoch:F3} s/epoch, test log p(X|Z,θ*) {score.LogLikelihood:F1}, test ELBO {score.Elbo:F1}"));
        }
        Print(rows, labels is not null, trainTime is not null, test.ObsCount, stdout);
        CsvWriter.Write(output.PathFor("comparison.csv"),
            new[] { "model", "decoder", "s_per_epoch", "cpu_s_per_epoch", "test_log_likelihood", "test_elbo", "train_elbo", "ari", "ari_better_half",
                "abs_spearman", "test_cells", "epochs", "batch", "restarts", "seed", "integration" },
            rows.Select(r => (IReadOnlyList<string>)new[]
            {
                r.Name, r.Decoder, CsvWriter.Format(r.SecondsPerEpoch), CsvWriter.Format(r.CpuSecondsPerEpoch), CsvWriter.Format(r.Test.LogLikelihood),
                CsvWriter.Format(r.Test.Elbo), CsvWriter.Format(r.TrainElbo), Opt(r.Ari), Opt(r.AriBetterHalf), Opt(r.Rho),
                r.Test.Samples.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture),
                options.BatchSize.ToString(CultureInfo.InvariantCulture), restarts.ToString(CultureInfo.InvariantCulture),
                seed.ToString(CultureInfo.InvariantCulture), integration,
            }));
    }

    private static string Opt(double? v) => v is double x ? CsvWriter.Format(x) : "";

    /// <summary>The table in Markdown, best value of each fit column in bold, and what the columns mean.</summary>
    private static void Print(IReadOnlyList<Row> rows, bool withAri, bool withRho, long testCells, TextWriter stdout)
    {
        double bestLl = rows.Max(r => r.Test.LogLikelihood), bestElbo = rows.Max(r => r.Test.Elbo);
        string Bold(double v, double best) => v == best ? $"**{v.ToString("F1", CultureInfo.InvariantCulture)}**" : v.ToString("F1", CultureInfo.InvariantCulture);
        stdout.WriteLine();
        var header = "| model | t_train/epoch (s) | CPU s/epoch | test log p(X\\|Z,θ*) | test ELBO |";
        var rule = "|---|---|---|---|---|";
        if (withAri) { header += " ARI, all genes | ARI, better-expressed half |"; rule += "---|---|"; }
        if (withRho) { header += " \\|ρ(μ_z, t)\\| |"; rule += "---|"; }
        stdout.WriteLine(header);
        stdout.WriteLine(rule);
        foreach (var r in rows)
        {
            var line = FormattableString.Invariant($"| {r.Name} | {r.SecondsPerEpoch:F3} | {r.CpuSecondsPerEpoch:F3} | {Bold(r.Test.LogLikelihood, bestLl)} | {Bold(r.Test.Elbo, bestElbo)} |");
            if (withAri) line += FormattableString.Invariant($" {r.Ari:F3} | {r.AriBetterHalf:F3} |");
            if (withRho) line += FormattableString.Invariant($" {r.Rho:F3} |");
            stdout.WriteLine(line);
        }
        stdout.WriteLine();
        foreach (var r in rows) stdout.WriteLine($"  {r.Name}: {r.Decoder}");
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  t_train/epoch: median wall time of the kept run's epochs after the first; CPU s/epoch: process CPU time of its training / epochs. " +
            $"Test log p(X|Z,θ*) = Σ over the {testCells} test cells and the genes of log Σ_k φ_jk p(x_ij | z_i, family k) at z_i = the posterior mean; " +
            $"test ELBO = Σ_i (E_q log p(x_i | z, w) − KL(q(z_i | x_i) ‖ N(0, 1))) − the q(w) terms (4) + (5) with β = γ = 1, {ElboSamples} draws of z per cell, " +
            $"without the MAP prior term (7) (CollapsedVaeModel.Evaluate)."));
    }
}

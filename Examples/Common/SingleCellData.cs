using System;
using System.Threading.Tasks;
using DerivSpec.Data;

namespace DerivSpec.Examples;

/// <summary>Simulated counts with their ground truth.</summary>
/// <param name="Counts">Cells × genes counts (dense float32; obs <c>time</c>, var <c>family</c> hold the truth; the observed library sizes are given).</param>
/// <param name="Time">True pseudotime per cell.</param>
/// <param name="Labels">True family per gene.</param>
/// <param name="LibrarySizes">Library size (total counts) per cell.</param>
public sealed record SimulatedCounts(AnnData Counts, double[] Time, string[] Labels, double[] LibrarySizes);

/// <summary>
/// scRNA-seq-like counts at the paper's §5.3 scale (N = 8509 cells × d = 5216 genes by default) from known families:
/// pseudotime t ~ U(−2, 2); per-cell library size ℓ ~ LogNormal(log 3000, 0.35); gene j has a baseline share p_j
/// (Gamma(0.6) weights, normalised) and a log-fold profile f_j(t) that is increasing a·(σ((t−c)/w) − ½),
/// decreasing −a·(σ((t−c)/w) − ½), or transient a·(exp(−½((t−t0)/w)²) − ½), a ~ U(1, 3) (40/30/30 %).
/// Counts ~ ZINB: mean μ = ℓ·p_j·exp(f_j(t)), NB inverse dispersion θ_j ~ U(2, 10) (Gamma–Poisson), structural
/// zeros with probability π_j ~ U(0.05, 0.25). Deterministic for a seed (cells are drawn in parallel from per-cell streams).
/// </summary>
public static class SingleCellData
{
    /// <summary>Generates the counts.</summary>
    public static SimulatedCounts Generate(int seed, int cells = 8509, int genes = 5216)
    {
        if (cells < 2 || genes < 3) throw new ArgumentOutOfRangeException(nameof(cells), "At least 2 cells and 3 genes.");
        var rng = new Rng(seed);
        var labels = new string[genes];
        var kind = new int[genes];
        var share = new double[genes];
        var amp = new double[genes]; var centre = new double[genes]; var width = new double[genes];
        var theta = new double[genes]; var dropout = new double[genes];
        double total = 0;
        for (int j = 0; j < genes; j++)
        {
            double u = rng.Uniform();
            kind[j] = u < 0.4 ? 0 : u < 0.7 ? 1 : 2;
            labels[j] = kind[j] switch { 0 => SyntheticData.Increasing, 1 => SyntheticData.Decreasing, _ => SyntheticData.Transient };
            share[j] = rng.Gamma(0.6) + 1e-3;
            total += share[j];
            amp[j] = 1 + 2 * rng.Uniform();
            centre[j] = kind[j] == 2 ? -1.2 + 2.4 * rng.Uniform() : -1 + 2 * rng.Uniform();
            width[j] = kind[j] == 2 ? 0.3 + 0.4 * rng.Uniform() : 0.3 + 0.5 * rng.Uniform();
            theta[j] = 2 + 8 * rng.Uniform();
            dropout[j] = 0.05 + 0.2 * rng.Uniform();
        }
        for (int j = 0; j < genes; j++) share[j] /= total;
        var t = new double[cells];
        var lib = new double[cells];
        for (int i = 0; i < cells; i++)
        {
            t[i] = -2 + 4 * rng.Uniform();
            lib[i] = Math.Exp(Math.Log(3000) + 0.35 * rng.Normal());
        }
        var values = new float[(long)cells * genes];
        var observedLib = new double[cells];
        int baseSeed = rng.Next(int.MaxValue);
        Parallel.For(0, cells, i =>
        {
            var r = new Rng(unchecked(baseSeed + 7919 * i));
            double sum = 0;
            for (int j = 0; j < genes; j++)
            {
                double f = kind[j] switch
                {
                    0 => amp[j] * (Sigmoid((t[i] - centre[j]) / width[j]) - 0.5),
                    1 => -amp[j] * (Sigmoid((t[i] - centre[j]) / width[j]) - 0.5),
                    _ => amp[j] * (Math.Exp(-0.5 * Sq((t[i] - centre[j]) / width[j])) - 0.5),
                };
                double mu = lib[i] * share[j] * Math.Exp(f);
                int count = 0;
                if (r.Uniform() >= dropout[j])
                {
                    double lambda = r.Gamma(theta[j]) * mu / theta[j];
                    count = r.Poisson(lambda);
                }
                values[(long)i * genes + j] = count;
                sum += count;
            }
            observedLib[i] = Math.Max(1, sum);
        });
        var names = new string[genes];
        for (int j = 0; j < genes; j++) names[j] = $"gene{j + 1:0000}";
        var counts = new AnnData(new DenseMatrix(cells, genes, values), varNames: names, librarySizes: observedLib);
        counts.Obs.Set("time", (double[])t.Clone());
        counts.Var.Set("family", CategoricalColumn.FromValues(labels));
        return new SimulatedCounts(counts, t, labels, observedLib);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Sq(double x) => x * x;
}

using System;
using DerivSpec.Data;

namespace DerivSpec.Examples;

/// <summary>
/// A second count simulator, of a different kind from <see cref="SingleCellData"/>, so that nothing is tuned to one
/// generator: the paper's §5.1 shapes put on the log-mean scale of negative-binomial counts. Pseudotime
/// t ~ U(−3, 3); gene j has a baseline log-mean b_j ~ U(log 2, log 20) (moderate counts, no gene nearly silent) and a
/// log-fold profile f_j(t): a Gaussian bump A·exp(−½(t − t0)²) with t0 ~ U(−1.5, 1.5) (half the genes), an increasing
/// ramp 0.4·A·softplus(t + s) or a decreasing ramp −0.4·A·softplus(t + s) with s ~ U(−1.5, 1.5) (a quarter each),
/// A ~ U(0.8, 1.6); library sizes ℓ_i ~ LogNormal(0, 0.3) (relative); counts ~ NB(mean ℓ_i·exp(b_j + f_j(t_i)),
/// inverse dispersion θ_j ~ U(5, 20)) as a Gamma–Poisson mixture, no zero inflation. Deterministic for a seed.
/// </summary>
public static class ShapeCountData
{
    /// <summary>Generates <paramref name="cells"/> × <paramref name="genes"/> counts.</summary>
    public static SimulatedCounts Generate(int seed, int cells = 1000, int genes = 100)
    {
        if (cells < 2 || genes < 4) throw new ArgumentOutOfRangeException(nameof(cells), "At least 2 cells and 4 genes.");
        var rng = new Rng(seed);
        var labels = new string[genes];
        var kind = new int[genes];
        var baseline = new double[genes];
        var amp = new double[genes];
        var centre = new double[genes];
        var theta = new double[genes];
        for (int j = 0; j < genes; j++)
        {
            // exactly half bumps, a quarter of each ramp, in shuffled order
            kind[j] = j < genes / 2 ? 2 : j < genes / 2 + genes / 4 ? 0 : 1;
        }
        kind = rng.Shuffle(kind);
        for (int j = 0; j < genes; j++)
        {
            labels[j] = kind[j] switch { 0 => SyntheticData.Increasing, 1 => SyntheticData.Decreasing, _ => SyntheticData.Transient };
            baseline[j] = Math.Log(2) + (Math.Log(20) - Math.Log(2)) * rng.Uniform();
            amp[j] = 0.8 + 0.8 * rng.Uniform();
            centre[j] = -1.5 + 3 * rng.Uniform();
            theta[j] = 5 + 15 * rng.Uniform();
        }
        var t = new double[cells];
        var lib = new double[cells];
        for (int i = 0; i < cells; i++)
        {
            t[i] = -3 + 6 * rng.Uniform();
            lib[i] = Math.Exp(0.3 * rng.Normal());
        }
        var values = new float[(long)cells * genes];
        var observedLib = new double[cells];
        for (int i = 0; i < cells; i++)
        {
            double sum = 0;
            for (int j = 0; j < genes; j++)
            {
                double f = kind[j] switch
                {
                    0 => 0.4 * amp[j] * SyntheticData.Softplus(t[i] + centre[j]),
                    1 => -0.4 * amp[j] * SyntheticData.Softplus(t[i] + centre[j]),
                    _ => amp[j] * Math.Exp(-0.5 * (t[i] - centre[j]) * (t[i] - centre[j])),
                };
                double mu = lib[i] * Math.Exp(baseline[j] + f);
                int count = rng.Poisson(rng.Gamma(theta[j]) * mu / theta[j]);
                values[(long)i * genes + j] = count;
                sum += count;
            }
            observedLib[i] = Math.Max(1, sum);
        }
        var names = new string[genes];
        for (int j = 0; j < genes; j++) names[j] = $"gene{j + 1:000}";
        var counts = new AnnData(new DenseMatrix(cells, genes, values), varNames: names, librarySizes: observedLib);
        counts.Obs.Set("time", (double[])t.Clone());
        counts.Var.Set("family", CategoricalColumn.FromValues(labels));
        return new SimulatedCounts(counts, t, labels, observedLib);
    }
}

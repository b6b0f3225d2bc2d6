using System;
using DerivSpec.Data;

namespace DerivSpec.Examples;

/// <summary>A simulated data set with its ground truth.</summary>
public sealed class SimulatedData
{
    /// <summary>Creates the record.</summary>
    public SimulatedData(double[] time, double[,] observed, string[] labels, string[] featureNames, Func<int, double, double> truth)
    {
        Time = time;
        Observed = observed;
        Labels = labels;
        FeatureNames = featureNames;
        Truth = truth;
    }

    /// <summary>True pseudotime per sample.</summary>
    public double[] Time { get; }

    /// <summary>Observations, samples × features.</summary>
    public double[,] Observed { get; }

    /// <summary>True family per feature.</summary>
    public string[] Labels { get; }

    /// <summary>Feature names.</summary>
    public string[] FeatureNames { get; }

    /// <summary>Noise-free value of feature j at time t.</summary>
    public Func<int, double, double> Truth { get; }

    /// <summary>Samples N.</summary>
    public int Samples => Observed.GetLength(0);

    /// <summary>Features d.</summary>
    public int Features => Observed.GetLength(1);

    /// <summary>The observations as an AnnData (dense), with obs <c>time</c> (the true pseudotime) and var <c>family</c> (the true family).</summary>
    public AnnData ToAnnData()
    {
        var a = AnnData.FromArray(Observed, varNames: FeatureNames);
        a.Obs.Set("time", (double[])Time.Clone());
        a.Var.Set("family", CategoricalColumn.FromValues(Labels));
        return a;
    }
}

/// <summary>
/// The paper's §5.1 synthetic data (as issue 5 fixes it): t = linspace(−3, 3, N); 30 Gaussians A·exp(−½(t − t0)²)
/// with A a shuffled linspace(0.4, 1.6, 30) and t0 a shuffled linspace(−1.5, 1.5, 30); 10 increasing
/// A·0.4·softplus(t + s) and 10 decreasing −A·0.4·softplus(t + s) with s a shuffled linspace(−1.5, 1.5, 10) and A a
/// shuffled linspace(0.4, 1.6, 10) (fresh shuffles per group); N(0, σ²) noise, σ = 0.1. Everything from one seed.
/// </summary>
public static class SyntheticData
{
    /// <summary>Family names used as labels.</summary>
    public const string Transient = "transient", Increasing = "increasing", Decreasing = "decreasing";

    /// <summary>Generates the data set.</summary>
    public static SimulatedData Generate(int seed, int samples = 500, double noise = 0.1)
    {
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(samples), "At least two samples.");
        var rng = new Rng(seed);
        var t = Rng.Linspace(-3, 3, samples);
        var gA = rng.Shuffle(Rng.Linspace(0.4, 1.6, 30));
        var gT0 = rng.Shuffle(Rng.Linspace(-1.5, 1.5, 30));
        var iS = rng.Shuffle(Rng.Linspace(-1.5, 1.5, 10));
        var iA = rng.Shuffle(Rng.Linspace(0.4, 1.6, 10));
        var dS = rng.Shuffle(Rng.Linspace(-1.5, 1.5, 10));
        var dA = rng.Shuffle(Rng.Linspace(0.4, 1.6, 10));
        const int d = 50;
        var labels = new string[d];
        var names = new string[d];
        for (int j = 0; j < d; j++)
        {
            labels[j] = j < 30 ? Transient : j < 40 ? Increasing : Decreasing;
            names[j] = $"{labels[j][..3]}{(j < 30 ? j : j < 40 ? j - 30 : j - 40) + 1:00}";
        }
        double Truth(int j, double x)
        {
            if (j < 30) { double u = x - gT0[j]; return gA[j] * Math.Exp(-0.5 * u * u); }
            if (j < 40) return iA[j - 30] * 0.4 * Softplus(x + iS[j - 30]);
            if (j < 50) return -dA[j - 40] * 0.4 * Softplus(x + dS[j - 40]);
            throw new ArgumentOutOfRangeException(nameof(j));
        }
        var xs = new double[samples, d];
        for (int i = 0; i < samples; i++)
            for (int j = 0; j < d; j++)
                xs[i, j] = Truth(j, t[i]) + noise * rng.Normal();
        return new SimulatedData(t, xs, labels, names, Truth);
    }

    /// <summary>log(1 + e^x), stable.</summary>
    public static double Softplus(double x) => x > 30 ? x : Math.Log(1 + Math.Exp(x));
}

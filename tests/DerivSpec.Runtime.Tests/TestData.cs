// The training-data type of the Runtime's models. Tests name it only through this alias and build it only through
// TestData.Of, so a change of data container is a change of these two places.
global using TrainingData = DerivSpec.Data.AnnData;

using System;
using System.Collections.Generic;
using DerivSpec.Data;

namespace DerivSpec.Runtime.Tests;

/// <summary>The one place the tests turn a matrix into the data a model trains on.</summary>
internal static class TestData
{
    /// <summary>Training data from an N × d matrix (samples in rows), with optional feature names.</summary>
    public static TrainingData Of(double[,] x, IReadOnlyList<string>? featureNames = null) => AnnData.FromArray(x, varNames: featureNames);
}

/// <summary>Synthetic data like the paper's §5.1 monotone part: increasing/decreasing softplus features of a hidden t.</summary>
public static class Synthetic
{
    /// <summary>
    /// <paramref name="n"/> samples at t evenly spaced on [−3, 3]; 2·<paramref name="perFamily"/> features, even columns
    /// increasing (a·0.4·softplus(t + s)) and odd columns decreasing (its negative), plus Gaussian noise of sd
    /// <paramref name="noise"/>. Labels name each column's direction ("increasing"/"decreasing").
    /// </summary>
    public static (double[,] X, double[] T, string[] Labels) RiseFall(int n, int perFamily, double noise, int seed)
    {
        var rng = new Random(seed);
        int d = 2 * perFamily;
        var x = new double[n, d];
        var t = new double[n];
        var labels = new string[d];
        for (int i = 0; i < n; i++) t[i] = -3 + 6.0 * i / (n - 1);
        for (int j = 0; j < d; j++)
        {
            bool inc = j % 2 == 0;
            labels[j] = inc ? "increasing" : "decreasing";
            double s = -1.5 + 3.0 * rng.NextDouble();
            double a = 0.6 + rng.NextDouble();
            for (int i = 0; i < n; i++)
            {
                double v = a * Math.Log(1 + Math.Exp(t[i] + s)) * 0.4;
                x[i, j] = (inc ? v : -v) + noise * Gauss(rng);
            }
        }
        return (x, t, labels);
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}

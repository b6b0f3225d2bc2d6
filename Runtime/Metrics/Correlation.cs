using System;
using System.Collections.Generic;

namespace DerivSpec.Runtime.Metrics;

/// <summary>Correlation coefficients between two equally long samples.</summary>
public static class Correlation
{
    /// <summary>Pearson's product-moment correlation. NaN if either sample is constant.</summary>
    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        int n = x.Count;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
        mx /= n; my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) return double.NaN;
        double r = sxy / Math.Sqrt(sxx * syy);
        return Math.Clamp(r, -1.0, 1.0);
    }

    /// <summary>
    /// Spearman's rank correlation with ties: the Pearson correlation of the average ranks (tied values share the
    /// mean of the ranks they span). NaN if either sample is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        Check(x, y);
        return Pearson(Ranks.Average(x), Ranks.Average(y));
    }

    private static void Check(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
            throw new ArgumentException($"Samples differ in length ({x.Count} and {y.Count}).");
        if (x.Count < 2) throw new ArgumentException("A correlation needs at least two pairs.");
        for (int i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(x[i])) throw new ArgumentException($"First sample, element {i}: {x[i]} is not finite.");
            if (!double.IsFinite(y[i])) throw new ArgumentException($"Second sample, element {i}: {y[i]} is not finite.");
        }
    }
}

/// <summary>Ranking with ties.</summary>
public static class Ranks
{
    /// <summary>1-based ranks; tied values get the average of the ranks they occupy ("fractional ranking").</summary>
    public static double[] Average(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            int c = values[a].CompareTo(values[b]);
            return c != 0 ? c : a.CompareTo(b);
        });
        var ranks = new double[n];
        int start = 0;
        while (start < n)
        {
            int end = start;
            while (end + 1 < n && values[order[end + 1]].Equals(values[order[start]])) end++;
            double rank = (start + end) / 2.0 + 1.0; // mean of 1-based ranks start+1 .. end+1
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }
}

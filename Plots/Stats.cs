using System;
using System.Linq;

namespace DerivSpec.Plots;

/// <summary>The little statistics the figures print: quantiles and Spearman's rank correlation.</summary>
internal static class Stats
{
    /// <summary>Linear-interpolation quantile of sorted values (type 7, as R and NumPy default).</summary>
    public static double Quantile(double[] sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h), hi = Math.Min(sorted.Length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Ranks 1..n with ties given their average rank.</summary>
    public static double[] Ranks(double[] x)
    {
        var order = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        var r = new double[x.Length];
        for (int a = 0; a < order.Length;)
        {
            int b = a;
            while (b + 1 < order.Length && x[order[b + 1]] == x[order[a]]) b++;
            double rank = (a + b) / 2.0 + 1;
            for (int i = a; i <= b; i++) r[order[i]] = rank;
            a = b + 1;
        }
        return r;
    }

    /// <summary>Spearman's ρ: Pearson correlation of the ranks; NaN when either side is constant.</summary>
    public static double Spearman(double[] x, double[] y)
    {
        var rx = Ranks(x);
        var ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}

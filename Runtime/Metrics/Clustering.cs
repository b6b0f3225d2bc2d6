using System;
using System.Collections.Generic;

namespace DerivSpec.Runtime.Metrics;

/// <summary>Agreement between two clusterings of the same items.</summary>
public static class Clustering
{
    /// <summary>
    /// Contingency table n_ij = #{items with label i in <paramref name="a"/> and j in <paramref name="b"/>}, rows and columns
    /// in order of first appearance of each label.
    /// </summary>
    public static long[,] Contingency<TA, TB>(IReadOnlyList<TA> a, IReadOnlyList<TB> b)
        where TA : notnull where TB : notnull
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
            throw new ArgumentException($"The two clusterings label different numbers of items ({a.Count} and {b.Count}).");
        var ia = Codes(a, out int ka);
        var ib = Codes(b, out int kb);
        var table = new long[ka, kb];
        for (int i = 0; i < ia.Length; i++) table[ia[i], ib[i]]++;
        return table;
    }

    /// <summary>
    /// Adjusted Rand index (Hubert &amp; Arabie, 1985) between two labelings, computed from their contingency table:
    /// ARI = (Σ C(n_ij,2) − E) / (½[Σ C(a_i,2) + Σ C(b_j,2)] − E), E = Σ C(a_i,2) · Σ C(b_j,2) / C(n,2).
    /// Invariant to renaming labels. 1 for identical partitions; about 0 for independent ones; may be negative.
    /// When both partitions are trivial in the same way (all items in one cluster, or every item alone) the index is 1.
    /// </summary>
    public static double AdjustedRandIndex<TA, TB>(IReadOnlyList<TA> a, IReadOnlyList<TB> b)
        where TA : notnull where TB : notnull
    {
        var table = Contingency(a, b);
        return AdjustedRandIndex(table);
    }

    /// <summary>Adjusted Rand index from a contingency table (rows: clusters of one labeling, columns: of the other).</summary>
    public static double AdjustedRandIndex(long[,] table)
    {
        ArgumentNullException.ThrowIfNull(table);
        int r = table.GetLength(0), c = table.GetLength(1);
        var rowSums = new long[r];
        var colSums = new long[c];
        long n = 0;
        double sumCells = 0;
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
            {
                long v = table[i, j];
                if (v < 0) throw new ArgumentException($"Contingency table cell [{i},{j}] is negative ({v}).");
                rowSums[i] += v;
                colSums[j] += v;
                n += v;
                sumCells += Choose2(v);
            }
        if (n < 2) return 1.0;
        double sumRows = 0, sumCols = 0;
        foreach (var v in rowSums) sumRows += Choose2(v);
        foreach (var v in colSums) sumCols += Choose2(v);
        double expected = sumRows * sumCols / Choose2(n);
        double max = 0.5 * (sumRows + sumCols);
        double denom = max - expected;
        if (denom == 0) return 1.0; // both partitions trivial (all-in-one or all-singletons) and equal in that sense
        return (sumCells - expected) / denom;
    }

    /// <summary>Plain (unadjusted) Rand index: fraction of item pairs on which the two labelings agree.</summary>
    public static double RandIndex<TA, TB>(IReadOnlyList<TA> a, IReadOnlyList<TB> b)
        where TA : notnull where TB : notnull
    {
        var table = Contingency(a, b);
        int r = table.GetLength(0), c = table.GetLength(1);
        long n = a.Count;
        if (n < 2) return 1.0;
        double sumCells = 0, sumRows = 0, sumCols = 0;
        var colSums = new long[c];
        for (int i = 0; i < r; i++)
        {
            long rs = 0;
            for (int j = 0; j < c; j++) { sumCells += Choose2(table[i, j]); rs += table[i, j]; colSums[j] += table[i, j]; }
            sumRows += Choose2(rs);
        }
        foreach (var v in colSums) sumCols += Choose2(v);
        double total = Choose2(n);
        // agreements = pairs together in both + pairs apart in both
        return (total + 2 * sumCells - sumRows - sumCols) / total;
    }

    /// <summary>
    /// Maps labels to dense codes 0..k−1 in order of first appearance.
    /// </summary>
    public static int[] Codes<T>(IReadOnlyList<T> labels, out int distinct) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(labels);
        var map = new Dictionary<T, int>();
        var codes = new int[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            if (!map.TryGetValue(labels[i], out int k)) { k = map.Count; map.Add(labels[i], k); }
            codes[i] = k;
        }
        distinct = map.Count;
        return codes;
    }

    /// <summary>
    /// Hard assignment per row of a probability matrix (d × K, e.g. the family probabilities φ): the arg-max column,
    /// lowest index on ties.
    /// </summary>
    public static int[] ArgMaxRows(double[,] probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        int d = probabilities.GetLength(0), k = probabilities.GetLength(1);
        if (k == 0) throw new ArgumentException("The probability matrix has no columns.");
        var result = new int[d];
        for (int j = 0; j < d; j++)
        {
            int best = 0;
            for (int c = 1; c < k; c++) if (probabilities[j, c] > probabilities[j, best]) best = c;
            result[j] = best;
        }
        return result;
    }

    private static double Choose2(long v) => v * (v - 1) / 2.0;
}

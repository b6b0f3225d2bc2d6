using System;
using System.Collections.Generic;
using System.Linq;
using DerivSpec.Runtime.Metrics;

namespace DerivSpec.Examples;

/// <summary>One group of genes of <see cref="ExpressionGroups.ByMean"/>: the <paramref name="Number"/>-th (1-based,
/// lowest means first), the range of its genes' means and the genes themselves (indices, ascending).</summary>
/// <param name="Number">1-based group number; group 1 holds the lowest means.</param>
/// <param name="MinMean">Smallest mean in the group (NaN when the group is empty).</param>
/// <param name="MaxMean">Largest mean in the group (NaN when the group is empty).</param>
/// <param name="Genes">Indices of the genes in the group, ascending.</param>
public sealed record GeneGroup(int Number, double MinMean, double MaxMean, int[] Genes);

/// <summary>
/// Scoring the gene families by expression level: genes split into groups of equal size by their mean count (deciles by
/// default), the ARI within a subset of genes, and the genes whose family call is confident (largest φ above a
/// threshold).
/// </summary>
public static class ExpressionGroups
{
    /// <summary>
    /// Splits the genes into <paramref name="groups"/> groups by their mean <paramref name="means"/>: the genes are sorted
    /// by mean, ascending (ties: the lower index first), and group q (1-based) takes the sorted positions
    /// ⌊(q − 1)·d / groups⌋ to ⌊q·d / groups⌋ − 1. Group sizes differ by at most one; with fewer genes than groups some
    /// groups are empty. Every gene is in exactly one group.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="groups"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException">A mean is not finite (the message names the gene index).</exception>
    public static GeneGroup[] ByMean(IReadOnlyList<double> means, int groups = 10)
    {
        ArgumentNullException.ThrowIfNull(means);
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), groups, "At least one group is needed.");
        for (int j = 0; j < means.Count; j++)
            if (!double.IsFinite(means[j])) throw new ArgumentException($"The mean of gene {j} is not finite ({means[j]}).", nameof(means));
        int d = means.Count;
        var sorted = Enumerable.Range(0, d).OrderBy(j => means[j]).ThenBy(j => j).ToArray();
        var result = new GeneGroup[groups];
        for (int q = 0; q < groups; q++)
        {
            int from = (int)((long)q * d / groups), to = (int)((long)(q + 1) * d / groups);
            var genes = sorted[from..to];
            result[q] = new GeneGroup(q + 1,
                genes.Length == 0 ? double.NaN : means[genes[0]],
                genes.Length == 0 ? double.NaN : means[genes[^1]],
                genes.OrderBy(j => j).ToArray());
        }
        return result;
    }

    /// <summary>
    /// The adjusted Rand index between the true families <paramref name="truth"/> and the assigned families
    /// <paramref name="assigned"/> over the genes <paramref name="genes"/> only; null when fewer than two genes are given
    /// (the index says nothing there).
    /// </summary>
    /// <exception cref="ArgumentException">The two labelings differ in length, or a gene index is out of range.</exception>
    public static double? SubsetAri<TTruth, TAssigned>(IReadOnlyList<TTruth> truth, IReadOnlyList<TAssigned> assigned, IReadOnlyList<int> genes)
        where TTruth : notnull where TAssigned : notnull
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(assigned);
        ArgumentNullException.ThrowIfNull(genes);
        if (truth.Count != assigned.Count)
            throw new ArgumentException($"{truth.Count} true labels but {assigned.Count} assigned families.", nameof(assigned));
        foreach (int j in genes)
            if (j < 0 || j >= truth.Count) throw new ArgumentException($"Gene index {j} is outside 0..{truth.Count - 1}.", nameof(genes));
        if (genes.Count < 2) return null;
        return Clustering.AdjustedRandIndex(genes.Select(j => truth[j]).ToArray(), genes.Select(j => assigned[j]).ToArray());
    }

    /// <summary>
    /// The genes (indices, ascending) whose largest family probability max_k φ_jk exceeds <paramref name="threshold"/>
    /// (strictly), from φ of shape [d, K].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not in [0, 1).</exception>
    public static int[] Confident(double[,] phi, double threshold = 0.99)
    {
        ArgumentNullException.ThrowIfNull(phi);
        if (!(threshold >= 0 && threshold < 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be in [0, 1).");
        int d = phi.GetLength(0), k = phi.GetLength(1);
        var result = new List<int>();
        for (int j = 0; j < d; j++)
        {
            double max = double.NegativeInfinity;
            for (int c = 0; c < k; c++) max = Math.Max(max, phi[j, c]);
            if (max > threshold) result.Add(j);
        }
        return result.ToArray();
    }
}

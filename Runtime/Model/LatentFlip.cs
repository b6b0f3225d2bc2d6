using System;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Runtime.Model;

/// <summary>
/// The sign of z is not identifiable: under z → −z an increasing feature looks decreasing. A <see cref="LatentFlip"/>
/// is a symmetric renaming of families under that flip (families not named map to themselves), e.g.
/// <c>new LatentFlip(("increasing", "decreasing"))</c>; it compares family labels up to the flip.
/// </summary>
public sealed class LatentFlip
{
    private readonly Dictionary<string, string> map = new(StringComparer.Ordinal);

    /// <summary>Creates the flip from pairs of families that swap under z → −z.</summary>
    public LatentFlip(params (string A, string B)[] swaps)
    {
        foreach (var (a, b) in swaps)
        {
            if (map.ContainsKey(a) || map.ContainsKey(b)) throw new ArgumentException($"Family '{(map.ContainsKey(a) ? a : b)}' appears in more than one swap.");
            map[a] = b;
            map[b] = a;
        }
    }

    /// <summary>The family <paramref name="family"/> becomes under z → −z.</summary>
    public string Apply(string family) => map.TryGetValue(family, out var f) ? f : family;

    /// <summary>Applies the flip to every label.</summary>
    public string[] Apply(IEnumerable<string> families) => families.Select(Apply).ToArray();

    /// <summary>
    /// Agreement of predicted labels with the truth, as is and after the flip; returns the better orientation
    /// (Flipped = true when the flipped labels agree more) and the fraction of features that agree in it.
    /// </summary>
    public (bool Flipped, double Agreement) Compare(IReadOnlyList<string> predicted, IReadOnlyList<string> truth)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(truth);
        if (predicted.Count != truth.Count) throw new ArgumentException($"{predicted.Count} predicted labels but {truth.Count} true labels.");
        if (truth.Count == 0) return (false, 1.0);
        int same = 0, flipped = 0;
        for (int j = 0; j < truth.Count; j++)
        {
            if (predicted[j] == truth[j]) same++;
            if (Apply(predicted[j]) == truth[j]) flipped++;
        }
        return flipped > same ? (true, (double)flipped / truth.Count) : (false, (double)same / truth.Count);
    }

    /// <summary>Maps curves on a symmetric grid under z → −z: curve values at grid[i] become those at grid[G−1−i] (the grid must be symmetric about 0).</summary>
    public static double[,,] FlipCurves(double[,,] curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        int g = curves.GetLength(0), k = curves.GetLength(1), d = curves.GetLength(2);
        var r = new double[g, k, d];
        for (int i = 0; i < g; i++) for (int a = 0; a < k; a++) for (int j = 0; j < d; j++) r[i, a, j] = curves[g - 1 - i, a, j];
        return r;
    }
}

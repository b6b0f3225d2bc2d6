using System;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Examples;

/// <summary>Aligning cluster labels with true labels (for colouring plots; ARI needs no alignment).</summary>
public static class Matching
{
    /// <summary>
    /// The one-to-one map cluster → true label that maximises the number of agreeing items (exhaustive over
    /// permutations for up to 8 clusters, greedy beyond). Clusters left without a partner keep their own name.
    /// </summary>
    public static Dictionary<string, string> BestMap(IReadOnlyList<string> clusters, IReadOnlyList<string> truth)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(truth);
        if (clusters.Count != truth.Count) throw new ArgumentException($"{clusters.Count} cluster labels but {truth.Count} true labels.");
        var cs = clusters.Distinct().OrderBy(c => c, StringComparer.Ordinal).ToArray();
        var ts = truth.Distinct().OrderBy(c => c, StringComparer.Ordinal).ToArray();
        var count = new int[cs.Length, ts.Length];
        for (int i = 0; i < clusters.Count; i++)
            count[Array.IndexOf(cs, clusters[i]), Array.IndexOf(ts, truth[i])]++;
        int[] best;
        if (cs.Length <= 8 && ts.Length <= 8)
        {
            best = new int[cs.Length];
            int bestScore = -1;
            var cur = new int[cs.Length];
            var used = new bool[ts.Length];
            void Search(int c, int score)
            {
                if (c == cs.Length)
                {
                    if (score > bestScore) { bestScore = score; Array.Copy(cur, best, cur.Length); }
                    return;
                }
                cur[c] = -1;
                Search(c + 1, score); // unmatched
                for (int t = 0; t < ts.Length; t++)
                {
                    if (used[t]) continue;
                    used[t] = true; cur[c] = t;
                    Search(c + 1, score + count[c, t]);
                    used[t] = false;
                }
            }
            Search(0, 0);
        }
        else
        {
            best = Enumerable.Repeat(-1, cs.Length).ToArray();
            var used = new bool[ts.Length];
            var pairs = from c in Enumerable.Range(0, cs.Length) from t in Enumerable.Range(0, ts.Length)
                        orderby count[c, t] descending select (c, t);
            foreach (var (c, t) in pairs)
                if (best[c] < 0 && !used[t] && count[c, t] > 0) { best[c] = t; used[t] = true; }
        }
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int c = 0; c < cs.Length; c++) map[cs[c]] = best[c] >= 0 ? ts[best[c]] : cs[c];
        return map;
    }
}

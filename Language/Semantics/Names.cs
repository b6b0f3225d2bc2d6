using System;
using System.Collections.Generic;

namespace DerivSpec.Language.Semantics
{
    /// <summary>
    /// "Did you mean …" suggestions by Damerau–Levenshtein (optimal string alignment) distance, case-insensitive.
    /// Shared by the checker's diagnostics and the examples' command lines.
    /// </summary>
    public static class Suggest
    {
        /// <summary>" Did you mean 'x'?" or "" when nothing is close enough.</summary>
        public static string DidYouMean(string name, IEnumerable<string> candidates)
        {
            string? best = Closest(name, candidates);
            return best == null ? "" : " Did you mean '" + best + "'?";
        }

        /// <summary>
        /// The candidate nearest to <paramref name="name"/> (other than the name itself), or null when none is within
        /// max(1, min(3, ⌈length/3⌉)) edits. Ties go to the length closest to the name's, then ordinal order.
        /// </summary>
        public static string? Closest(string name, IEnumerable<string> candidates)
        {
            string? best = null;
            int bestDistance = int.MaxValue;
            if (name.Length > 64) return null;
            foreach (var c in candidates)
            {
                if (c == name) continue;
                int d = Distance(name.ToLowerInvariant(), c.ToLowerInvariant());
                if (d < bestDistance || d == bestDistance && best != null && Better(name, c, best))
                {
                    bestDistance = d;
                    best = c;
                }
            }
            if (best == null) return null;
            int limit = Math.Max(1, Math.Min(3, (Math.Max(name.Length, best.Length) + 1) / 3));
            return bestDistance <= limit ? best : null;
        }

        // On a tie prefer the candidate whose length is closer to the name's, then the ordinal order.
        private static bool Better(string name, string candidate, string best)
        {
            int dc = Math.Abs(candidate.Length - name.Length), db = Math.Abs(best.Length - name.Length);
            return dc != db ? dc < db : string.CompareOrdinal(candidate, best) < 0;
        }

        /// <summary>Optimal-string-alignment edit distance (insertions, deletions, substitutions, adjacent swaps).</summary>
        public static int Distance(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
            for (int j = 0; j <= b.Length; j++) d[0, j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                for (int j = 1; j <= b.Length; j++)
                {
                    int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    int v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) v = Math.Min(v, d[i - 2, j - 2] + 1);
                    d[i, j] = v;
                }
            }
            return d[a.Length, b.Length];
        }
    }

    /// <summary>Reference equality for the side tables keyed by expression nodes (records compare by value).</summary>
    internal sealed class ReferenceComparer<T> : IEqualityComparer<T> where T : class
    {
        public static readonly ReferenceComparer<T> Instance = new ReferenceComparer<T>();
        public bool Equals(T? x, T? y) => ReferenceEquals(x, y);
        public int GetHashCode(T obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}

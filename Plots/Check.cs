using System;
using System.Collections.Generic;
using System.Globalization;

namespace DerivSpec.Plots;

/// <summary>Input checks shared by the figure builders; every message names the array and the offending entry.</summary>
internal static class Check
{
    public static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    public static void Finite(double[] values, string name)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"{name}[{i}] is {Format(values[i])}; every value must be finite.", name);
    }

    /// <summary>Copies names, none empty; with <paramref name="unique"/> no two alike (families, groups: they key colours).</summary>
    public static string[] Names(IReadOnlyList<string> names, string param, string what, bool unique = false)
    {
        var r = new string[names.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < r.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(names[i])) throw new ArgumentException($"{param}[{i}]: the {what} name is empty.", param);
            if (unique && !seen.TryAdd(names[i], i))
                throw new ArgumentException($"{param}[{i}]: the {what} name '{names[i]}' is also {param}[{seen[names[i]]}]; {what} names must differ.", param);
            r[i] = names[i];
        }
        return r;
    }

    public static void Assignments(int[] assignments, int families, IReadOnlyList<string>? featureNames, string param)
    {
        for (int j = 0; j < assignments.Length; j++)
            if (assignments[j] < 0 || assignments[j] >= families)
                throw new ArgumentException(
                    $"{param}[{j}]{(featureNames is null ? "" : $" (feature '{featureNames[j]}')")} is {assignments[j]}, not a family index in [0, {families}).", param);
    }

    public static void Labels(IReadOnlyList<string> labels, string param)
    {
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] is null) throw new ArgumentException($"{param}[{i}] is null.", param);
    }
}

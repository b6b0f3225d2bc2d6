using System;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;

namespace DerivSpec.Examples;

/// <summary>Readers behind the data options several example programs share: <c>--labels FILE|var:COLUMN</c> and
/// <c>--time FILE|obs:COLUMN</c>.</summary>
public static class ExampleOptions
{
    /// <summary>
    /// Per-variable labels (e.g. the true family per gene) for <paramref name="data"/>: <c>var:COLUMN</c> takes a column
    /// of the data's var table (e.g. from an .h5ad), anything else is a file read by <see cref="VectorReaders.ReadLabels"/>.
    /// The count must match the data's variables.
    /// </summary>
    public static string[] Labels(string spec, AnnData data, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        if (spec.StartsWith("var:", StringComparison.Ordinal))
        {
            var values = Column(data.Var, spec[4..], "var", dataPath);
            return values.Select((v, j) => v ?? throw new DataFormatException(dataPath, $"var column '{spec[4..]}' is missing a value for '{data.VarNames[j]}'.")).ToArray();
        }
        var labels = VectorReaders.ReadLabels(spec);
        if (labels.Length != data.VarCount)
            throw new DataFormatException(spec, $"has {labels.Length} labels but {dataPath} has {data.VarCount} features (columns).");
        return labels;
    }

    /// <summary>
    /// Per-observation numbers (e.g. the true pseudotime) for <paramref name="data"/>: <c>obs:COLUMN</c> takes a numeric
    /// column of the data's obs table, anything else is a file read by <see cref="VectorReaders.ReadNumbers"/>.
    /// </summary>
    public static double[] Numbers(string spec, AnnData data, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(data);
        if (spec.StartsWith("obs:", StringComparison.Ordinal))
        {
            string name = spec[4..];
            _ = Column(data.Obs, name, "obs", dataPath);
            if (data.Obs[name] is not NumericColumn n) throw new UsageException($"obs column '{name}' of {dataPath} is not numeric.");
            var v = n.ToArray();
            for (int i = 0; i < v.Length; i++)
                if (!double.IsFinite(v[i])) throw new DataFormatException(dataPath, $"obs column '{name}' has no finite value for cell '{data.ObsNames[i]}' (row {i}).");
            return v;
        }
        var t = VectorReaders.ReadNumbers(spec);
        if (t.Length != data.ObsCount)
            throw new DataFormatException(spec, $"has {t.Length} values but {dataPath} has {data.ObsCount} samples (rows).");
        return t;
    }

    private static string?[] Column(ColumnTable table, string name, string what, string dataPath)
    {
        if (!table.Contains(name))
            throw new UsageException($"{dataPath} has no {what} column '{name}' ({what} columns: {(table.Count == 0 ? "none" : string.Join(", ", table.Names))}).");
        return table.Strings(name);
    }
}

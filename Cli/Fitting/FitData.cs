using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DerivSpec.Runtime.Data;
using DerivSpec.Runtime.IO;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Fitting;

/// <summary>
/// The data a fit reads: the matrix (samples × features) with its names, and the optional truth — a family per
/// feature and a pseudotime per sample — each from a file. Every problem names the file and where in it.
/// </summary>
public sealed class FitData
{
    private FitData(NumericTable table, string path)
    {
        Table = table;
        Path = path;
    }

    /// <summary>The data file as the user named it.</summary>
    public string Path { get; }

    /// <summary>The values.</summary>
    public NumericTable Table { get; }

    /// <summary>Samples (cells), N.</summary>
    public int Samples => Table.Rows;

    /// <summary>Features (genes), d.</summary>
    public int Features => Table.Columns;

    /// <summary>Sample names (from the file, else 1..N).</summary>
    public IReadOnlyList<string> SampleNames => Table.RowNames ?? Enumerable.Range(1, Samples).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Feature names (from the file, else feature_1..feature_d).</summary>
    public IReadOnlyList<string> FeatureNames => Table.ColumnNames ?? Enumerable.Range(0, Features).Select(Table.FeatureName).ToArray();

    /// <summary>The true family per feature, when given.</summary>
    public string[]? Labels { get; private set; }

    /// <summary>Where the labels came from (for messages and the report).</summary>
    public string? LabelsSource { get; private set; }

    /// <summary>The true pseudotime per sample, when given.</summary>
    public double[]? Time { get; private set; }

    /// <summary>Where the pseudotime came from.</summary>
    public string? TimeSource { get; private set; }

    /// <summary>Reads <paramref name="path"/>: a .csv/.tsv table (samples in rows), a .mtx file or a 10x folder.</summary>
    public static FitData Load(string path, string? layer)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"{path}: no such file or folder.", path);
        if (layer is not null) throw new UsageException("--layer applies to .h5ad input only.");
        var table = DataFiles.Load(path);
        if (table.Rows < 2) throw new DataFormatException(path, $"has {table.Rows} sample(s); at least 2 are needed.");
        return new FitData(table, path);
    }

    /// <summary>Reads the true family per feature from <paramref name="file"/> (one per line, in feature order).</summary>
    public void LabelsFromFile(string file)
    {
        var labels = VectorReaders.ReadLabels(file);
        if (labels.Length != Features)
            throw new DataFormatException(file, $"has {labels.Length} labels but {Path} has {Features} features; give one label per feature, in column order.");
        Labels = labels;
        LabelsSource = file;
    }

    /// <summary>Reads the true pseudotime per sample from <paramref name="file"/> (one number per line, in sample order).</summary>
    public void TimeFromFile(string file)
    {
        var time = VectorReaders.ReadNumbers(file);
        if (time.Length != Samples)
            throw new DataFormatException(file, $"has {time.Length} values but {Path} has {Samples} samples; give one value per sample, in row order.");
        Time = time;
        TimeSource = file;
    }

    /// <summary>Takes the labels from a per-feature column of the data file.</summary>
    public void LabelsFromColumn(string column) =>
        throw new UsageException($"--labels-var {column}: per-feature columns are read from .h5ad files only; {Path} has none (use --labels FILE).");

    /// <summary>Takes the pseudotime from a per-sample column of the data file.</summary>
    public void TimeFromColumn(string column) =>
        throw new UsageException($"--time-obs {column}: per-sample columns are read from .h5ad files only; {Path} has none (use --time FILE).");

    /// <summary>
    /// The data with its features in the order <paramref name="names"/> (a saved model's), by name when the file names
    /// its features; a file without feature names must have exactly that many columns, taken in order. Features the
    /// model does not know are dropped; a feature the model needs and the file lacks is a <see cref="DataFormatException"/>
    /// naming it.
    /// </summary>
    public FitData AlignFeatures(IReadOnlyList<string>? names, int count)
    {
        if (names is null || Table.ColumnNames is null)
        {
            if (Features != count)
                throw new DataFormatException(Path, $"has {Features} features but the model was trained on {count}{(names is null ? "" : " (and the file has no feature names to match them by)")}.");
            return this;
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < Table.ColumnNames.Count; j++) index.TryAdd(Table.ColumnNames[j], j);
        var missing = names.Where(n => !index.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new DataFormatException(Path, $"lacks {missing.Count} of the model's {names.Count} features: {string.Join(", ", missing.Take(10).Select(m => $"'{m}'"))}{(missing.Count > 10 ? ", …" : "")}.");
        var order = names.Select(n => index[n]).ToArray();
        if (order.SequenceEqual(Enumerable.Range(0, Features))) return this;
        var values = new float[(long)Samples * order.Length];
        for (int i = 0; i < Samples; i++)
            for (int j = 0; j < order.Length; j++)
                values[(long)i * order.Length + j] = Table.Values[(long)i * Features + order[j]];
        var table = new NumericTable(Samples, order.Length, values, names.ToArray(), Table.RowNames, Table.Source, Table.SourceLines);
        return new FitData(table, Path) { Time = Time, TimeSource = TimeSource };
    }

    /// <summary>The training form of the data (a float64 tensor with the feature names).</summary>
    public DataMatrix ToDataMatrix()
    {
        var tensor = TorchSharp.torch.tensor(Table.Values, new long[] { Table.Rows, Table.Columns });
        try
        {
            return DataMatrix.From(tensor, FeatureNames);
        }
        finally { tensor.Dispose(); }
    }
}

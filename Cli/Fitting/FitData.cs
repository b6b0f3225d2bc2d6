using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Fitting;

/// <summary>
/// The data a fit reads, as an <see cref="AnnData"/> (read by the data layer: .h5ad dense or sparse, .csv/.tsv, .mtx, a
/// 10x folder), and the optional truth — a family per feature and a pseudotime per sample — from a file or from a
/// var/obs column of the data. Every problem names the file and where in it.
/// </summary>
public sealed class FitData
{
    private FitData(AnnData data, string path)
    {
        Data = data;
        Path = path;
    }

    /// <summary>The data file as the user named it.</summary>
    public string Path { get; }

    /// <summary>The data.</summary>
    public AnnData Data { get; }

    /// <summary>Samples (cells), N.</summary>
    public int Samples => Data.ObsCount;

    /// <summary>Features (genes), d.</summary>
    public int Features => Data.VarCount;

    /// <summary>Sample names (from the file, else generated).</summary>
    public IReadOnlyList<string> SampleNames => Data.ObsNames;

    /// <summary>Feature names (from the file, else generated).</summary>
    public IReadOnlyList<string> FeatureNames => Data.VarNames;

    /// <summary>The true family per feature, when given.</summary>
    public string[]? Labels { get; private set; }

    /// <summary>Where the labels came from (for messages and the report).</summary>
    public string? LabelsSource { get; private set; }

    /// <summary>The true pseudotime per sample, when given.</summary>
    public double[]? Time { get; private set; }

    /// <summary>Where the pseudotime came from.</summary>
    public string? TimeSource { get; private set; }

    /// <summary>Reads <paramref name="path"/>; <paramref name="layer"/> picks an .h5ad layer instead of X.</summary>
    public static FitData Load(string path, string? layer)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"{path}: no such file or folder.", path);
        bool h5ad = path.EndsWith(".h5ad", StringComparison.OrdinalIgnoreCase);
        if (layer is not null && !h5ad) throw new UsageException($"--layer applies to .h5ad input only; {path} is not one.");
        var data = AnnDataReader.Read(path, new AnnDataReadOptions { H5ad = new H5adReadOptions { Layer = layer } });
        if (data.ObsCount < 2) throw new DataFormatException(path, $"has {data.ObsCount} sample(s); at least 2 are needed.");
        return new FitData(data, path);
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

    /// <summary>Takes the labels from the per-feature (var) column <paramref name="column"/>.</summary>
    public void LabelsFromColumn(string column)
    {
        if (!Data.Var.TryGet(column, out var c))
            throw new UsageException($"--labels-var: {Path} has no var column '{column}'{Known(Data.Var.Names)}.");
        var values = c.ToStrings();
        for (int j = 0; j < values.Length; j++)
            if (string.IsNullOrEmpty(values[j]))
                throw new DataFormatException(Path, $"var column '{column}' has no value for feature '{FeatureNames[j]}' (index {j}).", columnName: column);
        Labels = values!;
        LabelsSource = $"{Path}, var '{column}'";
    }

    /// <summary>Takes the pseudotime from the per-sample (obs) column <paramref name="column"/>.</summary>
    public void TimeFromColumn(string column)
    {
        if (!Data.Obs.TryGet(column, out var c))
            throw new UsageException($"--time-obs: {Path} has no obs column '{column}'{Known(Data.Obs.Names)}.");
        if (c is not NumericColumn numbers)
            throw new DataFormatException(Path, $"obs column '{column}' is not numeric; --time-obs needs a number per sample.", columnName: column);
        var time = numbers.ToArray();
        for (int i = 0; i < time.Length; i++)
            if (!double.IsFinite(time[i]))
                throw new DataFormatException(Path, $"obs column '{column}' has no finite value for sample '{SampleNames[i]}' (row {i}).", columnName: column);
        Time = time;
        TimeSource = $"{Path}, obs '{column}'";
    }

    private static string Known(IReadOnlyList<string> names) =>
        names.Count == 0 ? " (it has none)" : $"; its columns are: {string.Join(", ", names.Take(20))}{(names.Count > 20 ? ", …" : "")}";

    /// <summary>
    /// The data with its features in the order <paramref name="names"/> (a saved model's), by name when the file names
    /// its features; a file without feature names must have exactly that many columns, taken in order. Features the
    /// model does not know are dropped (library sizes stay those of the whole rows); a feature the model needs and the
    /// file lacks is a <see cref="DataFormatException"/> naming it.
    /// </summary>
    public FitData AlignFeatures(IReadOnlyList<string>? names, int count)
    {
        if (names is null || !Data.HasVarNames)
        {
            if (Features != count)
                throw new DataFormatException(Path, $"has {Features} features but the model was trained on {count}{(names is null ? "" : " (and the file has no feature names to match them by)")}.");
            return this;
        }
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < Data.VarNames.Count; j++) index.TryAdd(Data.VarNames[j], j);
        var missing = names.Where(n => !index.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new DataFormatException(Path, $"lacks {missing.Count} of the model's {names.Count} features: {string.Join(", ", missing.Take(10).Select(m => $"'{m}'"))}{(missing.Count > 10 ? ", …" : "")}.");
        var order = names.Select(n => index[n]).ToArray();
        if (order.Length == Features && order.SequenceEqual(Enumerable.Range(0, Features))) return this;
        var x = Data.X;
        var values = new float[(long)Samples * order.Length];
        for (int i = 0; i < Samples; i++)
            for (int j = 0; j < order.Length; j++)
                values[(long)i * order.Length + j] = x[i, order[j]];
        ExpressionMatrix selected = new DenseMatrix(Samples, order.Length, values);
        if (x.IsSparse) selected = CsrMatrix.FromDense(selected);
        // Count models scale by each cell's library size: keep that of the whole row, not of the selected genes.
        // (Row sums that are not all positive are not counts; no library sizes then.)
        var sums = Data.LibrarySizes?.ToArray() ?? Data.LibrarySizesOrRowSums().ToArray();
        var aligned = new AnnData(selected, Data.ObsNames, names.ToArray(), sums.All(v => v > 0 && double.IsFinite(v)) ? sums : null);
        foreach (var (name, column) in Data.Obs) aligned.Obs.Set(name, column);
        return new FitData(aligned, Path) { Time = Time, TimeSource = TimeSource };
    }
}

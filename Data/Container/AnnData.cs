using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DerivSpec.Data;

/// <summary>Where an <see cref="AnnData"/>'s values were read from, so a bad value can be located in the file.</summary>
/// <param name="Path">The file (or folder) as the user named it.</param>
/// <param name="RowLines">For text files: the 1-based line of each observation (row); null otherwise.</param>
/// <param name="FirstValueColumn">For text files: the 1-based file column of variable 0 (2 when a row-name column precedes it).</param>
public sealed record DataSource(string Path, int[]? RowLines = null, int FirstValueColumn = 1);

/// <summary>
/// An annotated data matrix shaped like Python's AnnData: <see cref="X"/> holds N observations (cells, samples) × d
/// variables (genes, features) in float32, dense or sparse CSR (kept sparse); <see cref="ObsNames"/>/<see cref="VarNames"/>
/// name them ("cell_1"…, "feature_1"… when the input had none); <see cref="Obs"/>/<see cref="Var"/> hold per-observation
/// and per-variable columns (labels, true time, …); <see cref="Obsm"/>, <see cref="Varm"/>, <see cref="Layers"/> and
/// <see cref="Uns"/> carry results and metadata to be written back to .h5ad. Optional per-cell library sizes default to
/// the row sums.
/// <para>
/// The data are checked once per <see cref="ValueSupport"/>: <see cref="Validate"/> scans every stored value the first
/// time and remembers the answer (X does not change), naming the first bad cell and gene (and the file line for text
/// input). Read files with <see cref="AnnDataReader"/>; write with <see cref="H5adWriter"/>.
/// </para>
/// </summary>
public sealed class AnnData
{
    private readonly object _gate = new();
    private readonly HashSet<ValueSupport> _validated = new();
    private readonly double[]? _librarySizes;
    private double[]? _libraryOrSums;

    /// <summary>
    /// Wraps <paramref name="x"/> with optional names and library sizes. Throws <see cref="DataValidationException"/>
    /// when X has no rows or no columns, names are of the wrong count or null, or a library size is not finite and
    /// positive.
    /// </summary>
    public AnnData(ExpressionMatrix x, IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null,
        double[]? librarySizes = null, DataSource? source = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rows == 0) throw new DataValidationException("The data matrix is empty: it has no rows (observations).");
        if (x.Columns == 0) throw new DataValidationException("The data matrix is empty: it has no columns (variables).");
        X = x;
        ObsNames = CheckNames(obsNames, x.Rows, "observation (row)", "cell_");
        VarNames = CheckNames(varNames, x.Columns, "variable (column)", "feature_");
        HasObsNames = obsNames is not null;
        HasVarNames = varNames is not null;
        if (librarySizes is not null)
        {
            if (librarySizes.Length != x.Rows)
                throw new DataValidationException($"{librarySizes.Length} library sizes were given for {x.Rows} observations (rows).");
            for (int i = 0; i < librarySizes.Length; i++)
                if (!(librarySizes[i] > 0) || double.IsInfinity(librarySizes[i]))
                    throw new DataValidationException(
                        $"The library size of cell '{ObsNames[i]}' (row {i}) is {librarySizes[i].ToString(CultureInfo.InvariantCulture)}; it must be a finite positive number.", i);
        }
        _librarySizes = librarySizes;
        Source = source;
        if (source?.RowLines is { } lines && lines.Length != x.Rows)
            throw new ArgumentException($"{lines.Length} source lines for {x.Rows} rows.", nameof(source));
        Obs = new ColumnTable(x.Rows);
        Var = new ColumnTable(x.Columns);
        Obsm = new MatrixMap(x.Rows, "obsm");
        Varm = new MatrixMap(x.Columns, "varm");
        Layers = new LayerMap(x.Rows, x.Columns);
    }

    // ------------------------------------------------------------------ factories

    /// <summary>From a rectangular double array (copied to float32).</summary>
    public static AnnData FromArray(double[,] x, IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckNotEmpty(x.GetLength(0), x.GetLength(1));
        return new AnnData(DenseMatrix.FromArray(x), obsNames, varNames, librarySizes);
    }

    /// <summary>From a rectangular float array (copied).</summary>
    public static AnnData FromArray(float[,] x, IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckNotEmpty(x.GetLength(0), x.GetLength(1));
        return new AnnData(DenseMatrix.FromArray(x), obsNames, varNames, librarySizes);
    }

    /// <summary>From rows (one per observation); ragged rows are a <see cref="DataValidationException"/> naming the first bad row.</summary>
    public static AnnData FromRows(IReadOnlyList<double[]> rows, IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var flat = Flatten(rows, r => r.Length, (r, dst) => { for (int j = 0; j < r.Length; j++) dst[j] = (float)r[j]; }, out int d);
        return new AnnData(new DenseMatrix(rows.Count, d, flat), obsNames, varNames, librarySizes);
    }

    /// <summary>From rows of floats; ragged rows are a <see cref="DataValidationException"/>.</summary>
    public static AnnData FromRows(IReadOnlyList<float[]> rows, IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var flat = Flatten(rows, r => r.Length, (r, dst) => r.AsSpan().CopyTo(dst), out int d);
        return new AnnData(new DenseMatrix(rows.Count, d, flat), obsNames, varNames, librarySizes);
    }

    /// <summary>From CSR arrays (taken, not copied); see <see cref="CsrMatrix"/>. Malformed arrays are an <see cref="ArgumentException"/>.</summary>
    public static AnnData FromCsr(int rows, int columns, float[] data, int[] indices, long[] indptr,
        IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null, double[]? librarySizes = null)
        => new(new CsrMatrix(rows, columns, data, indices, indptr), obsNames, varNames, librarySizes);

    /// <summary>From CSR arrays with 32-bit row pointers.</summary>
    public static AnnData FromCsr(int rows, int columns, float[] data, int[] indices, int[] indptr,
        IReadOnlyList<string>? obsNames = null, IReadOnlyList<string>? varNames = null, double[]? librarySizes = null)
        => new(new CsrMatrix(rows, columns, data, indices, indptr), obsNames, varNames, librarySizes);

    private static float[] Flatten<T>(IReadOnlyList<T> rows, Func<T, int> length, Action<T, Span<float>> copy, out int d) where T : class
    {
        if (rows.Count == 0) throw new DataValidationException("The data matrix is empty: it has no rows (observations).");
        d = length(rows[0] ?? throw new DataValidationException("Row 0 is null.", 0));
        CheckNotEmpty(rows.Count, d);
        var flat = new float[checked((long)rows.Count * d)];
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i] ?? throw new DataValidationException($"Row {i} is null.", i);
            if (length(r) != d)
                throw new DataValidationException($"Ragged data: row {i} has {length(r)} values but row 0 has {d}.", i);
            copy(r, flat.AsSpan(i * d, d));
        }
        return flat;
    }

    private static void CheckNotEmpty(long n, long d)
    {
        if (n == 0) throw new DataValidationException("The data matrix is empty: it has no rows (observations).");
        if (d == 0) throw new DataValidationException("The data matrix is empty: it has no columns (variables).");
    }

    private static IReadOnlyList<string> CheckNames(IReadOnlyList<string>? names, int count, string what, string prefix)
    {
        if (names is null) return new GeneratedNames(prefix, count);
        if (names.Count != count)
            throw new DataValidationException($"{names.Count} {what} names were given for {count} {what}s.");
        var copy = new string[count];
        for (int i = 0; i < count; i++)
            copy[i] = names[i] ?? throw new DataValidationException($"The {what} name at index {i} is null.", what.StartsWith('o') ? i : null, what.StartsWith('v') ? i : null);
        return copy;
    }

    // ------------------------------------------------------------------ contents

    /// <summary>The data matrix, N × d, float32.</summary>
    public ExpressionMatrix X { get; }

    /// <summary>N, the number of observations (rows).</summary>
    public int ObsCount => X.Rows;

    /// <summary>d, the number of variables (columns).</summary>
    public int VarCount => X.Columns;

    /// <summary>Observation (cell) names; "cell_1", "cell_2", … when none were given.</summary>
    public IReadOnlyList<string> ObsNames { get; }

    /// <summary>Variable (gene) names; "feature_1", "feature_2", … when none were given.</summary>
    public IReadOnlyList<string> VarNames { get; }

    /// <summary>Whether observation names were given (not generated).</summary>
    public bool HasObsNames { get; }

    /// <summary>Whether variable names were given (not generated).</summary>
    public bool HasVarNames { get; }

    /// <summary>Per-observation columns (e.g. labels, true time); every column has N entries.</summary>
    public ColumnTable Obs { get; private init; }

    /// <summary>Per-variable columns (e.g. true family); every column has d entries.</summary>
    public ColumnTable Var { get; private init; }

    /// <summary>Per-observation matrices [N, k] (e.g. <c>X_derivspec</c>, the latent means).</summary>
    public MatrixMap Obsm { get; private init; }

    /// <summary>Per-variable matrices [d, k].</summary>
    public MatrixMap Varm { get; private init; }

    /// <summary>Other N × d matrices (e.g. raw counts beside normalised X).</summary>
    public LayerMap Layers { get; private init; }

    /// <summary>Unstructured annotation (results, parameters).</summary>
    public UnsDictionary Uns { get; private set; } = new();

    /// <summary>Where the data were read from, or null when built in memory.</summary>
    public DataSource? Source { get; }

    /// <summary>The library sizes that were given, or null (then <see cref="LibrarySizesOrRowSums"/> uses the row sums).</summary>
    public IReadOnlyList<double>? LibrarySizes => _librarySizes;

    /// <summary>Per-observation library sizes: the given ones, else the row sums of X (computed once).</summary>
    public ReadOnlySpan<double> LibrarySizesOrRowSums()
    {
        if (_librarySizes is not null) return _librarySizes;
        lock (_gate) return _libraryOrSums ??= X.RowSums();
    }

    // ------------------------------------------------------------------ validation

    /// <summary>
    /// Checks that X has <paramref name="expectedVariables"/> columns and every value lies in <paramref name="support"/>.
    /// The value scan runs once per support (a stronger support that passed covers the weaker ones: Binary ⇒ Counts ⇒
    /// NonNegative ⇒ Real); X never changes, so later calls only compare the column count. Throws
    /// <see cref="DataValidationException"/> naming the first bad cell and gene — names and 0-based indices — and,
    /// for text input, the file, line and column.
    /// </summary>
    public void Validate(ValueSupport support, int expectedVariables)
    {
        if (VarCount != expectedVariables)
            throw new DataValidationException(
                $"The data have {VarCount} variables (genes, columns){From()} but the model expects {expectedVariables}.");
        lock (_gate)
        {
            if (_validated.Any(v => Implies(v, support))) return;
        }
        if (X.FindFirstOutside(support, out int r, out int c, out float value))
            throw Bad(r, c, value, support);
        lock (_gate) _validated.Add(support);
    }

    /// <summary>Whether the values were already found to lie in <paramref name="support"/> (no scan is made).</summary>
    public bool IsValidated(ValueSupport support)
    {
        lock (_gate) return _validated.Any(v => Implies(v, support));
    }

    private static int Rank(ValueSupport s) => s switch
    {
        ValueSupport.Real => 0,
        ValueSupport.NonNegative => 1,
        ValueSupport.Counts => 2,
        ValueSupport.Binary => 3,
    };

    private static bool Implies(ValueSupport checkedOne, ValueSupport wanted) => Rank(checkedOne) >= Rank(wanted);

    private string From() => Source is null ? "" : $" in {Source.Path}";

    private DataValidationException Bad(int r, int c, float value, ValueSupport support)
    {
        string why = ExpressionMatrix.Violation(value, support) ?? "is outside the support";
        string where = "";
        int? line = null;
        if (Source is not null)
        {
            line = Source.RowLines?[r];
            where = line is int l
                ? $" ({Source.Path}, line {l}, column {c + Source.FirstValueColumn})"
                : $" (in {Source.Path})";
        }
        string v = value.ToString("R", CultureInfo.InvariantCulture);
        return new DataValidationException(
            $"Bad value at cell '{ObsNames[r]}' (row {r}), gene '{VarNames[c]}' (column {c}): {v} {why} ({Describe(support)} support){where}.",
            r, c, ObsNames[r], VarNames[c], Source?.Path, line);
    }

    private static string Describe(ValueSupport s) => s switch
    {
        ValueSupport.Real => "real",
        ValueSupport.NonNegative => "non-negative",
        ValueSupport.Counts => "counts",
        ValueSupport.Binary => "binary",
    };

    // ------------------------------------------------------------------ subsets

    /// <summary>
    /// The observations <paramref name="rows"/> (in that order) as a new AnnData: X rows, names, obs columns, obsm
    /// rows, layers, library sizes and source lines follow; var, varm and uns are shared. A subset of validated data is
    /// validated too.
    /// </summary>
    public AnnData SelectObs(ReadOnlySpan<int> rows)
    {
        foreach (int r in rows)
            if ((uint)r >= (uint)ObsCount) throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside 0..{ObsCount - 1}.");
        var names = HasObsNames ? Pick(ObsNames, rows) : null;
        double[]? lib = null;
        if (_librarySizes is not null)
        {
            lib = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++) lib[i] = _librarySizes[rows[i]];
        }
        DataSource? src = Source;
        if (Source?.RowLines is { } lines)
        {
            var l = new int[rows.Length];
            for (int i = 0; i < rows.Length; i++) l[i] = lines[rows[i]];
            src = Source with { RowLines = l };
        }
        var x = X.SelectRows(rows);
        var layers = new LayerMap(rows.Length, VarCount);
        foreach (var kv in Layers) layers[kv.Key] = kv.Value.SelectRows(rows);
        var sub = new AnnData(x, names, HasVarNames ? VarNames : null, lib, src)
        {
            Obs = Obs.SelectRows(rows),
            Var = Var.Copy(),
            Obsm = Obsm.SelectRows(rows),
            Varm = Varm.Copy(),
            Layers = layers,
            Uns = Uns,
        };
        lock (_gate) foreach (var s in _validated) sub._validated.Add(s);
        return sub;
    }

    /// <summary>
    /// A copy sharing X, names, library sizes and the columns and matrices themselves (which do not change), with its
    /// own obs, var, obsm, varm, layers and uns containers: adding to the copy leaves this one as it was.
    /// </summary>
    public AnnData ShallowCopy()
    {
        var uns = new UnsDictionary();
        foreach (var kv in Uns) uns[kv.Key] = kv.Value;
        var layers = new LayerMap(ObsCount, VarCount);
        foreach (var kv in Layers) layers[kv.Key] = kv.Value;
        var copy = new AnnData(X, HasObsNames ? ObsNames : null, HasVarNames ? VarNames : null, _librarySizes, Source)
        {
            Obs = Obs.Copy(),
            Var = Var.Copy(),
            Obsm = Obsm.Copy(),
            Varm = Varm.Copy(),
            Layers = layers,
            Uns = uns,
        };
        lock (_gate) foreach (var s in _validated) copy._validated.Add(s);
        return copy;
    }

    internal void ReplaceUns(UnsDictionary uns) => Uns = uns;

    /// <summary>As <see cref="SelectObs(ReadOnlySpan{int})"/>.</summary>
    public AnnData SelectObs(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return SelectObs(rows.ToArray().AsSpan());
    }

    private static string[] Pick(IReadOnlyList<string> names, ReadOnlySpan<int> rows)
    {
        var r = new string[rows.Length];
        for (int i = 0; i < rows.Length; i++) r[i] = names[rows[i]];
        return r;
    }

    /// <summary>The index of the variable named <paramref name="name"/>, or −1.</summary>
    public int VarIndex(string name)
    {
        for (int j = 0; j < VarNames.Count; j++) if (VarNames[j] == name) return j;
        return -1;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var s = $"AnnData with n_obs × n_vars = {ObsCount} × {VarCount} ({X})";
        if (Obs.Count > 0) s += $"\n    obs: {string.Join(", ", Obs.Names.Select(n => $"'{n}'"))}";
        if (Var.Count > 0) s += $"\n    var: {string.Join(", ", Var.Names.Select(n => $"'{n}'"))}";
        if (Obsm.Count > 0) s += $"\n    obsm: {string.Join(", ", Obsm.Keys.Select(n => $"'{n}'"))}";
        if (Layers.Count > 0) s += $"\n    layers: {string.Join(", ", Layers.Keys.Select(n => $"'{n}'"))}";
        if (Uns.Count > 0) s += $"\n    uns: {string.Join(", ", Uns.Keys.Select(n => $"'{n}'"))}";
        return s;
    }

    private sealed class GeneratedNames : IReadOnlyList<string>
    {
        private readonly string _prefix;

        public GeneratedNames(string prefix, int count)
        {
            _prefix = prefix;
            Count = count;
        }

        public int Count { get; }

        public string this[int index] => (uint)index < (uint)Count
            ? _prefix + (index + 1).ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(index));

        public IEnumerator<string> GetEnumerator()
        {
            for (int i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>AnnData's <c>layers</c>: named N × d matrices beside X (dense or sparse).</summary>
public sealed class LayerMap : IEnumerable<KeyValuePair<string, ExpressionMatrix>>
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, ExpressionMatrix> _values = new(StringComparer.Ordinal);
    private readonly int _rows, _columns;

    internal LayerMap(int rows, int columns)
    {
        _rows = rows;
        _columns = columns;
    }

    /// <summary>The number of layers.</summary>
    public int Count => _order.Count;

    /// <summary>Layer names in insertion order.</summary>
    public IReadOnlyList<string> Keys => _order;

    /// <summary>Gets or sets a layer; one of another shape than X is refused.</summary>
    public ExpressionMatrix this[string key]
    {
        get => _values.TryGetValue(key, out var v) ? v
            : throw new KeyNotFoundException($"layers has no entry '{key}'; it has: {(Count == 0 ? "(none)" : string.Join(", ", _order))}.");
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            ArgumentNullException.ThrowIfNull(value);
            if (value.Rows != _rows || value.Columns != _columns)
                throw new ArgumentException($"layers['{key}'] is {value.Rows} × {value.Columns}; X is {_rows} × {_columns}.", nameof(value));
            if (!_values.ContainsKey(key)) _order.Add(key);
            _values[key] = value;
        }
    }

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>Removes a layer; false if there was none.</summary>
    public bool Remove(string key)
    {
        if (!_values.Remove(key)) return false;
        _order.Remove(key);
        return true;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, ExpressionMatrix>> GetEnumerator() =>
        _order.Select(k => new KeyValuePair<string, ExpressionMatrix>(k, _values[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

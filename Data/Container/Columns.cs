using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DerivSpec.Data;

/// <summary>One column of an obs or var table: numbers, text, or categories.</summary>
public abstract class DataColumn
{
    /// <summary>The number of entries (N for obs, d for var).</summary>
    public abstract int Length { get; }

    /// <summary>Entry <paramref name="index"/> as text (invariant numbers; null for a missing value).</summary>
    public abstract string? Format(int index);

    /// <summary>The entries <paramref name="rows"/> as a new column of the same kind.</summary>
    public abstract DataColumn SelectRows(ReadOnlySpan<int> rows);

    /// <summary>Every entry as text (see <see cref="Format"/>).</summary>
    public string?[] ToStrings()
    {
        var r = new string?[Length];
        for (int i = 0; i < r.Length; i++) r[i] = Format(i);
        return r;
    }
}

/// <summary>How a <see cref="NumericColumn"/>'s values are typed on disk.</summary>
public enum NumericKind
{
    /// <summary>Floating point (written as float64).</summary>
    Float,

    /// <summary>Integers (written as int64).</summary>
    Integer,

    /// <summary>Booleans 0/1 (written as HDF5 booleans, which h5py reads as numpy bool).</summary>
    Boolean,
}

/// <summary>A numeric column, held as doubles; NaN is a missing value.</summary>
public sealed class NumericColumn : DataColumn
{
    private readonly double[] _values;

    /// <summary>Wraps <paramref name="values"/> (taken, not copied).</summary>
    public NumericColumn(double[] values, NumericKind kind = NumericKind.Float)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
        Kind = kind;
    }

    /// <summary>The values.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>How the values are typed on disk.</summary>
    public NumericKind Kind { get; }

    /// <summary>Entry <paramref name="index"/>.</summary>
    public double this[int index] => _values[index];

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <inheritdoc />
    public override string? Format(int index)
    {
        double v = _values[index];
        if (double.IsNaN(v)) return null;
        return Kind == NumericKind.Boolean ? (v != 0 ? "True" : "False") : v.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public override DataColumn SelectRows(ReadOnlySpan<int> rows)
    {
        var r = new double[rows.Length];
        for (int i = 0; i < r.Length; i++) r[i] = _values[rows[i]];
        return new NumericColumn(r, Kind);
    }

    /// <summary>A copy of the values.</summary>
    public double[] ToArray() => (double[])_values.Clone();
}

/// <summary>A text column; null is a missing value.</summary>
public sealed class StringColumn : DataColumn
{
    private readonly string?[] _values;

    /// <summary>Wraps <paramref name="values"/> (taken, not copied).</summary>
    public StringColumn(string?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
    }

    /// <summary>The values.</summary>
    public IReadOnlyList<string?> Values => _values;

    /// <summary>Entry <paramref name="index"/>.</summary>
    public string? this[int index] => _values[index];

    /// <inheritdoc />
    public override int Length => _values.Length;

    /// <inheritdoc />
    public override string? Format(int index) => _values[index];

    /// <inheritdoc />
    public override DataColumn SelectRows(ReadOnlySpan<int> rows)
    {
        var r = new string?[rows.Length];
        for (int i = 0; i < r.Length; i++) r[i] = _values[rows[i]];
        return new StringColumn(r);
    }
}

/// <summary>A categorical column (pandas Categorical): integer codes into a list of categories; code −1 is missing.</summary>
public sealed class CategoricalColumn : DataColumn
{
    private readonly int[] _codes;
    private readonly string[] _categories;

    /// <summary>Wraps codes and categories (taken, not copied); every code must be −1 or a category index.</summary>
    public CategoricalColumn(int[] codes, string[] categories, bool ordered = false)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(categories);
        for (int i = 0; i < codes.Length; i++)
            if (codes[i] < -1 || codes[i] >= categories.Length)
                throw new ArgumentException($"Categorical code {codes[i]} at entry {i} is outside −1..{categories.Length - 1}.", nameof(codes));
        if (categories.Distinct(StringComparer.Ordinal).Count() != categories.Length)
            throw new ArgumentException("The categories repeat a value.", nameof(categories));
        _codes = codes;
        _categories = categories;
        Ordered = ordered;
    }

    /// <summary>Categories in order of first appearance in <paramref name="values"/> (null = missing).</summary>
    public static CategoricalColumn FromValues(IEnumerable<string?> values, bool ordered = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var cats = new List<string>();
        var codes = new List<int>();
        foreach (var v in values)
        {
            if (v is null) { codes.Add(-1); continue; }
            if (!index.TryGetValue(v, out int c)) { c = cats.Count; index[v] = c; cats.Add(v); }
            codes.Add(c);
        }
        return new CategoricalColumn(codes.ToArray(), cats.ToArray(), ordered);
    }

    /// <summary>The codes (−1 = missing).</summary>
    public ReadOnlySpan<int> Codes => _codes;

    /// <summary>The categories.</summary>
    public IReadOnlyList<string> Categories => _categories;

    /// <summary>Whether the categories are ordered.</summary>
    public bool Ordered { get; }

    /// <summary>Entry <paramref name="index"/>'s category, or null when missing.</summary>
    public string? this[int index] => _codes[index] < 0 ? null : _categories[_codes[index]];

    /// <inheritdoc />
    public override int Length => _codes.Length;

    /// <inheritdoc />
    public override string? Format(int index) => this[index];

    /// <inheritdoc />
    public override DataColumn SelectRows(ReadOnlySpan<int> rows)
    {
        var r = new int[rows.Length];
        for (int i = 0; i < r.Length; i++) r[i] = _codes[rows[i]];
        return new CategoricalColumn(r, _categories, Ordered);
    }
}

/// <summary>
/// The obs (per observation) or var (per variable) table of an <see cref="AnnData"/>: named columns in order, each of
/// the table's length. Look columns up by name with <see cref="Numeric"/>, <see cref="Strings"/> or the indexer.
/// </summary>
public sealed class ColumnTable : IEnumerable<KeyValuePair<string, DataColumn>>
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, DataColumn> _columns = new(StringComparer.Ordinal);

    /// <summary>An empty table for <paramref name="length"/> rows.</summary>
    public ColumnTable(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), length, "The length must be ≥ 0.");
        Length = length;
    }

    /// <summary>The number of rows every column has.</summary>
    public int Length { get; }

    /// <summary>The number of columns.</summary>
    public int Count => _order.Count;

    /// <summary>Column names in order.</summary>
    public IReadOnlyList<string> Names => _order;

    /// <summary>The column named <paramref name="name"/>; a missing name throws, listing the columns there are.</summary>
    public DataColumn this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            if (_columns.TryGetValue(name, out var c)) return c;
            throw new KeyNotFoundException($"There is no column '{name}'; the columns are: {(Count == 0 ? "(none)" : string.Join(", ", _order.Select(n => $"'{n}'")))}.");
        }
    }

    /// <summary>Whether a column named <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _columns.ContainsKey(name);

    /// <summary>The column named <paramref name="name"/>, if any.</summary>
    public bool TryGet(string name, out DataColumn column) => _columns.TryGetValue(name, out column!);

    /// <summary>Adds a column at the end, or replaces the column of that name in place.</summary>
    /// <exception cref="ArgumentException">The column's length is not <see cref="Length"/>, or the name is empty.</exception>
    public void Set(string name, DataColumn column)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(column);
        if (column.Length != Length)
            throw new ArgumentException($"Column '{name}' has {column.Length} entries; the table has {Length} rows.", nameof(column));
        if (!_columns.ContainsKey(name)) _order.Add(name);
        _columns[name] = column;
    }

    /// <summary>Adds or replaces a numeric column.</summary>
    public void Set(string name, double[] values, NumericKind kind = NumericKind.Float) => Set(name, new NumericColumn(values, kind));

    /// <summary>Adds or replaces a text column.</summary>
    public void Set(string name, string?[] values) => Set(name, new StringColumn(values));

    /// <summary>Removes a column; false if there was none.</summary>
    public bool Remove(string name)
    {
        if (!_columns.Remove(name)) return false;
        _order.Remove(name);
        return true;
    }

    /// <summary>A numeric column's values (a copy); throws if the column is missing or not numeric.</summary>
    public double[] Numeric(string name)
    {
        var c = this[name];
        return c is NumericColumn n ? n.ToArray()
            : throw new InvalidOperationException($"Column '{name}' is {Describe(c)}, not numeric.");
    }

    /// <summary>Any column's values as text (numbers formatted invariantly, categories decoded; null = missing).</summary>
    public string?[] Strings(string name) => this[name].ToStrings();

    /// <summary>The rows <paramref name="rows"/> of every column, as a new table.</summary>
    public ColumnTable SelectRows(ReadOnlySpan<int> rows)
    {
        var t = new ColumnTable(rows.Length);
        foreach (var n in _order) t.Set(n, _columns[n].SelectRows(rows));
        return t;
    }

    /// <summary>A shallow copy (columns shared; they do not change).</summary>
    public ColumnTable Copy()
    {
        var t = new ColumnTable(Length);
        foreach (var n in _order) t.Set(n, _columns[n]);
        return t;
    }

    internal static string Describe(DataColumn c) => c switch
    {
        NumericColumn => "numeric",
        StringColumn => "text",
        CategoricalColumn => "categorical",
        _ => c.GetType().Name,
    };

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, DataColumn>> GetEnumerator()
    {
        foreach (var n in _order) yield return new KeyValuePair<string, DataColumn>(n, _columns[n]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Data;

/// <summary>
/// AnnData's unstructured annotation (<c>uns</c>): a string-keyed tree, kept in insertion order, whose values are
/// strings, numbers (double, float, long, int, bool), 1-D arrays (double, float, long, int, string), 2-D and 3-D double
/// or float arrays, and nested <see cref="UnsDictionary"/> values. Other values are refused when set, so everything in
/// it can be written to .h5ad.
/// </summary>
public sealed class UnsDictionary : IEnumerable<KeyValuePair<string, object>>
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);

    /// <summary>The number of entries.</summary>
    public int Count => _order.Count;

    /// <summary>Keys in insertion order.</summary>
    public IReadOnlyList<string> Keys => _order;

    /// <summary>Gets or sets an entry; a missing key throws, setting an unsupported value type throws.</summary>
    public object this[string key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return _values.TryGetValue(key, out var v) ? v
                : throw new KeyNotFoundException($"uns has no entry '{key}'; it has: {(Count == 0 ? "(none)" : string.Join(", ", _order))}.");
        }
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            if (key.Contains('/')) throw new ArgumentException($"uns key '{key}' contains '/', which HDF5 reads as a path.", nameof(key));
            ArgumentNullException.ThrowIfNull(value);
            if (!IsSupported(value))
                throw new ArgumentException($"uns['{key}']: values of type {value.GetType().Name} are not supported (strings, numbers, 1-D/2-D/3-D numeric arrays, string arrays and nested UnsDictionary are).", nameof(value));
            if (!_values.ContainsKey(key)) _order.Add(key);
            _values[key] = value;
        }
    }

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>The entry for <paramref name="key"/>, if any.</summary>
    public bool TryGetValue(string key, out object value) => _values.TryGetValue(key, out value!);

    /// <summary>The entry as <typeparamref name="T"/>; throws naming the key if it is missing or of another type.</summary>
    public T Get<T>(string key)
    {
        var v = this[key];
        return v is T t ? t : throw new InvalidCastException($"uns['{key}'] is a {v.GetType().Name}, not a {typeof(T).Name}.");
    }

    /// <summary>The nested dictionary at <paramref name="key"/>, created (and added) when absent.</summary>
    public UnsDictionary GetOrAddDictionary(string key)
    {
        if (TryGetValue(key, out var v))
            return v as UnsDictionary ?? throw new InvalidOperationException($"uns['{key}'] is a {v.GetType().Name}, not a dictionary.");
        var d = new UnsDictionary();
        this[key] = d;
        return d;
    }

    /// <summary>Removes an entry; false if there was none.</summary>
    public bool Remove(string key)
    {
        if (!_values.Remove(key)) return false;
        _order.Remove(key);
        return true;
    }

    /// <summary>Whether <paramref name="value"/> can be stored.</summary>
    public static bool IsSupported(object value) => value is string or double or float or long or int or bool
        or double[] or float[] or long[] or int[] or string[] or double[,] or float[,] or double[,,] or float[,,] or UnsDictionary;

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        foreach (var k in _order) yield return new KeyValuePair<string, object>(k, _values[k]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A named set of dense matrices that share their first dimension with an axis of the data (AnnData's <c>obsm</c>:
/// N rows each, <c>varm</c>: d rows each), e.g. a latent embedding [N, p].
/// </summary>
public sealed class MatrixMap : IEnumerable<KeyValuePair<string, double[,]>>
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, double[,]> _values = new(StringComparer.Ordinal);
    private readonly string _what;

    /// <summary>A map whose matrices have <paramref name="rows"/> rows; <paramref name="what"/> names it in messages.</summary>
    public MatrixMap(int rows, string what)
    {
        Rows = rows;
        _what = what;
    }

    /// <summary>The row count every matrix must have.</summary>
    public int Rows { get; }

    /// <summary>The number of matrices.</summary>
    public int Count => _order.Count;

    /// <summary>Names in insertion order.</summary>
    public IReadOnlyList<string> Keys => _order;

    /// <summary>Gets or sets a matrix; setting one with the wrong row count throws.</summary>
    public double[,] this[string key]
    {
        get => _values.TryGetValue(key, out var v) ? v
            : throw new KeyNotFoundException($"{_what} has no entry '{key}'; it has: {(Count == 0 ? "(none)" : string.Join(", ", _order))}.");
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            ArgumentNullException.ThrowIfNull(value);
            if (value.GetLength(0) != Rows)
                throw new ArgumentException($"{_what}['{key}'] has {value.GetLength(0)} rows; it needs {Rows}.", nameof(value));
            if (!_values.ContainsKey(key)) _order.Add(key);
            _values[key] = value;
        }
    }

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <summary>The matrix for <paramref name="key"/>, if any.</summary>
    public bool TryGetValue(string key, out double[,] value) => _values.TryGetValue(key, out value!);

    /// <summary>Removes a matrix; false if there was none.</summary>
    public bool Remove(string key)
    {
        if (!_values.Remove(key)) return false;
        _order.Remove(key);
        return true;
    }

    internal MatrixMap SelectRows(ReadOnlySpan<int> rows)
    {
        var m = new MatrixMap(rows.Length, _what);
        foreach (var k in _order)
        {
            var src = _values[k];
            int c = src.GetLength(1);
            var dst = new double[rows.Length, c];
            for (int i = 0; i < rows.Length; i++)
                for (int j = 0; j < c; j++) dst[i, j] = src[rows[i], j];
            m[k] = dst;
        }
        return m;
    }

    internal MatrixMap Copy()
    {
        var m = new MatrixMap(Rows, _what);
        foreach (var k in _order) m[k] = _values[k];
        return m;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double[,]>> GetEnumerator() =>
        _order.Select(k => new KeyValuePair<string, double[,]>(k, _values[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

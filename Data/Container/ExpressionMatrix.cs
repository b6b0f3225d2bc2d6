using System;
using System.Globalization;

namespace DerivSpec.Data;

/// <summary>
/// The N × d float32 matrix X of an <see cref="AnnData"/> (observations in rows, variables in columns), held either
/// dense (<see cref="DenseMatrix"/>) or as compressed sparse rows (<see cref="CsrMatrix"/>). A sparse matrix stays
/// sparse: a trainer asks for a batch of rows with <see cref="GatherRows"/> and gets a dense block of just those rows.
/// Instances do not change after construction.
/// </summary>
public abstract class ExpressionMatrix
{
    private protected ExpressionMatrix(int rows, int columns)
    {
        if (rows < 0) throw new ArgumentOutOfRangeException(nameof(rows), rows, "The row count must be ≥ 0.");
        if (columns < 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "The column count must be ≥ 0.");
        Rows = rows;
        Columns = columns;
    }

    /// <summary>N, the number of observations (cells, samples).</summary>
    public int Rows { get; }

    /// <summary>d, the number of variables (genes, features).</summary>
    public int Columns { get; }

    /// <summary>True for <see cref="CsrMatrix"/>.</summary>
    public abstract bool IsSparse { get; }

    /// <summary>The number of values held in memory: N·d when dense, the stored entries when sparse.</summary>
    public abstract long StoredValues { get; }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>); an entry a sparse matrix does not store is 0.</summary>
    public abstract float this[int row, int column] { get; }

    /// <summary>
    /// Writes the rows <paramref name="rows"/> (in that order, repeats allowed) as a dense row-major block
    /// [rows.Length, d] into the start of <paramref name="destination"/>; a sparse matrix densifies only these rows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A row index is outside 0..N−1.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> holds fewer than rows.Length·d values.</exception>
    public abstract void GatherRows(ReadOnlySpan<int> rows, Span<float> destination);

    /// <summary>The sum of every row (a cell's library size for count data), in double precision.</summary>
    public abstract double[] RowSums();

    /// <summary>A new matrix of the rows <paramref name="rows"/> in that order (same storage kind).</summary>
    public abstract ExpressionMatrix SelectRows(ReadOnlySpan<int> rows);

    /// <summary>
    /// A dense double[N, d] copy. This densifies the whole matrix: meant for small data (tests, plots of a few
    /// hundred samples), not for a single-cell atlas.
    /// </summary>
    public double[,] ToArray()
    {
        var a = new double[Rows, Columns];
        var row = new float[Columns];
        Span<int> one = stackalloc int[1];
        for (int i = 0; i < Rows; i++)
        {
            one[0] = i;
            GatherRows(one, row);
            for (int j = 0; j < Columns; j++) a[i, j] = row[j];
        }
        return a;
    }

    /// <summary>Whether every value (stored or an implicit zero) lies in <paramref name="support"/>: one scan of the
    /// stored values, stopping at the first outside it.</summary>
    public bool IsWithin(ValueSupport support) => !FindFirstOutside(support, out _, out _, out _);

    /// <summary>Finds the first stored value (row-major order) outside <paramref name="support"/>.</summary>
    internal abstract bool FindFirstOutside(ValueSupport support, out int row, out int column, out float value);

    /// <summary>Why <paramref name="v"/> is outside <paramref name="support"/>, or null when it is inside.</summary>
    internal static string? Violation(float v, ValueSupport support)
    {
        if (!float.IsFinite(v)) return "is not a finite number (NaN or ±infinity)";
        return support switch
        {
            ValueSupport.Real => null,
            ValueSupport.NonNegative => v < 0 ? "is negative; the data must be non-negative" : null,
            ValueSupport.Counts => v < 0 ? "is negative; count data must be non-negative integers"
                : v != MathF.Round(v) ? "is not an integer; count data must be non-negative integers" : null,
            ValueSupport.Binary => v != 0 && v != 1 ? "is neither 0 nor 1; binary data must be 0 or 1" : null,
        };
    }

    private protected void CheckGather(ReadOnlySpan<int> rows, Span<float> destination)
    {
        long need = (long)rows.Length * Columns;
        if (destination.Length < need)
            throw new ArgumentException($"The destination holds {destination.Length} values; {rows.Length} rows × {Columns} columns need {need}.", nameof(destination));
        foreach (int r in rows)
            if ((uint)r >= (uint)Rows)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside 0..{Rows - 1}.");
    }

    private protected void CheckRows(ReadOnlySpan<int> rows)
    {
        foreach (int r in rows)
            if ((uint)r >= (uint)Rows)
                throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside 0..{Rows - 1}.");
    }

    // One loop per support: the JIT specialises FindFirst for each struct, so the test inlines into the scan.
    internal interface IValueTest { bool Bad(float v); }
    internal readonly struct RealTest : IValueTest { public bool Bad(float v) => !float.IsFinite(v); }
    internal readonly struct NonNegativeTest : IValueTest { public bool Bad(float v) => !(v >= 0) || float.IsPositiveInfinity(v); }
    internal readonly struct CountsTest : IValueTest { public bool Bad(float v) => !(v >= 0) || v != MathF.Floor(v) || float.IsPositiveInfinity(v); }
    internal readonly struct BinaryTest : IValueTest { public bool Bad(float v) => v != 0 && v != 1; }

    internal static long FindFirst<T>(ReadOnlySpan<float> values) where T : struct, IValueTest
    {
        var t = default(T);
        for (int i = 0; i < values.Length; i++)
            if (t.Bad(values[i])) return i;
        return -1;
    }

    internal static long FindFirst(ReadOnlySpan<float> values, ValueSupport support) => support switch
    {
        ValueSupport.Real => FindFirst<RealTest>(values),
        ValueSupport.NonNegative => FindFirst<NonNegativeTest>(values),
        ValueSupport.Counts => FindFirst<CountsTest>(values),
        ValueSupport.Binary => FindFirst<BinaryTest>(values),
    };

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(IsSparse ? "CSR" : "dense")} {Rows} × {Columns} float32, {StoredValues} stored values");
}

/// <summary>A dense row-major float32 matrix.</summary>
public sealed class DenseMatrix : ExpressionMatrix
{
    private readonly float[] _values;

    /// <summary>
    /// Wraps row-major <paramref name="values"/> (length rows·columns). The array is taken, not copied: do not change it
    /// afterwards (an <see cref="AnnData"/> validates its data once).
    /// </summary>
    public DenseMatrix(int rows, int columns, float[] values) : base(rows, columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        if ((long)rows * columns != values.Length)
            throw new ArgumentException($"{values.Length} values cannot fill a {rows} × {columns} matrix.", nameof(values));
        _values = values;
    }

    /// <summary>A copy of a rectangular double array (rounded to float32).</summary>
    public static DenseMatrix FromArray(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.GetLength(0), d = values.GetLength(1);
        var v = new float[checked((long)n * d)];
        int k = 0;
        foreach (double x in values) v[k++] = (float)x;   // row-major enumeration
        return new DenseMatrix(n, d, v);
    }

    /// <summary>A copy of a rectangular float array.</summary>
    public static DenseMatrix FromArray(float[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.GetLength(0), d = values.GetLength(1);
        var v = new float[checked((long)n * d)];
        Buffer.BlockCopy(values, 0, v, 0, v.Length * sizeof(float));
        return new DenseMatrix(n, d, v);
    }

    /// <summary>The row-major values, length N·d.</summary>
    public ReadOnlySpan<float> Values => _values;

    internal float[] ValuesArray => _values;

    /// <summary>Row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"Row {row} is outside 0..{Rows - 1}.");
        return _values.AsSpan(row * Columns, Columns);
    }

    /// <inheritdoc />
    public override bool IsSparse => false;

    /// <inheritdoc />
    public override long StoredValues => _values.LongLength;

    /// <inheritdoc />
    public override float this[int row, int column]
    {
        get
        {
            if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column), column, $"Column {column} is outside 0..{Columns - 1}.");
            return Row(row)[column];
        }
    }

    /// <inheritdoc />
    public override void GatherRows(ReadOnlySpan<int> rows, Span<float> destination)
    {
        CheckGather(rows, destination);
        int d = Columns;
        var source = _values.AsSpan();
        for (int i = 0; i < rows.Length; i++)
            source.Slice(rows[i] * d, d).CopyTo(destination.Slice(i * d, d));
    }

    /// <inheritdoc />
    public override double[] RowSums()
    {
        var s = new double[Rows];
        int d = Columns;
        for (int i = 0; i < Rows; i++)
        {
            double acc = 0;
            foreach (float v in _values.AsSpan(i * d, d)) acc += v;
            s[i] = acc;
        }
        return s;
    }

    /// <inheritdoc />
    public override ExpressionMatrix SelectRows(ReadOnlySpan<int> rows)
    {
        var v = new float[checked((long)rows.Length * Columns)];
        GatherRows(rows, v);
        return new DenseMatrix(rows.Length, Columns, v);
    }

    internal override bool FindFirstOutside(ValueSupport support, out int row, out int column, out float value)
    {
        long at = FindFirst(_values, support);
        row = column = -1;
        value = 0;
        if (at < 0) return false;
        row = (int)(at / Columns);
        column = (int)(at % Columns);
        value = _values[at];
        return true;
    }
}

/// <summary>
/// A compressed-sparse-row float32 matrix (scipy's csr_matrix layout): the stored entries of row i are
/// <c>Data[IndPtr[i]..IndPtr[i+1]]</c> at columns <c>Indices[IndPtr[i]..IndPtr[i+1]]</c>; entries not stored are 0.
/// Entries that repeat a column within a row add up (as scipy sums duplicates).
/// </summary>
public sealed class CsrMatrix : ExpressionMatrix
{
    private readonly float[] _data;
    private readonly int[] _indices;
    private readonly long[] _indptr;

    /// <summary>
    /// Wraps CSR arrays (taken, not copied: do not change them afterwards). Checks that <paramref name="indptr"/> has
    /// rows+1 non-decreasing entries from 0 to data.Length and that every column index is in 0..columns−1.
    /// </summary>
    public CsrMatrix(int rows, int columns, float[] data, int[] indices, long[] indptr) : base(rows, columns)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(indptr);
        if (indices.Length != data.Length)
            throw new ArgumentException($"CSR: {indices.Length} column indices for {data.Length} values.", nameof(indices));
        if (indptr.Length != (long)rows + 1)
            throw new ArgumentException($"CSR: indptr has {indptr.Length} entries; {rows} rows need {rows + 1}.", nameof(indptr));
        if (indptr[0] != 0) throw new ArgumentException($"CSR: indptr[0] is {indptr[0]}, not 0.", nameof(indptr));
        for (int i = 0; i < rows; i++)
            if (indptr[i + 1] < indptr[i])
                throw new ArgumentException($"CSR: indptr decreases at row {i} ({indptr[i]} then {indptr[i + 1]}).", nameof(indptr));
        if (indptr[rows] != data.LongLength)
            throw new ArgumentException($"CSR: indptr ends at {indptr[rows]} but there are {data.Length} values.", nameof(indptr));
        for (long k = 0; k < indices.LongLength; k++)
            if ((uint)indices[k] >= (uint)columns)
                throw new ArgumentException($"CSR: column index {indices[k]} (entry {k}) is outside 0..{columns - 1}.", nameof(indices));
        _data = data;
        _indices = indices;
        _indptr = indptr;
    }

    /// <summary>As the other constructor, with 32-bit row pointers (copied to 64-bit).</summary>
    public CsrMatrix(int rows, int columns, float[] data, int[] indices, int[] indptr)
        : this(rows, columns, data, indices, Widen(indptr))
    {
    }

    private static long[] Widen(int[] indptr)
    {
        ArgumentNullException.ThrowIfNull(indptr);
        var r = new long[indptr.Length];
        for (int i = 0; i < r.Length; i++) r[i] = indptr[i];
        return r;
    }

    /// <summary>The non-zero entries of a dense matrix, in CSR form.</summary>
    public static CsrMatrix FromDense(ExpressionMatrix dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        if (dense is CsrMatrix c) return c;
        int n = dense.Rows, d = dense.Columns;
        var row = new float[d];
        var indptr = new long[n + 1];
        var data = new System.Collections.Generic.List<float>();
        var idx = new System.Collections.Generic.List<int>();
        Span<int> one = stackalloc int[1];
        for (int i = 0; i < n; i++)
        {
            one[0] = i;
            dense.GatherRows(one, row);
            for (int j = 0; j < d; j++)
                if (row[j] != 0) { data.Add(row[j]); idx.Add(j); }
            indptr[i + 1] = data.Count;
        }
        return new CsrMatrix(n, d, data.ToArray(), idx.ToArray(), indptr);
    }

    /// <summary>The stored values.</summary>
    public ReadOnlySpan<float> Data => _data;

    /// <summary>The column of every stored value.</summary>
    public ReadOnlySpan<int> Indices => _indices;

    /// <summary>Row pointers, length N+1.</summary>
    public ReadOnlySpan<long> IndPtr => _indptr;

    internal float[] DataArray => _data;

    internal int[] IndicesArray => _indices;

    internal long[] IndPtrArray => _indptr;

    /// <inheritdoc />
    public override bool IsSparse => true;

    /// <inheritdoc />
    public override long StoredValues => _data.LongLength;

    /// <summary>The fraction of entries stored, StoredValues / (N·d).</summary>
    public double Density => Rows == 0 || Columns == 0 ? 0 : (double)StoredValues / ((double)Rows * Columns);

    /// <inheritdoc />
    public override float this[int row, int column]
    {
        get
        {
            if ((uint)row >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(row), row, $"Row {row} is outside 0..{Rows - 1}.");
            if ((uint)column >= (uint)Columns) throw new ArgumentOutOfRangeException(nameof(column), column, $"Column {column} is outside 0..{Columns - 1}.");
            float s = 0;
            for (long k = _indptr[row]; k < _indptr[row + 1]; k++)
                if (_indices[k] == column) s += _data[k];
            return s;
        }
    }

    /// <inheritdoc />
    public override void GatherRows(ReadOnlySpan<int> rows, Span<float> destination)
    {
        CheckGather(rows, destination);
        int d = Columns;
        destination.Slice(0, rows.Length * d).Clear();
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            int start = (int)_indptr[r], count = (int)(_indptr[r + 1] - _indptr[r]);
            var vals = _data.AsSpan(start, count);
            var cols = _indices.AsSpan(start, count);
            var dst = destination.Slice(i * d, d);
            for (int k = 0; k < vals.Length; k++) dst[cols[k]] += vals[k];
        }
    }

    /// <inheritdoc />
    public override double[] RowSums()
    {
        var s = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            double acc = 0;
            for (long k = _indptr[i]; k < _indptr[i + 1]; k++) acc += _data[k];
            s[i] = acc;
        }
        return s;
    }

    /// <inheritdoc />
    public override ExpressionMatrix SelectRows(ReadOnlySpan<int> rows)
    {
        CheckRows(rows);
        long total = 0;
        foreach (int r in rows) total += _indptr[r + 1] - _indptr[r];
        if (total > Array.MaxLength) throw new InvalidOperationException($"The selection holds {total} stored values, more than one array can.");
        var data = new float[total];
        var idx = new int[total];
        var ptr = new long[rows.Length + 1];
        long at = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            int r = rows[i];
            int start = (int)_indptr[r], count = (int)(_indptr[r + 1] - _indptr[r]);
            Array.Copy(_data, start, data, at, count);
            Array.Copy(_indices, start, idx, at, count);
            at += count;
            ptr[i + 1] = at;
        }
        return new CsrMatrix(rows.Length, Columns, data, idx, ptr);
    }

    internal override bool FindFirstOutside(ValueSupport support, out int row, out int column, out float value)
    {
        long at = FindFirst(_data, support);
        row = column = -1;
        value = 0;
        if (at < 0) return false;
        // The first bad stored value in storage order lies in the first bad row; within that row report the lowest column.
        int lo = 0, hi = Rows - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_indptr[mid + 1] <= at) lo = mid + 1; else hi = mid;
        }
        row = lo;
        long best = at;
        for (long k = at; k < _indptr[row + 1]; k++)
            if (_indices[k] < _indices[best] && Violation(_data[k], support) is not null) best = k;
        column = _indices[best];
        value = _data[best];
        return true;
    }
}

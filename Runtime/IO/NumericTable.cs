using System;
using System.Collections.Generic;

namespace DerivSpec.Runtime.IO;

/// <summary>
/// A dense samples × features table of numbers as read from a file (CSV, MTX): row-major single precision, optional
/// feature (column) and sample (row) names, and the file line of every row so later checks can still point into the
/// file. (<c>DerivSpec.Runtime.Data.DataMatrix</c> is the in-memory training form built from it.)
/// </summary>
public sealed class NumericTable
{
    /// <summary>Wraps row-major values; <paramref name="values"/> must hold rows·columns numbers.</summary>
    public NumericTable(int rows, int columns, float[] values, IReadOnlyList<string>? columnNames = null,
        IReadOnlyList<string>? rowNames = null, string source = "", int[]? sourceLines = null)
    {
        if (rows < 0 || columns < 0) throw new ArgumentOutOfRangeException(nameof(rows), "Dimensions must be non-negative.");
        ArgumentNullException.ThrowIfNull(values);
        if ((long)rows * columns != values.Length)
            throw new ArgumentException($"{values.Length} values cannot fill a {rows} × {columns} matrix.", nameof(values));
        if (columnNames is not null && columnNames.Count != columns)
            throw new ArgumentException($"{columnNames.Count} column names for {columns} columns.", nameof(columnNames));
        if (rowNames is not null && rowNames.Count != rows)
            throw new ArgumentException($"{rowNames.Count} row names for {rows} rows.", nameof(rowNames));
        if (sourceLines is not null && sourceLines.Length != rows)
            throw new ArgumentException($"{sourceLines.Length} line numbers for {rows} rows.", nameof(sourceLines));
        SourceLines = sourceLines;
        Rows = rows;
        Columns = columns;
        Values = values;
        ColumnNames = columnNames;
        RowNames = rowNames;
        Source = source;
    }

    /// <summary>Number of samples N.</summary>
    public int Rows { get; }

    /// <summary>Number of features d.</summary>
    public int Columns { get; }

    /// <summary>Row-major values, length Rows·Columns.</summary>
    public float[] Values { get; }

    /// <summary>Feature names from the header, or null.</summary>
    public IReadOnlyList<string>? ColumnNames { get; }

    /// <summary>Sample names from a leading name column, or null.</summary>
    public IReadOnlyList<string>? RowNames { get; }

    /// <summary>The file the matrix came from ("" if built in memory).</summary>
    public string Source { get; }

    /// <summary>1-based file line of each row (null when not read from a text file).</summary>
    public int[]? SourceLines { get; }

    /// <summary>The file line of a row, or null.</summary>
    public int? LineOf(int row) => SourceLines?[row];

    /// <summary>
    /// Throws a <see cref="DataFormatException"/> at the first cell that is not a non-negative integer (count likelihoods
    /// need counts), naming the file, line, data row and column.
    /// </summary>
    public void RequireCounts()
    {
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < Columns; j++)
            {
                float v = Values[(long)i * Columns + j];
                if (v < 0 || v != MathF.Round(v))
                    throw new DataFormatException(Source,
                        $"{v.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a count; the count likelihood needs non-negative integers.",
                        LineOf(i), i + 1, j + 1 + (RowNames is null ? 0 : 1), ColumnNames?[j]);
            }
    }

    /// <summary>Value at (row, column).</summary>
    public float this[int row, int column] => Values[(long)row * Columns + column];

    /// <summary>Feature name, or "feature_{j+1}" when the file had no header.</summary>
    public string FeatureName(int column) => ColumnNames?[column] ?? $"feature_{column + 1}";

    /// <summary>Throws a <see cref="DataFormatException"/> naming the file unless the matrix has the expected feature count.</summary>
    public void RequireColumns(int expected, string expectedBecause)
    {
        if (Columns != expected)
            throw new DataFormatException(Source, $"has {Columns} features (columns), but {expected} are expected ({expectedBecause}).");
    }

    /// <summary>A new matrix holding only the given rows, in the given order.</summary>
    public NumericTable SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var v = new float[(long)rows.Count * Columns];
        var names = RowNames is null ? null : new string[rows.Count];
        var lines = SourceLines is null ? null : new int[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            int r = rows[i];
            if ((uint)r >= (uint)Rows) throw new ArgumentOutOfRangeException(nameof(rows), $"Row {r} is outside 0..{Rows - 1}.");
            Array.Copy(Values, (long)r * Columns, v, (long)i * Columns, Columns);
            if (names is not null) names[i] = RowNames![r];
            if (lines is not null) lines[i] = SourceLines![r];
        }
        return new NumericTable(rows.Count, Columns, v, ColumnNames, names, Source, lines);
    }

    /// <summary>Builds a matrix from a double[N, d] array.</summary>
    public static NumericTable FromArray(double[,] values, IReadOnlyList<string>? columnNames = null, string source = "")
    {
        ArgumentNullException.ThrowIfNull(values);
        int n = values.GetLength(0), d = values.GetLength(1);
        var v = new float[(long)n * d];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < d; j++)
                v[(long)i * d + j] = (float)values[i, j];
        return new NumericTable(n, d, v, columnNames, null, source);
    }

    /// <summary>Copies the values into a double[N, d] array.</summary>
    public double[,] ToArray()
    {
        var a = new double[Rows, Columns];
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < Columns; j++)
                a[i, j] = Values[(long)i * Columns + j];
        return a;
    }
}

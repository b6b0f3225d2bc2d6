using System;

namespace DerivSpec.Runtime.IO;

/// <summary>
/// A data file could not be read: missing, empty, malformed number, ragged row, non-finite cell, wrong shape.
/// The message names the file and, where there is one, the line, data row and column; the same facts are properties.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with the location.</summary>
    public DataFormatException(string file, string problem, int? line = null, int? row = null, int? column = null,
        string? columnName = null, Exception? inner = null)
        : base(Compose(file, problem, line, row, column, columnName), inner)
    {
        FilePath = file;
        Problem = problem;
        Line = line;
        Row = row;
        Column = column;
        ColumnName = columnName;
    }

    /// <summary>The file as the user named it.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>1-based line of the file, when the problem is on one line.</summary>
    public int? Line { get; }

    /// <summary>1-based data row (sample, or entry for Matrix Market files), header and blank lines not counted.</summary>
    public int? Row { get; }

    /// <summary>1-based column of the file (row-name column included), when the problem is in one cell.</summary>
    public int? Column { get; }

    /// <summary>The column's header name, when the file has a header.</summary>
    public string? ColumnName { get; }

    private static string Compose(string file, string problem, int? line, int? row, int? column, string? columnName)
    {
        var s = file;
        if (line is not null) s += $", line {line}";
        if (row is not null) s += $" (data row {row})";
        if (column is not null) s += $", column {column}";
        if (columnName is not null) s += $" '{columnName}'";
        return s + ": " + problem;
    }
}

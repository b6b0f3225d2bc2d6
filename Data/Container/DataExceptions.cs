using System;
using System.Globalization;
using System.Text;

namespace DerivSpec.Data;

/// <summary>
/// A data file could not be read: missing, empty, malformed number, ragged row, non-finite cell, wrong shape, an HDF5
/// layout that is not AnnData. The message names the file and, where there is one, the line, data row and column (or
/// the HDF5 path); the same facts are properties.
/// </summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception; the message is prefixed with the location.</summary>
    /// <param name="file">The file as the user named it.</param>
    /// <param name="problem">What is wrong, without the location.</param>
    /// <param name="line">1-based line of a text file.</param>
    /// <param name="row">1-based data row (sample, or entry of a Matrix Market file), header and blank lines not counted.</param>
    /// <param name="column">1-based column of the file (a row-name column included).</param>
    /// <param name="columnName">The column's header name, when the file has a header.</param>
    /// <param name="inner">The exception that caused this one.</param>
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
        var s = new StringBuilder(file);
        if (line is not null) s.Append(CultureInfo.InvariantCulture, $", line {line}");
        if (row is not null) s.Append(CultureInfo.InvariantCulture, $" (data row {row})");
        if (column is not null) s.Append(CultureInfo.InvariantCulture, $", column {column}");
        if (columnName is not null) s.Append(CultureInfo.InvariantCulture, $" '{columnName}'");
        return s.Append(": ").Append(problem).ToString();
    }
}

/// <summary>
/// Data that were read (or built in memory) but cannot be used: a value outside the likelihood's support, a wrong
/// number of variables, mismatched names or library sizes. The message names the cell and gene (name and 0-based
/// index) and, for data read from a text file, the file, line and column; the same facts are properties.
/// </summary>
public sealed class DataValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="row">0-based observation (cell) index, when one is known.</param>
    /// <param name="column">0-based variable (gene) index, when one is known.</param>
    public DataValidationException(string message, long? row = null, long? column = null) : base(message)
    {
        Row = row;
        Column = column;
    }

    /// <summary>Creates the exception with the names and file location of the offending cell.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="row">0-based observation (cell) index.</param>
    /// <param name="column">0-based variable (gene) index.</param>
    /// <param name="observationName">The observation's (cell's) name.</param>
    /// <param name="variableName">The variable's (gene's) name.</param>
    /// <param name="filePath">The file the data came from, when known.</param>
    /// <param name="line">1-based line of that file, for text files.</param>
    public DataValidationException(string message, long row, long column, string? observationName, string? variableName,
        string? filePath, int? line) : base(message)
    {
        Row = row;
        Column = column;
        ObservationName = observationName;
        VariableName = variableName;
        FilePath = filePath;
        Line = line;
    }

    /// <summary>Offending observation (row), 0-based, when one is known.</summary>
    public long? Row { get; }

    /// <summary>Offending variable (column), 0-based, when one is known.</summary>
    public long? Column { get; }

    /// <summary>The offending observation's (cell's) name, when one is known.</summary>
    public string? ObservationName { get; }

    /// <summary>The offending variable's (gene's) name, when one is known.</summary>
    public string? VariableName { get; }

    /// <summary>The file the data were read from, when known.</summary>
    public string? FilePath { get; }

    /// <summary>1-based line of <see cref="FilePath"/> (text files), when known.</summary>
    public int? Line { get; }
}

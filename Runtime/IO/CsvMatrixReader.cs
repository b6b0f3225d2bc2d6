using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace DerivSpec.Runtime.IO;

/// <summary>How to read a delimited text matrix; null fields are detected from the file.</summary>
public sealed record CsvReadOptions
{
    /// <summary>Cell delimiter; null: the most frequent of tab, comma and semicolon on the first line.</summary>
    public char? Delimiter { get; init; }

    /// <summary>Whether the first line names the columns; null: yes when none of its cells (after the first) is a number.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>Whether the first column names the rows; null: yes when the first data cell is not a number.</summary>
    public bool? HasRowNames { get; init; }
}

/// <summary>
/// Reads a samples × features matrix from delimited text (CSV, TSV, semicolon-separated; optionally .gz):
/// samples in rows, features in columns, an optional header line and an optional leading row-name column.
/// Blank lines are skipped; cells may be double-quoted. Every problem is a <see cref="DataFormatException"/> naming
/// the file, line, data row and column: malformed number, empty cell, NaN/±inf, ragged row, empty file.
/// </summary>
public static class CsvMatrixReader
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static NumericTable Read(string path, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = TextFiles.Open(path);
        try
        {
            return Read(reader, path, options);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new DataFormatException(path, $"cannot be read: {e.Message}", inner: e);
        }
    }

    /// <summary>Reads from a text reader; <paramref name="name"/> is used in messages.</summary>
    public static NumericTable Read(TextReader reader, string name, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new CsvReadOptions();
        int lineNo = 0;
        string? first = null;
        while ((first = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (!string.IsNullOrWhiteSpace(first)) break;
        }
        if (first is null) throw new DataFormatException(name, "the file is empty (no header and no data rows).");
        if (lineNo == 1 && first.Length > 0 && first[0] == '\uFEFF') first = first.Substring(1);

        char delim = options.Delimiter ?? DetectDelimiter(first);
        var firstCells = Split(first, delim, name, lineNo);

        bool header = options.HasHeader ?? LooksLikeHeader(firstCells);
        List<string>? headerCells = header ? firstCells : null;
        int headerLine = header ? lineNo : 0;

        var values = new FloatBuffer();
        var lines = new List<int>();
        List<string>? rowNames = null;
        bool? rowNamesFlag = options.HasRowNames;
        int width = -1;          // cells per data line
        int firstDataLine = 0;
        int dataRows = 0;
        var cells = new List<string>();

        string? line = header ? null : first;
        int current = header ? 0 : lineNo;
        while (true)
        {
            if (line is null)
            {
                line = reader.ReadLine();
                if (line is null) break;
                lineNo++;
                current = lineNo;
            }
            if (string.IsNullOrWhiteSpace(line)) { line = null; continue; }
            Split(line, delim, name, current, cells);
            if (width < 0)
            {
                width = cells.Count;
                firstDataLine = current;
                rowNamesFlag ??= (!IsNumberLike(cells[0]) && cells.Count > 1) ||
                                 (headerCells is not null && headerCells.Count == cells.Count && cells.Count > 1 && headerCells[0].Length == 0);
                if (rowNamesFlag == true) rowNames = new List<string>();
                if (rowNamesFlag == true && cells.Count < 2)
                    throw new DataFormatException(name, "the row-name column is the only column: there are no features.", current, 1);
                if (headerCells is not null)
                {
                    int dataCols = cells.Count - (rowNamesFlag == true ? 1 : 0);
                    bool ok = headerCells.Count == cells.Count || (rowNamesFlag == true && headerCells.Count == dataCols);
                    if (!ok)
                        throw new DataFormatException(name,
                            $"the header (line {headerLine}) has {headerCells.Count} columns but the first data row has {cells.Count}.",
                            current, 1);
                }
            }
            else if (cells.Count != width)
            {
                throw new DataFormatException(name,
                    $"ragged row: {cells.Count} columns where line {firstDataLine} has {width}.", current, dataRows + 1);
            }
            dataRows++;
            lines.Add(current);
            int start = 0;
            if (rowNamesFlag == true) { rowNames!.Add(cells[0].Trim()); start = 1; }
            for (int c = start; c < cells.Count; c++)
            {
                string? colName = null;
                if (headerCells is not null)
                {
                    int hi = headerCells.Count == cells.Count ? c : c - 1;
                    colName = headerCells[hi].Trim();
                }
                values.Add(ParseCell(cells[c], name, current, dataRows, c + 1, colName));
            }
            line = null;
        }
        if (dataRows == 0)
            throw new DataFormatException(name, header ? "the file has a header but no data rows." : "the file has no data rows.");

        int d = width - (rowNamesFlag == true ? 1 : 0);
        List<string>? columnNames = null;
        if (headerCells is not null)
        {
            columnNames = new List<string>(d);
            int offset = headerCells.Count == width ? width - d : 0;
            for (int c = 0; c < d; c++) columnNames.Add(headerCells[c + offset].Trim());
        }
        return new NumericTable(dataRows, d, values.ToArray(), columnNames, rowNames, name, lines.ToArray());
    }

    internal static float ParseCell(string cell, string file, int line, int row, int column, string? columnName)
    {
        var s = cell.AsSpan().Trim();
        if (s.Length == 0) throw new DataFormatException(file, "empty cell (missing values are not supported).", line, row, column, columnName);
        if (IsNonFiniteToken(s))
            throw new DataFormatException(file, $"'{s.ToString()}' is a missing or non-finite value; every cell must be a finite number.", line, row, column, columnName);
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            throw new DataFormatException(file, $"'{Shorten(s.ToString())}' is not a number.", line, row, column, columnName);
        if (!double.IsFinite(v) || Math.Abs(v) > float.MaxValue)
            throw new DataFormatException(file, $"'{Shorten(s.ToString())}' is not finite in single precision.", line, row, column, columnName);
        return (float)v;
    }

    internal static bool IsNumberLike(string cell)
    {
        var s = cell.AsSpan().Trim();
        return IsNonFiniteToken(s) || double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
    }

    internal static bool IsNonFiniteToken(ReadOnlySpan<char> s)
    {
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-')) s = s.Slice(1);
        foreach (var t in NonFinite)
            if (s.Equals(t, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static readonly string[] NonFinite = { "nan", "na", "inf", "infinity", "∞", "null", "none", "n/a" };

    private static bool LooksLikeHeader(List<string> cells)
    {
        if (cells.Count == 1) return !IsNumberLike(cells[0]);
        for (int c = 1; c < cells.Count; c++)
            if (IsNumberLike(cells[c])) return false;
        return true;
    }

    internal static char DetectDelimiter(string line)
    {
        int tabs = 0, commas = 0, semis = 0;
        bool quoted = false;
        foreach (char ch in line)
        {
            if (ch == '"') quoted = !quoted;
            else if (!quoted)
            {
                if (ch == '\t') tabs++;
                else if (ch == ',') commas++;
                else if (ch == ';') semis++;
            }
        }
        if (tabs >= commas && tabs >= semis && tabs > 0) return '\t';
        if (commas >= semis && commas > 0) return ',';
        if (semis > 0) return ';';
        return ',';
    }

    internal static List<string> Split(string line, char delim, string file, int lineNo, List<string>? into = null)
    {
        var cells = into ?? new List<string>();
        cells.Clear();
        int i = 0, n = line.Length;
        while (true)
        {
            // skip leading spaces before a quote
            int j = i;
            while (j < n && line[j] == ' ') j++;
            if (j < n && line[j] == '"')
            {
                var sb = new System.Text.StringBuilder();
                j++;
                while (true)
                {
                    if (j >= n) throw new DataFormatException(file, "a quoted cell is not closed on this line.", lineNo, null, cells.Count + 1);
                    if (line[j] == '"')
                    {
                        if (j + 1 < n && line[j + 1] == '"') { sb.Append('"'); j += 2; continue; }
                        j++;
                        break;
                    }
                    sb.Append(line[j++]);
                }
                while (j < n && line[j] == ' ') j++;
                if (j < n && line[j] != delim)
                    throw new DataFormatException(file, "text after a closing quote.", lineNo, null, cells.Count + 1);
                cells.Add(sb.ToString());
                if (j >= n) break;
                i = j + 1;
            }
            else
            {
                int k = line.IndexOf(delim, i);
                if (k < 0) { cells.Add(line.Substring(i)); break; }
                cells.Add(line.Substring(i, k - i));
                i = k + 1;
            }
        }
        return cells;
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s.Substring(0, 37) + "...";

    private sealed class FloatBuffer
    {
        private float[] _data = new float[1024];
        private long _count;

        public void Add(float v)
        {
            if (_count == _data.Length)
            {
                long next = Math.Min((long)_data.Length * 2, Array.MaxLength);
                if (next <= _count) throw new InvalidOperationException("The matrix is too large for one array.");
                Array.Resize(ref _data, (int)next);
            }
            _data[_count++] = v;
        }

        public float[] ToArray()
        {
            var r = new float[_count];
            Array.Copy(_data, r, _count);
            return r;
        }
    }
}

/// <summary>Opening text files, transparently decompressing <c>.gz</c>; a missing file is a <see cref="DataFormatException"/>.</summary>
public static class TextFiles
{
    /// <summary>Opens a reader (UTF-8, BOM detected) or throws a <see cref="DataFormatException"/> naming the file.</summary>
    public static TextReader Open(string path)
    {
        if (Directory.Exists(path)) throw new DataFormatException(path, "is a directory, not a file.");
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        try
        {
            Stream s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) s = new GZipStream(s, CompressionMode.Decompress);
            return new StreamReader(s, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot be opened: {e.Message}", inner: e);
        }
    }
}

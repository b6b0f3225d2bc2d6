using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using nietras.SeparatedValues;

namespace DerivSpec.Data;

/// <summary>How to read a delimited text matrix; null fields are detected from the file.</summary>
public sealed record DelimitedReadOptions
{
    /// <summary>Cell delimiter; null: the most frequent of tab, comma and semicolon (outside quotes) on the first line.</summary>
    public char? Delimiter { get; init; }

    /// <summary>Whether the first line names the columns; null: yes when none of its cells (after the first) is a number.</summary>
    public bool? HasHeader { get; init; }

    /// <summary>Whether the first column names the rows; null: yes when the first data cell is not a number (or the header's first cell is empty).</summary>
    public bool? HasRowNames { get; init; }
}

/// <summary>
/// Reads an observations × variables matrix from delimited text (CSV, TSV, semicolon-separated; optionally .gz) with
/// Sep: observations in rows, variables in columns, an optional header of variable names and an optional leading
/// column of observation names. Blank lines are skipped; cells may be double-quoted (a quote inside a quoted cell is
/// doubled). Every problem is a <see cref="DataFormatException"/> naming the file, line, data row and column (and the
/// column's header name): malformed number, empty cell, NaN/±inf, ragged row, header of another width, empty file. The
/// result is dense; its <see cref="AnnData.Source"/> remembers each row's line, so a later
/// <see cref="AnnData.Validate"/> still points into the file.
/// </summary>
public static class DelimitedTextReader
{
    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    public static AnnData Read(string path, DelimitedReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new DelimitedReadOptions();
        try
        {
            char delimiter = options.Delimiter ?? DetectFromFile(path);
            using var reader = TextFiles.Open(path);
            return Read(reader, path, options with { Delimiter = delimiter });
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new DataFormatException(path, $"cannot be read: {e.Message}", inner: e);
        }
    }

    /// <summary>Reads from a text reader; <paramref name="name"/> names the source in messages.</summary>
    public static AnnData Read(TextReader reader, string name, DelimitedReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        options ??= new DelimitedReadOptions();
        if (options.Delimiter is null)
        {
            var text = reader.ReadToEnd();
            if (text.Length > 0 && text[0] == '\uFEFF') text = text.Substring(1);
            var firstLine = FirstNonBlankLine(new StringReader(text));
            return ReadCore(new StringReader(text), name, options, firstLine is null ? ',' : DetectDelimiter(firstLine));
        }
        return ReadCore(reader, name, options, options.Delimiter.Value);
    }

    private static char DetectFromFile(string path)
    {
        using var r = TextFiles.Open(path);
        var line = FirstNonBlankLine(r);
        return line is null ? ',' : DetectDelimiter(line);
    }

    private static string? FirstNonBlankLine(TextReader r)
    {
        string? line;
        while ((line = r.ReadLine()) is not null)
            if (!string.IsNullOrWhiteSpace(line)) return line;
        return null;
    }

    internal static SepReaderOptions SepOptions(char delimiter) => new Sep(delimiter).Reader(o => o with
    {
        HasHeader = false,
        DisableColCountCheck = true,
        Unescape = true,
        Trim = SepTrim.All,
        CultureInfo = CultureInfo.InvariantCulture,
    });

    private static AnnData ReadCore(TextReader text, string name, DelimitedReadOptions options, char delim)
    {
        using var sep = SepOptions(delim).From(text);
        List<string>? headerCells = null;
        int headerLine = 0;
        bool? header = options.HasHeader;
        bool? rowNamesFlag = options.HasRowNames;
        var values = new ChunkedFloats();
        var lines = new List<int>();
        List<string>? rowNames = null;
        int width = -1, firstDataLine = 0, dataRows = 0;
        bool sawAny = false;
        var cells = new List<string>();

        foreach (var row in sep)
        {
            int line = LineOf(row);
            if (row.Span.IndexOfAny('\n', '\r') >= 0)
                throw new DataFormatException(name,
                    "a quoted cell runs over the end of the line: is a closing quote missing? (cells may not hold line breaks)", line);
            if (IsBlank(row)) continue;
            if (!sawAny)
            {
                sawAny = true;
                cells.Clear();
                for (int c = 0; c < row.ColCount; c++) cells.Add(row[c].ToString());
                header ??= LooksLikeHeader(cells);
                if (header == true)
                {
                    headerCells = new List<string>(cells);
                    headerLine = line;
                    continue;
                }
            }
            int count = row.ColCount;
            if (width < 0)
            {
                width = count;
                firstDataLine = line;
                var first = row[0].Span;
                rowNamesFlag ??= (!IsNumberLike(first) && count > 1) ||
                                 (headerCells is not null && headerCells.Count == count && count > 1 && headerCells[0].Length == 0);
                if (rowNamesFlag == true) rowNames = new List<string>();
                if (rowNamesFlag == true && count < 2)
                    throw new DataFormatException(name, "the row-name column is the only column: there are no variables.", line, 1, 1);
                if (headerCells is not null)
                {
                    int dataCols = count - (rowNamesFlag == true ? 1 : 0);
                    bool ok = headerCells.Count == count || (rowNamesFlag == true && headerCells.Count == dataCols);
                    if (!ok)
                        throw new DataFormatException(name,
                            $"the header (line {headerLine}) has {headerCells.Count} columns but the first data row has {count}.", line, 1);
                }
            }
            else if (count != width)
            {
                throw new DataFormatException(name,
                    $"ragged row: {count} columns where line {firstDataLine} has {width}.", line, dataRows + 1);
            }
            dataRows++;
            lines.Add(line);
            int start = 0;
            if (rowNamesFlag == true) { rowNames!.Add(row[0].ToString()); start = 1; }
            for (int c = start; c < count; c++)
            {
                var cell = row[c].Span;
                if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && Math.Abs(v) <= float.MaxValue)
                {
                    values.Add((float)v);
                    continue;
                }
                string? colName = null;
                if (headerCells is not null)
                {
                    int hi = headerCells.Count == count ? c : c - 1;
                    colName = headerCells[hi];
                }
                throw CellError(cell, name, line, dataRows, c + 1, colName);
            }
        }
        if (!sawAny) throw new DataFormatException(name, "the file is empty (no header and no data rows).");
        if (dataRows == 0)
            throw new DataFormatException(name, header == true ? "the file has a header but no data rows." : "the file has no data rows.");

        int d = width - (rowNamesFlag == true ? 1 : 0);
        string[]? columnNames = null;
        if (headerCells is not null)
        {
            columnNames = new string[d];
            int offset = headerCells.Count == width ? width - d : 0;
            for (int c = 0; c < d; c++) columnNames[c] = headerCells[c + offset];
        }
        var x = new DenseMatrix(dataRows, d, values.ToArray());
        return new AnnData(x, rowNames, columnNames, source: new DataSource(name, lines.ToArray(), rowNamesFlag == true ? 2 : 1));
    }

    /// <summary>The row's 1-based first line (Sep 0.17 reports line 2 for the first row when there is no header).</summary>
    internal static int LineOf(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    private static bool IsBlank(SepReader.Row row)
    {
        foreach (char ch in row.Span) if (!char.IsWhiteSpace(ch)) return false;
        return true;
    }

    /// <summary>The error for a cell that is not a finite single-precision number.</summary>
    internal static DataFormatException CellError(ReadOnlySpan<char> cell, string file, int line, int row, int column, string? columnName)
    {
        var s = cell.Trim();
        if (s.Length == 0) return new DataFormatException(file, "empty cell (missing values are not supported).", line, row, column, columnName);
        if (IsNonFiniteToken(s))
            return new DataFormatException(file, $"'{s.ToString()}' is a missing or non-finite value; every cell must be a finite number.", line, row, column, columnName);
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            return new DataFormatException(file, $"'{Shorten(s.ToString())}' is not a number.", line, row, column, columnName);
        return new DataFormatException(file, $"'{Shorten(s.ToString())}' is not finite in single precision.", line, row, column, columnName);
    }

    /// <summary>Parses one cell as a finite float or throws the located error.</summary>
    internal static float ParseCell(ReadOnlySpan<char> cell, string file, int line, int row, int column, string? columnName)
    {
        if (double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && Math.Abs(v) <= float.MaxValue)
            return (float)v;
        throw CellError(cell, file, line, row, column, columnName);
    }

    internal static bool IsNumberLike(ReadOnlySpan<char> cell)
    {
        var s = cell.Trim();
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

    /// <summary>The most frequent of tab, comma and semicolon outside double quotes (comma when none occurs).</summary>
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

    private static string Shorten(string s) => s.Length <= 40 ? s : s.Substring(0, 37) + "...";

    /// <summary>A growing float sequence in 1M-value blocks: no doubling copies while reading, one final copy.</summary>
    private sealed class ChunkedFloats
    {
        private const int BlockSize = 1 << 20;
        private readonly List<float[]> _full = new();
        private float[] _current = new float[4096];
        private int _used;
        private long _count;

        public void Add(float v)
        {
            if (_used == _current.Length)
            {
                if (_current.Length < BlockSize) Array.Resize(ref _current, Math.Min(BlockSize, _current.Length * 4));
                else { _full.Add(_current); _current = new float[BlockSize]; _used = 0; }
            }
            _current[_used++] = v;
            _count++;
        }

        public float[] ToArray()
        {
            if (_count > Array.MaxLength) throw new InvalidOperationException($"The matrix holds {_count} values, more than one array can.");
            var r = new float[_count];
            long at = 0;
            foreach (var b in _full) { Array.Copy(b, 0, r, at, b.Length); at += b.Length; }
            Array.Copy(_current, 0, r, at, _used);
            return r;
        }
    }
}

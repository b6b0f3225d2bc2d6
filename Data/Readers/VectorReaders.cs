using System;
using System.Collections.Generic;
using System.IO;
using nietras.SeparatedValues;

namespace DerivSpec.Data;

/// <summary>
/// Readers for one value per variable or per observation: labels (e.g. the true family per gene) and numeric vectors
/// (e.g. the true pseudotime per cell). Accepted layouts: one value per line (the last cell of each line is the value,
/// so "name,value" files work), or a single line holding all values. A header line is skipped when detected. Problems
/// are <see cref="DataFormatException"/>s naming the file and line.
/// </summary>
public static class VectorReaders
{
    private static readonly HashSet<string> LabelHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "label", "labels", "family", "families", "cluster", "clusters", "class", "truth", "group", "type", "kind",
    };

    /// <summary>Reads labels (any text; compared as strings).</summary>
    public static string[] ReadLabels(string path)
    {
        var lines = ReadCells(path);
        if (lines.Count > 0 && LabelHeaders.Contains(lines[0].Cells[^1])) lines.RemoveAt(0);
        return Flatten(path, lines, (cell, line, row, col) =>
            cell.Length == 0 ? throw new DataFormatException(path, "empty label.", line, row, col) : cell);
    }

    /// <summary>Reads finite numbers (e.g. true pseudotimes). A first line that is not a number is taken as a header.</summary>
    public static double[] ReadNumbers(string path)
    {
        var lines = ReadCells(path);
        if (lines.Count > 0 && !DelimitedTextReader.IsNumberLike(lines[0].Cells[^1])) lines.RemoveAt(0);
        return Flatten(path, lines, (cell, line, row, col) => (double)DelimitedTextReader.ParseCell(cell, path, line, row, col, null));
    }

    private sealed record Line(int Number, string[] Cells);

    private static List<Line> ReadCells(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = new List<Line>();
        try
        {
            char delim;
            using (var probe = TextFiles.Open(path))
            {
                string? first;
                while ((first = probe.ReadLine()) is not null && string.IsNullOrWhiteSpace(first)) { }
                delim = first is null ? ',' : DelimitedTextReader.DetectDelimiter(first);
            }
            using var text = TextFiles.Open(path);
            using var sep = DelimitedTextReader.SepOptions(delim).From(text);
            foreach (var row in sep)
            {
                bool blank = true;
                foreach (char ch in row.Span) if (!char.IsWhiteSpace(ch)) { blank = false; break; }
                if (blank) continue;
                var cells = new string[row.ColCount];
                for (int c = 0; c < cells.Length; c++) cells[c] = row[c].ToString();
                result.Add(new Line(DelimitedTextReader.LineOf(row), cells));
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new DataFormatException(path, $"cannot be read: {e.Message}", inner: e);
        }
        if (result.Count == 0) throw new DataFormatException(path, "the file is empty.");
        return result;
    }

    private static T[] Flatten<T>(string path, List<Line> lines, Func<string, int, int, int, T> parse)
    {
        if (lines.Count == 0) throw new DataFormatException(path, "the file has a header but no values.");
        var result = new List<T>();
        if (lines.Count == 1 && lines[0].Cells.Length > 1)
        {
            var l = lines[0];   // all values on one line
            for (int c = 0; c < l.Cells.Length; c++) result.Add(parse(l.Cells[c], l.Number, c + 1, c + 1));
            return result.ToArray();
        }
        int row = 0;
        foreach (var l in lines)
        {
            row++;
            result.Add(parse(l.Cells[^1], l.Number, row, l.Cells.Length));
        }
        return result.ToArray();
    }
}

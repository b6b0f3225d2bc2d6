using System;
using System.Collections.Generic;
using System.IO;

namespace DerivSpec.Runtime.IO;

/// <summary>
/// Readers for one value per feature or per sample: labels (true family per feature) and numeric vectors (true
/// pseudotime per sample). Accepted layouts: one value per line (the last cell of each line is the value, so
/// "name,value" files work), or a single line holding all values. A header line is skipped when detected.
/// </summary>
public static class VectorReaders
{
    private static readonly HashSet<string> LabelHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "label", "labels", "family", "families", "cluster", "clusters", "class", "truth", "group", "type", "kind",
    };

    /// <summary>Reads labels (any text; compared as strings). Throws <see cref="DataFormatException"/> on empty files or cells.</summary>
    public static string[] ReadLabels(string path)
    {
        var lines = ReadCells(path);
        if (lines.Count > 0)
        {
            var h = lines[0].Cells[^1].Trim();
            if (LabelHeaders.Contains(h)) lines.RemoveAt(0);
        }
        return Flatten(path, lines, (cell, line, row, col) =>
        {
            var t = cell.Trim();
            if (t.Length == 0) throw new DataFormatException(path, "empty label.", line, row, col);
            return t;
        });
    }

    /// <summary>Reads finite numbers (e.g. true pseudotimes). A first line that is not a number is taken as a header.</summary>
    public static double[] ReadNumbers(string path)
    {
        var lines = ReadCells(path);
        if (lines.Count > 0 && !CsvMatrixReader.IsNumberLike(lines[0].Cells[^1])) lines.RemoveAt(0);
        return Flatten(path, lines, (cell, line, row, col) => (double)CsvMatrixReader.ParseCell(cell, path, line, row, col, null));
    }

    private sealed record Line(int Number, List<string> Cells);

    private static List<Line> ReadCells(string path)
    {
        using var reader = TextFiles.Open(path);
        var result = new List<Line>();
        string? text;
        int n = 0;
        char? delim = null;
        try
        {
            while ((text = reader.ReadLine()) is not null)
            {
                n++;
                if (n == 1 && text.Length > 0 && text[0] == '\uFEFF') text = text.Substring(1);
                if (string.IsNullOrWhiteSpace(text)) continue;
                delim ??= CsvMatrixReader.DetectDelimiter(text);
                result.Add(new Line(n, CsvMatrixReader.Split(text, delim.Value, path, n)));
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
        if (lines.Count == 1 && lines[0].Cells.Count > 1)
        {
            // all values on one line
            var l = lines[0];
            for (int c = 0; c < l.Cells.Count; c++) result.Add(parse(l.Cells[c], l.Number, c + 1, c + 1));
            return result.ToArray();
        }
        int row = 0;
        foreach (var l in lines)
        {
            row++;
            result.Add(parse(l.Cells[^1], l.Number, row, l.Cells.Count));
        }
        return result.ToArray();
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace DerivSpec.Runtime.IO;

/// <summary>Writes comma-separated tables with invariant, round-trippable numbers; quotes cells that need it.</summary>
public static class CsvWriter
{
    /// <summary>Writes a header and rows of cells (already formatted) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        WriteLine(w, header);
        int n = header.Count, r = 0;
        foreach (var row in rows)
        {
            r++;
            if (row.Count != n) throw new ArgumentException($"Row {r} has {row.Count} cells; the header has {n}.");
            WriteLine(w, row);
        }
    }

    /// <summary>Writes a matrix with its column names (or feature_1..d) and, when present, a leading row-name column.</summary>
    public static void WriteMatrix(string path, NumericTable m)
    {
        ArgumentNullException.ThrowIfNull(m);
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        var header = new List<string>();
        if (m.RowNames is not null) header.Add("");
        for (int j = 0; j < m.Columns; j++) header.Add(m.FeatureName(j));
        WriteLine(w, header);
        var sb = new StringBuilder();
        for (int i = 0; i < m.Rows; i++)
        {
            sb.Clear();
            if (m.RowNames is not null) { sb.Append(Quote(m.RowNames[i])); sb.Append(','); }
            for (int j = 0; j < m.Columns; j++)
            {
                if (j > 0) sb.Append(',');
                sb.Append(Format(m[i, j]));
            }
            w.WriteLine(sb.ToString());
        }
    }

    /// <summary>Invariant shortest round-trip text of a double.</summary>
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Invariant shortest round-trip text of a float.</summary>
    public static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Quotes a cell if it holds a comma, quote, or line break.</summary>
    public static string Quote(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        if (cell.IndexOfAny(new[] { ',', '"', '\n', '\r' }) < 0 && cell.Trim() == cell) return cell;
        return "\"" + cell.Replace("\"", "\"\"") + "\"";
    }

    private static void WriteLine(TextWriter w, IReadOnlyList<string> cells)
    {
        for (int i = 0; i < cells.Count; i++)
        {
            if (i > 0) w.Write(',');
            w.Write(Quote(cells[i]));
        }
        w.WriteLine();
    }
}

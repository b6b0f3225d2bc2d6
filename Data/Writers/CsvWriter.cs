using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace DerivSpec.Data;

/// <summary>
/// Writes comma-separated tables with invariant, round-trippable numbers, quoting cells that need it; each file is
/// written atomically (<see cref="AtomicFile"/>).
/// </summary>
public static class CsvWriter
{
    /// <summary>Writes a header and rows of cells (already formatted) to <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">A row has another number of cells than the header.</exception>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        AtomicFile.Write(path, temp =>
        {
            using var w = new StreamWriter(temp, false, new UTF8Encoding(false));
            WriteLine(w, header);
            int n = header.Count, r = 0;
            foreach (var row in rows)
            {
                r++;
                if (row.Count != n) throw new ArgumentException($"Row {r} has {row.Count} cells; the header has {n}.");
                WriteLine(w, row);
            }
        });
    }

    /// <summary>
    /// Writes X with its variable names as the header and, when the data have observation names, a leading name
    /// column (an empty corner cell), so <see cref="DelimitedTextReader"/> reads it back. A sparse X is written dense,
    /// row by row.
    /// </summary>
    public static void WriteMatrix(string path, AnnData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        AtomicFile.Write(path, temp =>
        {
            using var w = new StreamWriter(temp, false, new UTF8Encoding(false));
            var header = new List<string>();
            if (data.HasObsNames) header.Add("");
            header.AddRange(data.VarNames);
            WriteLine(w, header);
            var sb = new StringBuilder();
            var row = new float[data.VarCount];
            var one = new int[1];
            for (int i = 0; i < data.ObsCount; i++)
            {
                one[0] = i;
                data.X.GatherRows(one, row);
                sb.Clear();
                if (data.HasObsNames) { sb.Append(Quote(data.ObsNames[i])); sb.Append(','); }
                for (int j = 0; j < row.Length; j++)
                {
                    if (j > 0) sb.Append(',');
                    sb.Append(Format(row[j]));
                }
                w.WriteLine(sb.ToString());
            }
        });
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

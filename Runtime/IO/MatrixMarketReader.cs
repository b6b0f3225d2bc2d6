using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace DerivSpec.Runtime.IO;

/// <summary>
/// Reads Matrix Market coordinate files (<c>%%MatrixMarket matrix coordinate real|integer|pattern general</c>,
/// optionally .gz) into a dense matrix, and 10x Genomics folders (matrix.mtx + barcodes.tsv + features.tsv/genes.tsv).
/// 10x stores genes × cells; <see cref="ReadTenX"/> returns cells in rows, genes in columns.
/// </summary>
public static class MatrixMarketReader
{
    /// <summary>Reads a coordinate file; with <paramref name="transpose"/> the file's columns become rows.</summary>
    public static NumericTable Read(string path, bool transpose = false)
    {
        using var reader = TextFiles.Open(path);
        try
        {
            return Read(reader, path, transpose);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new DataFormatException(path, $"cannot be read: {e.Message}", inner: e);
        }
    }

    /// <summary>Reads from a text reader; <paramref name="name"/> is used in messages.</summary>
    public static NumericTable Read(TextReader reader, string name, bool transpose = false)
    {
        int lineNo = 1;
        var banner = reader.ReadLine();
        if (banner is null) throw new DataFormatException(name, "the file is empty.");
        var b = banner.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (b.Length < 5 || !b[0].Equals("%%MatrixMarket", StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(name, "not a Matrix Market file (the first line must start with '%%MatrixMarket matrix coordinate').", 1);
        if (!b[1].Equals("matrix", StringComparison.OrdinalIgnoreCase) || !b[2].Equals("coordinate", StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(name, $"only 'matrix coordinate' files are supported, not '{b[1]} {b[2]}'.", 1);
        var field = b[3].ToLowerInvariant();
        if (field is not ("real" or "integer" or "pattern" or "double"))
            throw new DataFormatException(name, $"unsupported field type '{b[3]}' (real, integer or pattern).", 1);
        var symmetry = b[4].ToLowerInvariant();
        if (symmetry is not ("general" or "symmetric"))
            throw new DataFormatException(name, $"unsupported symmetry '{b[4]}' (general or symmetric).", 1);
        bool pattern = field == "pattern";

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '%' || string.IsNullOrWhiteSpace(line)) continue;
            break;
        }
        if (line is null) throw new DataFormatException(name, "the size line (rows columns entries) is missing.");
        var size = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (size.Length != 3 || !int.TryParse(size[0], NumberStyles.None, CultureInfo.InvariantCulture, out int fileRows)
            || !int.TryParse(size[1], NumberStyles.None, CultureInfo.InvariantCulture, out int fileCols)
            || !long.TryParse(size[2], NumberStyles.None, CultureInfo.InvariantCulture, out long entries))
            throw new DataFormatException(name, $"the size line must hold three non-negative integers (rows columns entries), not '{line.Trim()}'.", lineNo);
        if ((long)fileRows * fileCols > Array.MaxLength)
            throw new DataFormatException(name, $"a dense {fileRows} × {fileCols} matrix is too large for one array.", lineNo);

        int rows = transpose ? fileCols : fileRows, cols = transpose ? fileRows : fileCols;
        var values = new float[(long)rows * cols];
        long seen = 0;
        var parts = new string[4];
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line) || line[0] == '%') continue;
            seen++;
            int row = seen > int.MaxValue ? int.MaxValue : (int)seen;
            int k = SplitWs(line, parts);
            int expected = pattern ? 2 : 3;
            if (k != expected)
                throw new DataFormatException(name, $"an entry needs {expected} fields (row column{(pattern ? "" : " value")}), found {k}.", lineNo, row);
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i < 1 || i > fileRows)
                throw new DataFormatException(name, $"row index '{parts[0]}' is not an integer in 1..{fileRows}.", lineNo, row, 1);
            if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int j) || j < 1 || j > fileCols)
                throw new DataFormatException(name, $"column index '{parts[1]}' is not an integer in 1..{fileCols}.", lineNo, row, 2);
            float v = pattern ? 1f : CsvMatrixReader.ParseCell(parts[2], name, lineNo, row, 3, null);
            int r = transpose ? j - 1 : i - 1, c = transpose ? i - 1 : j - 1;
            values[(long)r * cols + c] = v;
            if (symmetry == "symmetric" && i != j) values[(long)c * cols + r] = v;
        }
        if (seen != entries)
            throw new DataFormatException(name, $"the size line announces {entries} entries but the file holds {seen}.", lineNo);
        return new NumericTable(rows, cols, values, null, null, name);
    }

    /// <summary>
    /// Reads a 10x folder (or a path to its matrix.mtx[.gz]): cells in rows, genes in columns; gene names from
    /// features.tsv / genes.tsv (second column when present), cell names from barcodes.tsv, when those files exist.
    /// </summary>
    public static NumericTable ReadTenX(string path)
    {
        string dir, mtx;
        if (Directory.Exists(path))
        {
            dir = path;
            mtx = FirstExisting(dir, "matrix.mtx", "matrix.mtx.gz")
                  ?? throw new DataFormatException(path, "no matrix.mtx or matrix.mtx.gz in this folder.");
        }
        else
        {
            mtx = path;
            dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        }
        var m = Read(mtx, transpose: true);
        IReadOnlyList<string>? genes = null, cells = null;
        var featureFile = FirstExisting(dir, "features.tsv", "features.tsv.gz", "genes.tsv", "genes.tsv.gz");
        if (featureFile is not null)
        {
            genes = ReadNames(featureFile, preferColumn: 1);
            if (genes.Count != m.Columns)
                throw new DataFormatException(featureFile, $"lists {genes.Count} features but {mtx} has {m.Columns}.");
        }
        var barcodeFile = FirstExisting(dir, "barcodes.tsv", "barcodes.tsv.gz");
        if (barcodeFile is not null)
        {
            cells = ReadNames(barcodeFile, preferColumn: 0);
            if (cells.Count != m.Rows)
                throw new DataFormatException(barcodeFile, $"lists {cells.Count} barcodes but {mtx} has {m.Rows} cells.");
        }
        return new NumericTable(m.Rows, m.Columns, m.Values, genes, cells, mtx, m.SourceLines);
    }

    private static List<string> ReadNames(string file, int preferColumn)
    {
        using var r = TextFiles.Open(file);
        var names = new List<string>();
        string? line;
        while ((line = r.ReadLine()) is not null)
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            names.Add(f.Length > preferColumn ? f[preferColumn] : f[0]);
        }
        return names;
    }

    private static string? FirstExisting(string dir, params string[] names)
    {
        foreach (var n in names)
        {
            var p = Path.Combine(dir, n);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static int SplitWs(string line, string[] parts)
    {
        int k = 0, i = 0, n = line.Length;
        while (i < n)
        {
            while (i < n && char.IsWhiteSpace(line[i])) i++;
            if (i >= n) break;
            int s = i;
            while (i < n && !char.IsWhiteSpace(line[i])) i++;
            if (k < parts.Length) parts[k] = line.Substring(s, i - s);
            k++;
        }
        return k;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace DerivSpec.Data;

/// <summary>
/// Reads Matrix Market files (<c>%%MatrixMarket matrix coordinate real|integer|pattern general|symmetric</c>, or
/// <c>matrix array real|integer general</c>; optionally .gz) and 10x Genomics folders (matrix.mtx + barcodes.tsv +
/// features.tsv or genes.tsv, each optionally .gz and optionally with a common prefix such as <c>GSM1_</c>). A
/// coordinate file becomes a <see cref="CsrMatrix"/> without passing through a dense matrix. 10x stores genes × cells;
/// <see cref="ReadTenX"/> returns cells in rows, genes in columns. Problems are <see cref="DataFormatException"/>s
/// naming the file, line and entry.
/// </summary>
public static class MatrixMarketReader
{
    /// <summary>Reads a Matrix Market file; with <paramref name="transpose"/> the file's columns become rows.</summary>
    public static AnnData Read(string path, bool transpose = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var reader = TextFiles.Open(path);
        try
        {
            return new AnnData(ReadMatrix(reader, path, transpose), source: new DataSource(path));
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new DataFormatException(path, $"cannot be read: {e.Message}", inner: e);
        }
    }

    /// <summary>Reads the matrix from a text reader; <paramref name="name"/> names the source in messages.</summary>
    public static ExpressionMatrix ReadMatrix(TextReader reader, string name, bool transpose = false)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int lineNo = 1;
        var banner = reader.ReadLine();
        if (banner is null) throw new DataFormatException(name, "the file is empty.");
        var b = banner.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (b.Length < 5 || !b[0].Equals("%%MatrixMarket", StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(name, "not a Matrix Market file (the first line must start with '%%MatrixMarket matrix coordinate').", 1);
        if (!b[1].Equals("matrix", StringComparison.OrdinalIgnoreCase))
            throw new DataFormatException(name, $"only matrices are supported, not '{b[1]}'.", 1);
        var format = b[2].ToLowerInvariant();
        if (format is not ("coordinate" or "array"))
            throw new DataFormatException(name, $"unsupported format '{b[2]}' (coordinate or array).", 1);
        var field = b[3].ToLowerInvariant();
        if (field is not ("real" or "integer" or "pattern" or "double"))
            throw new DataFormatException(name, $"unsupported field type '{b[3]}' (real, integer or pattern).", 1);
        var symmetry = b[4].ToLowerInvariant();
        if (symmetry is not ("general" or "symmetric"))
            throw new DataFormatException(name, $"unsupported symmetry '{b[4]}' (general or symmetric).", 1);
        bool pattern = field == "pattern";
        if (format == "array" && (pattern || symmetry != "general"))
            throw new DataFormatException(name, "an 'array' file must be 'real' or 'integer' and 'general'.", 1);

        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            if (line.Length == 0 || line[0] == '%' || string.IsNullOrWhiteSpace(line)) continue;
            break;
        }
        if (line is null) throw new DataFormatException(name, "the size line is missing.");
        var size = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        int expectedSize = format == "coordinate" ? 3 : 2;
        long entries = 0;
        if (size.Length != expectedSize || !int.TryParse(size[0], NumberStyles.None, CultureInfo.InvariantCulture, out int fileRows)
            || !int.TryParse(size[1], NumberStyles.None, CultureInfo.InvariantCulture, out int fileCols)
            || (expectedSize == 3 && !long.TryParse(size[2], NumberStyles.None, CultureInfo.InvariantCulture, out entries)))
            throw new DataFormatException(name, format == "coordinate"
                ? $"the size line must hold three non-negative integers (rows columns entries), not '{line.Trim()}'."
                : $"the size line must hold two non-negative integers (rows columns), not '{line.Trim()}'.", lineNo);
        if (format == "array") return ReadArray(reader, name, fileRows, fileCols, transpose, lineNo);

        long capacity = symmetry == "symmetric" ? 2 * entries : entries;
        if (capacity > Array.MaxLength)
            throw new DataFormatException(name, $"{entries} entries are more than one array can hold.", lineNo);
        var ri = new int[capacity];
        var ci = new int[capacity];
        var vals = new float[capacity];
        long seen = 0, stored = 0;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var span = line.AsSpan();
            if (span.IsWhiteSpace() || span[0] == '%') continue;
            seen++;
            int entry = seen > int.MaxValue ? int.MaxValue : (int)seen;
            if (seen > entries)
                throw new DataFormatException(name, $"the size line announces {entries} entries but the file holds more.", lineNo, entry);
            int expected = pattern ? 2 : 3;
            var t0 = NextToken(ref span);
            var t1 = NextToken(ref span);
            var t2 = NextToken(ref span);
            int k = (t0.IsEmpty ? 0 : 1) + (t1.IsEmpty ? 0 : 1) + (t2.IsEmpty ? 0 : 1) + (NextToken(ref span).IsEmpty ? 0 : 1);
            if (k != expected)
                throw new DataFormatException(name, $"an entry needs {expected} fields (row column{(pattern ? "" : " value")}), found {k}.", lineNo, entry);
            if (!int.TryParse(t0, NumberStyles.None, CultureInfo.InvariantCulture, out int i) || i < 1 || i > fileRows)
                throw new DataFormatException(name, $"row index '{t0.ToString()}' is not an integer in 1..{fileRows}.", lineNo, entry, 1);
            if (!int.TryParse(t1, NumberStyles.None, CultureInfo.InvariantCulture, out int j) || j < 1 || j > fileCols)
                throw new DataFormatException(name, $"column index '{t1.ToString()}' is not an integer in 1..{fileCols}.", lineNo, entry, 2);
            float v = pattern ? 1f : DelimitedTextReader.ParseCell(t2, name, lineNo, entry, 3, null);
            ri[stored] = i - 1; ci[stored] = j - 1; vals[stored] = v; stored++;
            if (symmetry == "symmetric" && i != j) { ri[stored] = j - 1; ci[stored] = i - 1; vals[stored] = v; stored++; }
        }
        if (seen != entries)
            throw new DataFormatException(name, $"the size line announces {entries} entries but the file holds {seen}.", lineNo);
        int rows = transpose ? fileCols : fileRows, cols = transpose ? fileRows : fileCols;
        return transpose
            ? BuildCsr(rows, cols, ci, ri, vals, stored)
            : BuildCsr(rows, cols, ri, ci, vals, stored);
    }

    private static ExpressionMatrix ReadArray(TextReader reader, string name, int fileRows, int fileCols, bool transpose, int lineNo)
    {
        long total = (long)fileRows * fileCols;
        if (total > Array.MaxLength) throw new DataFormatException(name, $"a dense {fileRows} × {fileCols} matrix is too large for one array.", lineNo);
        int rows = transpose ? fileCols : fileRows, cols = transpose ? fileRows : fileCols;
        var values = new float[total];
        long seen = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNo++;
            var span = line.AsSpan();
            if (span.IsWhiteSpace() || span[0] == '%') continue;
            if (seen >= total) throw new DataFormatException(name, $"more than the {total} values a {fileRows} × {fileCols} array holds.", lineNo);
            int entry = seen >= int.MaxValue ? int.MaxValue : (int)seen + 1;
            float v = DelimitedTextReader.ParseCell(span.Trim(), name, lineNo, entry, 1, null);
            long i = seen % fileRows, j = seen / fileRows;   // column-major on disk
            long r = transpose ? j : i, c = transpose ? i : j;
            values[r * cols + c] = v;
            seen++;
        }
        if (seen != total) throw new DataFormatException(name, $"a {fileRows} × {fileCols} array needs {total} values but the file holds {seen}.", lineNo);
        return new DenseMatrix(rows, cols, values);
    }

    private static ReadOnlySpan<char> NextToken(ref ReadOnlySpan<char> s)
    {
        int i = 0;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        int start = i;
        while (i < s.Length && !char.IsWhiteSpace(s[i])) i++;
        var t = s.Slice(start, i - start);
        s = s.Slice(i);
        return t;
    }

    /// <summary>Triplets to CSR by a counting sort on the row; within a row the columns are sorted.</summary>
    internal static CsrMatrix BuildCsr(int rows, int cols, int[] r, int[] c, float[] v, long count)
    {
        var indptr = new long[rows + 1];
        for (long k = 0; k < count; k++) indptr[r[k] + 1]++;
        for (int i = 0; i < rows; i++) indptr[i + 1] += indptr[i];
        var next = new long[rows];
        Array.Copy(indptr, next, rows);
        var data = new float[count];
        var idx = new int[count];
        for (long k = 0; k < count; k++)
        {
            long at = next[r[k]]++;
            data[at] = v[k];
            idx[at] = c[k];
        }
        for (int i = 0; i < rows; i++)
        {
            int s = (int)indptr[i], n = (int)(indptr[i + 1] - indptr[i]);
            if (n > 1) Array.Sort(idx, data, s, n);
        }
        return new CsrMatrix(rows, cols, data, idx, indptr);
    }

    /// <summary>
    /// Reads a 10x folder (or a path to its matrix.mtx[.gz]): cells in rows, genes in columns. Gene names come from
    /// features.tsv / genes.tsv (its second column, the symbol, when present; the first column, the gene id, is kept as
    /// var column <c>gene_ids</c> and a third column as <c>feature_types</c>), cell names from barcodes.tsv, when those
    /// files exist.
    /// </summary>
    public static AnnData ReadTenX(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string dir, mtx;
        if (Directory.Exists(path))
        {
            dir = path;
            mtx = Find(dir, "matrix.mtx", "matrix.mtx.gz")
                  ?? throw new DataFormatException(path, "no matrix.mtx or matrix.mtx.gz in this folder.");
        }
        else
        {
            mtx = path;
            dir = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        }
        ExpressionMatrix m;
        using (var reader = TextFiles.Open(mtx))
        {
            try { m = ReadMatrix(reader, mtx, transpose: true); }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new DataFormatException(mtx, $"cannot be read: {e.Message}", inner: e);
            }
        }
        string[]? genes = null, ids = null, types = null, cells = null;
        var featureFile = Find(dir, "features.tsv", "features.tsv.gz", "genes.tsv", "genes.tsv.gz");
        if (featureFile is not null)
        {
            var rows = ReadTsv(featureFile);
            if (rows.Count != m.Columns)
                throw new DataFormatException(featureFile, $"lists {rows.Count} features but {mtx} has {m.Columns}.");
            genes = rows.Select(f => f.Length > 1 ? f[1] : f[0]).ToArray();
            if (rows.All(f => f.Length > 1)) ids = rows.Select(f => f[0]).ToArray();
            if (rows.All(f => f.Length > 2)) types = rows.Select(f => f[2]).ToArray();
        }
        var barcodeFile = Find(dir, "barcodes.tsv", "barcodes.tsv.gz");
        if (barcodeFile is not null)
        {
            cells = ReadTsv(barcodeFile).Select(f => f[0]).ToArray();
            if (cells.Length != m.Rows)
                throw new DataFormatException(barcodeFile, $"lists {cells.Length} barcodes but {mtx} has {m.Rows} cells.");
        }
        var a = new AnnData(m, cells, genes, source: new DataSource(Directory.Exists(path) ? path : mtx));
        if (ids is not null) a.Var.Set("gene_ids", ids);
        if (types is not null) a.Var.Set("feature_types", CategoricalColumn.FromValues(types));
        return a;
    }

    /// <summary>Whether a .mtx file sits in a 10x folder (a barcodes or features/genes file beside it).</summary>
    internal static bool IsTenXFile(string mtxPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(mtxPath)) ?? ".";
        return Find(dir, "barcodes.tsv", "barcodes.tsv.gz", "features.tsv", "features.tsv.gz", "genes.tsv", "genes.tsv.gz") is not null;
    }

    private static List<string[]> ReadTsv(string file)
    {
        using var r = TextFiles.Open(file);
        var rows = new List<string[]>();
        string? line;
        int n = 0;
        try
        {
            while ((line = r.ReadLine()) is not null)
            {
                n++;
                if (line.Length == 0) continue;
                var f = line.Split('\t');
                if (f[0].Length == 0) throw new DataFormatException(file, "the first field is empty.", n);
                rows.Add(f);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new DataFormatException(file, $"cannot be read: {e.Message}", inner: e);
        }
        return rows;
    }

    /// <summary>The file in <paramref name="dir"/> named one of <paramref name="names"/>, or ending in one after a prefix (GSM1_matrix.mtx.gz) when exactly one such file exists.</summary>
    private static string? Find(string dir, params string[] names)
    {
        foreach (var n in names)
        {
            var p = Path.Combine(dir, n);
            if (File.Exists(p)) return p;
        }
        foreach (var n in names)
        {
            var hits = Directory.EnumerateFiles(dir).Where(f => Path.GetFileName(f).EndsWith(n, StringComparison.Ordinal)).Take(2).ToList();
            if (hits.Count == 1) return hits[0];
        }
        return null;
    }
}

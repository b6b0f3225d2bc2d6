using System;
using System.IO;

namespace DerivSpec.Data;

/// <summary>Options for <see cref="AnnDataReader.Read"/>; each format uses its part.</summary>
public sealed record AnnDataReadOptions
{
    /// <summary>Delimited text: delimiter, header and row-name detection.</summary>
    public DelimitedReadOptions Text { get; init; } = new();

    /// <summary>.h5ad: layer, what else to load.</summary>
    public H5adReadOptions H5ad { get; init; } = new();

    /// <summary>
    /// A bare .mtx file: true reads its columns as observations (the 10x convention, genes × cells on disk), false its
    /// rows; null: transpose when 10x files (barcodes.tsv, features.tsv or genes.tsv) sit beside it.
    /// </summary>
    public bool? TransposeMatrixMarket { get; init; }
}

/// <summary>
/// Reads a data set into an <see cref="AnnData"/>, choosing the reader from the path: a folder is a 10x folder
/// (<see cref="MatrixMarketReader.ReadTenX"/>); <c>.h5ad</c> is AnnData HDF5 (<see cref="H5adReader"/>); <c>.mtx</c>
/// and <c>.mtx.gz</c> are Matrix Market (<see cref="MatrixMarketReader"/>; a 10x matrix with its barcodes and features
/// when they sit beside it); anything else (<c>.csv</c>, <c>.tsv</c>, <c>.txt</c>, optionally <c>.gz</c>) is delimited
/// text (<see cref="DelimitedTextReader"/>). Every problem is a <see cref="DataFormatException"/> naming the file and
/// where in it.
/// </summary>
public static class AnnDataReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    public static AnnData Read(string path, AnnDataReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new AnnDataReadOptions();
        if (Directory.Exists(path)) return MatrixMarketReader.ReadTenX(path);
        var lower = path.ToLowerInvariant();
        if (lower.EndsWith(".h5ad", StringComparison.Ordinal)) return H5adReader.Read(path, options.H5ad);
        if (lower.EndsWith(".h5", StringComparison.Ordinal) || lower.EndsWith(".loom", StringComparison.Ordinal) || lower.EndsWith(".zarr", StringComparison.Ordinal))
            throw new DataFormatException(path, "10x .h5, loom and zarr files are not read; convert to .h5ad (scanpy: sc.read_10x_h5(path).write_h5ad(...)) or to a 10x MTX folder.");
        if (lower.EndsWith(".mtx", StringComparison.Ordinal) || lower.EndsWith(".mtx.gz", StringComparison.Ordinal))
        {
            bool tenX = MatrixMarketReader.IsTenXFile(path);
            bool transpose = options.TransposeMatrixMarket ?? tenX;
            if (tenX && transpose) return MatrixMarketReader.ReadTenX(path);
            return MatrixMarketReader.Read(path, transpose);
        }
        return DelimitedTextReader.Read(path, options.Text);
    }

    /// <summary>Whether <paramref name="path"/> names a format <see cref="Read"/> accepts (an existing folder, or a known extension).</summary>
    public static bool IsSupported(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) return true;
        var lower = path.ToLowerInvariant();
        if (lower.EndsWith(".gz", StringComparison.Ordinal)) lower = lower[..^3];
        return lower.EndsWith(".h5ad", StringComparison.Ordinal) || lower.EndsWith(".mtx", StringComparison.Ordinal)
            || lower.EndsWith(".csv", StringComparison.Ordinal) || lower.EndsWith(".tsv", StringComparison.Ordinal)
            || lower.EndsWith(".txt", StringComparison.Ordinal);
    }
}

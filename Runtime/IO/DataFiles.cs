using System;
using System.IO;

namespace DerivSpec.Runtime.IO;

/// <summary>Loads a samples × features matrix from any supported format, chosen by the path.</summary>
public static class DataFiles
{
    /// <summary>
    /// A folder or a <c>.mtx[.gz]</c> file: 10x Matrix Market (genes × cells on disk, returned cells × genes);
    /// <c>.h5ad</c>: refused with a hint; anything else: delimited text (<see cref="CsvMatrixReader"/>).
    /// </summary>
    public static NumericTable Load(string path, CsvReadOptions? csv = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) return MatrixMarketReader.ReadTenX(path);
        var lower = path.ToLowerInvariant();
        if (lower.EndsWith(".mtx") || lower.EndsWith(".mtx.gz")) return MatrixMarketReader.ReadTenX(path);
        if (lower.EndsWith(".h5ad") || lower.EndsWith(".h5"))
            throw new DataFormatException(path, "HDF5/h5ad is not supported; export the counts as CSV or 10x MTX (e.g. scanpy: adata.to_df().to_csv(...)).");
        return CsvMatrixReader.Read(path, csv);
    }
}

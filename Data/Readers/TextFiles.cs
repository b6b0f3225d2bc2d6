using System;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace DerivSpec.Data;

/// <summary>Opening text files, transparently decompressing <c>.gz</c>; a missing file is a <see cref="DataFormatException"/>.</summary>
public static class TextFiles
{
    /// <summary>Opens a reader (UTF-8, BOM detected) or throws a <see cref="DataFormatException"/> naming the file.</summary>
    public static TextReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return new StreamReader(OpenStream(path), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16);
    }

    /// <summary>Opens the file's bytes (decompressed when it ends in .gz) or throws a <see cref="DataFormatException"/>.</summary>
    public static Stream OpenStream(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new DataFormatException(path, "is a directory, not a file.");
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found.");
        try
        {
            Stream s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) s = new GZipStream(s, CompressionMode.Decompress);
            return s;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFormatException(path, $"cannot be opened: {e.Message}", inner: e);
        }
    }
}

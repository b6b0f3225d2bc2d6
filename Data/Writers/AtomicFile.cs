using System;
using System.IO;

namespace DerivSpec.Data;

/// <summary>
/// Writes a file all-or-nothing: the content goes to a hidden temporary file in the same folder, which replaces the
/// destination by one rename when complete; on failure the temporary file is deleted and the destination is untouched.
/// </summary>
public static class AtomicFile
{
    /// <summary>Calls <paramref name="write"/> with a temporary path, then moves it onto <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{path}: is a folder, not a file.");
        var dir = Path.GetDirectoryName(full) ?? throw new IOException($"{path}: has no folder.");
        Directory.CreateDirectory(dir);
        var temp = Path.Combine(dir, "." + Path.GetFileName(full) + ".partial-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            write(temp);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}

using System;
using System.IO;

namespace DerivSpec.Data;

/// <summary>
/// All-or-nothing output: files are written into a hidden staging folder next to the destination and moved into it by
/// <see cref="Commit"/> (one rename when the destination does not exist yet, else one rename per file). Disposing
/// without committing deletes the staging folder, so a failed run leaves the destination as it was.
/// </summary>
public sealed class OutputDirectory : IDisposable
{
    private bool _committed;
    private bool _disposed;

    private OutputDirectory(string destination, string staging)
    {
        Destination = destination;
        Staging = staging;
    }

    /// <summary>The folder the files end up in.</summary>
    public string Destination { get; }

    /// <summary>The hidden folder files are written to until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>
    /// Prepares output to <paramref name="destination"/>: checks it is not a file and that its parent is writable (by
    /// creating the staging folder there), so a bad --out fails before any work.
    /// </summary>
    public static OutputDirectory Begin(string destination)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        var full = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        if (File.Exists(full)) throw new IOException($"{destination}: the output path is an existing file, not a folder.");
        var parent = Path.GetDirectoryName(full) ?? throw new IOException($"{destination}: cannot write to a file-system root.");
        var staging = Path.Combine(parent, "." + Path.GetFileName(full) + ".partial-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Directory.CreateDirectory(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{destination}: cannot create output next to it ({e.Message}).", e);
        }
        return new OutputDirectory(full, staging);
    }

    /// <summary>The staging path for a file (relative path inside the destination); creates its sub-folders.</summary>
    public string PathFor(string relative)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) throw new InvalidOperationException("The output has been committed already.");
        if (Path.IsPathRooted(relative) || relative.Contains(".."))
            throw new ArgumentException($"'{relative}' must be a plain relative path inside the output folder.", nameof(relative));
        var p = Path.Combine(Staging, relative);
        var dir = Path.GetDirectoryName(p);
        if (dir is not null) Directory.CreateDirectory(dir);
        return p;
    }

    /// <summary>Moves every staged file into the destination (overwriting files of the same name) and removes the staging folder.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) return;
        if (!Directory.Exists(Destination))
        {
            Directory.Move(Staging, Destination);
        }
        else
        {
            foreach (var file in Directory.EnumerateFiles(Staging, "*", SearchOption.AllDirectories))
            {
                var rel = Path.GetRelativePath(Staging, file);
                var target = Path.Combine(Destination, rel);
                var dir = Path.GetDirectoryName(target);
                if (dir is not null) Directory.CreateDirectory(dir);
                File.Move(file, target, overwrite: true);
            }
            Directory.Delete(Staging, recursive: true);
        }
        _committed = true;
    }

    /// <summary>Deletes the staging folder unless committed.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_committed)
        {
            try { if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}

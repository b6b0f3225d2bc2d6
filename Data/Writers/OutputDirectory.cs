using System;
using System.IO;

namespace DerivSpec.Data;

/// <summary>
/// All-or-nothing output: files are written into a hidden staging folder next to the destination and moved into it by
/// <see cref="Commit"/> (one rename when the destination does not exist yet, else one rename per file). Disposing
/// without committing deletes the staging folder, so a failed run leaves the destination as it was. A run that is
/// killed cannot delete its staging folder; the next <see cref="Begin"/> for the same destination does: each staging
/// folder holds a lock file that its run keeps open and locked, and a staging folder whose lock nobody holds is left
/// over from a run that ended.
/// </summary>
public sealed class OutputDirectory : IDisposable
{
    private const string LockFileName = ".derivspec-lock";
    private const string StagingMarker = ".partial-";
    private FileStream? _lock;
    private bool _committed;
    private bool _disposed;

    private OutputDirectory(string destination, string staging, FileStream lockFile)
    {
        Destination = destination;
        Staging = staging;
        _lock = lockFile;
    }

    /// <summary>The folder the files end up in.</summary>
    public string Destination { get; }

    /// <summary>The hidden folder files are written to until <see cref="Commit"/>.</summary>
    public string Staging { get; }

    /// <summary>
    /// Prepares output to <paramref name="destination"/>: checks it is not a file and that its parent is writable (by
    /// creating the staging folder there), so a bad --out fails before any work. Staging folders of the same
    /// destination left by runs that were killed are deleted first (<see cref="RemoveAbandoned"/>).
    /// </summary>
    public static OutputDirectory Begin(string destination)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        var full = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        if (File.Exists(full)) throw new IOException($"{destination}: the output path is an existing file, not a folder.");
        var parent = Path.GetDirectoryName(full) ?? throw new IOException($"{destination}: cannot write to a file-system root.");
        RemoveAbandoned(full);
        var staging = Path.Combine(parent, StagingPrefix(full) + Guid.NewGuid().ToString("N")[..8]);
        FileStream? lockFile = null;
        try
        {
            Directory.CreateDirectory(staging);
            // FileShare.None takes an exclusive lock (flock on Unix) that the operating system drops when the process
            // ends, however it ends: that is how a later run tells an abandoned staging folder from a live one.
            lockFile = new FileStream(Path.Combine(staging, LockFileName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lockFile?.Dispose();
            try { if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true); }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException) { }
            throw new IOException($"{destination}: cannot create output next to it ({e.Message}).", e);
        }
        return new OutputDirectory(full, staging, lockFile);
    }

    /// <summary>
    /// Deletes the staging folders of <paramref name="destination"/> that no running process owns: those whose lock
    /// file can be locked (its run ended without committing or cleaning up, e.g. killed) and those without a lock file
    /// that are older than a minute. Folders it cannot delete are left alone. Returns how many were deleted.
    /// </summary>
    public static int RemoveAbandoned(string destination)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        var full = Path.GetFullPath(destination).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent)) return 0;
        int removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(parent, StagingPrefix(full) + "*"))
        {
            try
            {
                if (!IsAbandoned(dir)) continue;
                Directory.Delete(dir, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static string StagingPrefix(string fullDestination) => "." + Path.GetFileName(fullDestination) + StagingMarker;

    private static bool IsAbandoned(string staging)
    {
        var lockPath = Path.Combine(staging, LockFileName);
        if (!File.Exists(lockPath))
            return DateTime.UtcNow - Directory.GetLastWriteTimeUtc(staging) > TimeSpan.FromMinutes(1);
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (IOException)
        {
            return false; // locked: its run is still going
        }
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
        ReleaseLock();
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
        if (_lock is not null) ReleaseLock();
        if (!_committed)
        {
            try { if (Directory.Exists(Staging)) Directory.Delete(Staging, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private void ReleaseLock()
    {
        // Remove the lock file while still holding it (allowed on Unix), so no other run ever sees this folder with
        // an unheld lock; where deleting an open file is refused, close first.
        var path = Path.Combine(Staging, LockFileName);
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        _lock?.Dispose();
        _lock = null;
        if (File.Exists(path)) File.Delete(path);
    }
}

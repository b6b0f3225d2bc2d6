using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DerivSpec.Data;
using Xunit;

namespace DerivSpec.Data.Tests;

/// <summary>Staging folders left behind by runs that ended without cleaning up are removed by the next run; live
/// ones are not.</summary>
public sealed class OutputDirectoryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "dspec-out-" + Guid.NewGuid().ToString("N"));

    public OutputDirectoryTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string[] Staging() => Directory.EnumerateDirectories(_dir, ".out.partial-*").Select(Path.GetFileName).OrderBy(n => n).ToArray()!;

    [Fact]
    public void ALiveStagingFolderIsKeptAndAnEndedOneIsRemoved()
    {
        var dest = Path.Combine(_dir, "out");
        using var live = OutputDirectory.Begin(dest);
        File.WriteAllText(live.PathFor("a.csv"), "1");

        // A run that ended without cleaning up: its lock file is there but nobody holds it.
        var ended = Path.Combine(_dir, ".out.partial-deadbeef");
        Directory.CreateDirectory(ended);
        File.WriteAllText(Path.Combine(ended, ".derivspec-lock"), "");
        File.WriteAllText(Path.Combine(ended, "results.h5ad"), "half");
        // Another destination's staging folder is not ours to touch.
        var other = Path.Combine(_dir, ".other.partial-deadbeef");
        Directory.CreateDirectory(other);

        using (var next = OutputDirectory.Begin(dest))
        {
            Assert.False(Directory.Exists(ended));
            Assert.True(Directory.Exists(live.Staging));
            Assert.True(File.Exists(Path.Combine(live.Staging, "a.csv")));
            Assert.True(Directory.Exists(other));
        }
        live.Commit();
        Assert.Equal("1", File.ReadAllText(Path.Combine(dest, "a.csv")));
        Assert.False(File.Exists(Path.Combine(dest, ".derivspec-lock")));
        Assert.Empty(Staging());
    }

    [Fact]
    public void AStagingFolderWithoutALockIsRemovedOnlyWhenOld()
    {
        var dest = Path.Combine(_dir, "out");
        var fresh = Path.Combine(_dir, ".out.partial-00000001");
        var old = Path.Combine(_dir, ".out.partial-00000002");
        Directory.CreateDirectory(fresh);
        Directory.CreateDirectory(old);
        Directory.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));
        Assert.Equal(1, OutputDirectory.RemoveAbandoned(dest));
        Assert.True(Directory.Exists(fresh));
        Assert.False(Directory.Exists(old));
    }

    [Fact]
    public void AFolderLockedByAnotherProcessIsKeptUntilThatProcessIsKilled()
    {
        var dest = Path.Combine(_dir, "out");
        var staging = Path.Combine(_dir, ".out.partial-0000abcd");
        Directory.CreateDirectory(staging);
        var lockFile = Path.Combine(staging, ".derivspec-lock");
        File.WriteAllText(lockFile, "");
        using var holder = Process.Start(new ProcessStartInfo("/usr/bin/flock", new[] { "--exclusive", "--close", lockFile, "sleep", "60" })
        {
            UseShellExecute = false,
        })!;
        try
        {
            // Wait until flock(1) holds the lock: a probe open then fails.
            var until = DateTime.UtcNow.AddSeconds(20);
            while (!Locked(lockFile) && DateTime.UtcNow < until) System.Threading.Thread.Sleep(20);
            Assert.True(Locked(lockFile), "flock(1) did not take the lock");
            Assert.Equal(0, OutputDirectory.RemoveAbandoned(dest));
            Assert.True(Directory.Exists(staging));
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        // The kernel drops the lock when the last holder is gone; give it a moment on a busy machine.
        var free = DateTime.UtcNow.AddSeconds(20);
        while (Locked(lockFile) && DateTime.UtcNow < free) System.Threading.Thread.Sleep(20);
        Assert.Equal(1, OutputDirectory.RemoveAbandoned(dest));
        Assert.False(Directory.Exists(staging));
    }

    private static bool Locked(string path)
    {
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}

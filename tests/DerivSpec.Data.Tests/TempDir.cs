using System;
using System.IO;
using System.IO.Compression;

namespace DerivSpec.Data.Tests;

/// <summary>A fresh temporary folder per test class instance, deleted afterwards.</summary>
public abstract class TempDirTests : IDisposable
{
    protected readonly string Dir = Path.Combine(Path.GetTempPath(), "dspec-data-" + Guid.NewGuid().ToString("N"));

    protected TempDirTests() => Directory.CreateDirectory(Dir);

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected string PathOf(string name) => Path.Combine(Dir, name);

    protected string Write(string name, string text)
    {
        var p = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
        return p;
    }

    protected string WriteGz(string name, string text)
    {
        var p = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        using var f = File.Create(p);
        using var gz = new GZipStream(f, CompressionLevel.Fastest);
        using var w = new StreamWriter(gz);
        w.Write(text);
        return p;
    }
}

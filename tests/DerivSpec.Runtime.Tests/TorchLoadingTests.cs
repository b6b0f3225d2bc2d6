using System;
using System.IO;
using System.Linq;
using DerivSpec.Runtime.Native;
using DerivSpec.Tests.Shared;
using TorchSharp;
using Xunit;

namespace DerivSpec.Runtime.Tests;

public class TorchLoadingTests
{
    [Fact]
    public void NativeLibraryLoadsAndComputes()
    {
        TorchLoader.EnsureLoaded();
        using var a = torch.tensor(new double[] { 1, 2, 3 });
        using var s = a.sum();
        Assert.Equal(6.0, s.item<double>());
    }

    /// <summary>
    /// build/TorchSharpNative.targets marks libLibTorchSharp.so's GLIBCXX_3.4.32 version need weak in the build output
    /// (Debian 12's libstdc++ lacks that version) and leaves the NuGet cache's copy as it is: the shipped library has the
    /// need as a strong one, the output copy as a weak one.
    /// </summary>
    [LinuxX64Fact]
    public void TheBuildMarksGlibcxx3432WeakInTheOutputCopyAndNotInTheCache()
    {
        var lib = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault();
        Assert.True(lib is not null, "no libLibTorchSharp.so under " + AppContext.BaseDirectory);
        var output = ElfVersionNeeds.Read(lib!).Where(x => x.Version == "GLIBCXX_3.4.32").ToList();

        var v = typeof(torch).Assembly.GetName().Version!;
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string shipped = Path.Combine(packages, "torchsharp", $"{v.Major}.{v.Minor}.{v.Build}", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(shipped), "the restored TorchSharp native library is not at " + shipped);
        var cache = ElfVersionNeeds.Read(shipped).Where(x => x.Version == "GLIBCXX_3.4.32").ToList();

        // If a TorchSharp update drops the need, the patch has nothing left to do: this says so instead of passing.
        Assert.True(cache.Count > 0, "the shipped libLibTorchSharp.so no longer needs GLIBCXX_3.4.32; build/TorchSharpNative.targets can go");
        Assert.All(cache, x => Assert.False(x.Weak, "the NuGet cache's copy was modified"));
        Assert.Equal(cache.Count, output.Count);
        Assert.All(output, x => Assert.True(x.Weak, "the output copy still needs GLIBCXX_3.4.32 strongly"));
    }
}

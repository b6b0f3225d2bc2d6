using System.IO;
using System.Linq;
using DerivSpec.Runtime.Native;
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

    [Fact]
    public void BuildMarkedGlibcxx3432WeakInOutputCopy()
    {
        var lib = Directory.EnumerateFiles(System.AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).FirstOrDefault();
        if (lib is null) return; // not a linux-x64 output
        var needs = ElfVersionNeeds.Read(lib);
        var n = needs.Where(x => x.Version == "GLIBCXX_3.4.32").ToList();
        Assert.NotEmpty(needs);
        Assert.All(n, x => Assert.True(x.Weak));
    }
}

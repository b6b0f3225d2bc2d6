using System.IO;
using System.Linq;
using Xunit;

namespace DerivSpec.Language.Tests;

public class PaperTests
{
    [Fact]
    public void PaperFamiliesCheckClean()
    {
        var r = DspecCompiler.Compile(File.ReadAllText(Path.Combine(RepoRoot.Path, "spec", "examples", "paper.dspec")), "paper.dspec");
        Assert.Empty(r.Diagnostics);
        var m = Assert.Single(r.Models);
        Assert.Equal("PaperFamilies", m.Name);
        Assert.Equal("DerivSpec.Examples", m.Namespace);
        Assert.Equal(new[] { "rise", "fall", "peak" }, m.Families.Select(f => f.Name));
        Assert.Equal(new[] { FamilyKind.FirstOrder, FamilyKind.FirstOrder, FamilyKind.Composed }, m.Families.Select(f => f.Kind));
        Assert.Equal(ShapeProperties.Transient, m.Families[2].Declared);
        Assert.Equal(new[] { "x0", "z0", "c", "A" }, m.Families[2].Parameters.Select(p => p.Name));
        Assert.Equal(new Call(Function.Softplus, new Var(VarKind.Net, "net")), m.Families[0].Body);
    }

    [Fact]
    public void TanhIsNotIncreasing()
    {
        var r = DspecCompiler.Compile("model M {\n  family f increasing: dx/dz = tanh(net)\n}\n", "t.dspec");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("DSPEC2001", d.Id);
        Assert.Equal((2, 32, 2, 41), (d.Line, d.Column, d.EndLine, d.EndColumn));
        Assert.Empty(r.Models);
    }
}

internal static class RepoRoot
{
    public static readonly string Path = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(System.AppContext.BaseDirectory);
        while (dir != null && !File.Exists(System.IO.Path.Combine(dir.FullName, "DerivSpec.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("DerivSpec.sln not found above " + System.AppContext.BaseDirectory);
    }
}

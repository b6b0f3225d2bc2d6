using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>parse(print(m)) == m for every .dspec file of spec/ and Examples/ and every clean spec example.</summary>
public class RoundTripTests
{
    public static IEnumerable<object[]> Files()
    {
        foreach (var dir in new[] { "spec", "Examples" })
        {
            var root = Path.Combine(RepoRoot.Path, dir);
            if (!Directory.Exists(root)) continue;
            foreach (var f in Directory.GetFiles(root, "*.dspec", SearchOption.AllDirectories).OrderBy(f => f, System.StringComparer.Ordinal))
                yield return new object[] { Path.GetRelativePath(RepoRoot.Path, f) };
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void DspecFileChecksCleanAndRoundTrips(string relativePath)
    {
        var text = File.ReadAllText(Path.Combine(RepoRoot.Path, relativePath));
        var r = DspecCompiler.Compile(text, relativePath);
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        Assert.NotEmpty(r.Models);
        AssertRoundTrip(r);
    }

    [Fact]
    public void TheSpecExamplesFolderHasThePaperModel() =>
        Assert.Contains(Files(), f => ((string)f[0]).Replace('\\', '/') == "spec/examples/paper.dspec");

    [Fact]
    public void EveryCleanSpecExampleRoundTrips()
    {
        int n = 0;
        foreach (var e in SpecExamplesTests.All().Where(e => e.Kind != "error"))
        {
            var r = DspecCompiler.Compile(e.Text, e.File);
            AssertRoundTrip(r);
            n++;
        }
        Assert.True(n > 50);
    }

    internal static void AssertRoundTrip(CompileResult r)
    {
        var printed = DspecPrinter.Print(r.Models);
        var again = DspecCompiler.Compile(printed, "printed.dspec");
        Assert.False(again.HasErrors, printed + "\n" + string.Join("\n", again.Diagnostics));
        Assert.Equal(r.Models, again.Models);
        Assert.Equal(r.Models.GetHashCode(), again.Models.GetHashCode());
        // The canonical form is a fixed point.
        Assert.Equal(printed, DspecPrinter.Print(again.Models));
        foreach (var m in r.Models)
        {
            var single = DspecCompiler.Compile(DspecPrinter.Print(m), "one.dspec");
            Assert.Equal(m, Assert.Single(single.Models));
        }
    }

    [Fact]
    public void WhitespaceAndCommentEditsGiveAnEqualModel()
    {
        var a = DspecCompiler.Compile("model M {\n  family f increasing: dx/dz = softplus(net)\n}\n", "a");
        var b = DspecCompiler.Compile("// header\nmodel   M\n{\n\n  family f increasing :\n    dx / dz = softplus( net ) ; /* c */\n}", "b");
        Assert.Empty(b.Diagnostics);
        Assert.Equal(a.Models, b.Models);
        var c = DspecCompiler.Compile("model M {\n  family f increasing: dx/dz = softplus(net) + 0\n}\n", "c");
        Assert.NotEqual(a.Models, c.Models);
    }

    [Theory]
    [InlineData("a - (b - c)")]
    [InlineData("(a - b) - c")]
    [InlineData("a / (b * c)")]
    [InlineData("-a ^ 2")]
    [InlineData("(-a) ^ 2")]
    [InlineData("a ^ b ^ c")]
    [InlineData("(a ^ b) ^ c")]
    [InlineData("a ^ -b")]
    [InlineData("- -a")]
    [InlineData("-(a + b) * c")]
    [InlineData("-(a * b)")]
    [InlineData("a + -b")]
    [InlineData("2.5E-07 * a")]
    [InlineData("1e21 + a")]
    [InlineData("0.1 + 0.2 * a")]
    public void ExpressionsKeepTheirTree(string expression)
    {
        var text = $"model M {{\n  family f {{\n    param a\n    param b\n    param c\n    x = z * ({expression})\n  }}\n}}\n";
        var r = DspecCompiler.Compile(text, "e");
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        AssertRoundTrip(r);
    }
}

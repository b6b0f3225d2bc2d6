using System;
using System.IO;
using System.Linq;
using DerivSpec.Generator;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>The generator's own diagnostic ids (DSPEC9002+) each have a spec page, and no generator page is stale.</summary>
public class DiagnosticPageTests
{
    private static readonly DiagnosticDescriptor[] GeneratorDescriptors =
    {
        Descriptors.GeneratorInternalError, Descriptors.DuplicateModel, Descriptors.UnreadableFile, Descriptors.UnsupportedModel,
    };

    [Fact]
    public void EveryGeneratorIdHasAPageThatSaysTheGeneratorReportsIt()
    {
        foreach (var d in GeneratorDescriptors)
        {
            string page = Path.Combine(TestSupport.RepoRoot, d.HelpLinkUri);
            Assert.True(File.Exists(page), "no spec page for " + d.Id);
            string text = File.ReadAllText(page);
            Assert.StartsWith("# " + d.Id + ": ", text, StringComparison.Ordinal);
            Assert.Contains("Reported by: the generator", text, StringComparison.Ordinal);
            Assert.Contains("## Fix", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NoGeneratorPageIsStale()
    {
        var ids = GeneratorDescriptors.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        var pages = Directory.GetFiles(Path.Combine(TestSupport.RepoRoot, "spec", "diagnostics"), "DSPEC*.md")
            .Where(f => File.ReadAllText(f).Contains("Reported by: the generator", StringComparison.Ordinal))
            .Select(f => Path.GetFileNameWithoutExtension(f)!)
            .ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, id => Assert.Contains(id, ids));
    }
}

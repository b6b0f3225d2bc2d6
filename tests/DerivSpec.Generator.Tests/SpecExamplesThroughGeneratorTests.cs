using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DerivSpec.Language;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;
using TorchSharp;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// Whatever the checker accepts, the generator emits: every example of the language reference — spec/examples/*.dspec
/// and every fenced <c>dspec</c> block under spec/, whatever it is marked — goes through the generator; each model the
/// checker returns must generate without a DSPEC9xxx diagnostic, compile, and build a decoder that runs forward; a second generator run on the unchanged text is served from the cache.
/// </summary>
public class SpecExamplesThroughGeneratorTests
{
    private static readonly Regex Fence = new(@"^```dspec(?:\s+(?:error|warning)=DSPEC\d{4})?\s*$", RegexOptions.Compiled);

    private static Dictionary<string, string> All()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        string spec = Path.Combine(TestSupport.RepoRoot, "spec");
        foreach (var file in Directory.GetFiles(Path.Combine(spec, "examples"), "*.dspec").OrderBy(f => f, StringComparer.Ordinal))
            result[Path.GetRelativePath(TestSupport.RepoRoot, file).Replace('\\', '/')] = File.ReadAllText(file);
        foreach (var file in Directory.GetFiles(spec, "*.md", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                if (!Fence.IsMatch(lines[i])) continue;
                int end = i + 1;
                while (end < lines.Length && lines[end] != "```") end++;
                result[Path.GetRelativePath(TestSupport.RepoRoot, file).Replace('\\', '/') + ":" + (i + 1)] =
                    string.Join("\n", lines[(i + 1)..end]) + "\n";
                i = end;
            }
        }
        return result;
    }

    public static IEnumerable<object[]> Examples() => All().Keys.Select(k => new object[] { k });

    [Fact]
    public void ThereAreManyExamplesAndTheCheckerAcceptsModelsInMostOfThem()
    {
        var all = All();
        Assert.True(all.Count >= 100, "found " + all.Count);
        Assert.Contains("spec/examples/paper.dspec", all.Keys);
        Assert.True(all.Values.Count(t => DspecCompiler.Compile(t, "x.dspec").Models.Count > 0) >= 60);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void EveryModelTheCheckerAcceptsGeneratesCompilesAndRuns(string where)
    {
        string text = All()[where];
        var checkedModels = DspecCompiler.Compile(text, "example.dspec").Models;
        var run = DspecRuntimeCompiler.Generate(new[] { ("/spec/example.dspec", text) }, "Spec.Examples");
        Assert.Equal(run.Sources, GeneratorCaching.AssertSecondRunIsCached(new[] { ("/spec/example.dspec", text) }, "Spec.Examples", everyStep: checkedModels.Count > 0));
        var internalErrors = run.GeneratorDiagnostics.Where(d => d.Id.StartsWith("DSPEC9", StringComparison.Ordinal)).ToList();
        Assert.True(internalErrors.Count == 0, where + ": " + string.Join("\n", internalErrors));
        Assert.Equal(checkedModels.Count, run.Sources.Count);
        if (checkedModels.Count == 0) return;

        using var compilation = DspecRuntimeCompiler.Load(run.Sources, name: where);
        Assert.True(compilation.Success, where + ":\n" + string.Join("\n", compilation.Diagnostics));
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(checkedModels.Select(m => m.Name).OrderBy(n => n, StringComparer.Ordinal),
            compilation.Models.Select(f => f.Name.TrimStart('@')).OrderBy(n => n, StringComparer.Ordinal));
        using var scope = torch.NewDisposeScope();
        foreach (var factory in compilation.Models)
        {
            using var decoder = factory.Create(3);
            var z = torch.randn(new long[] { 2, factory.Layout.LatentDim });
            var x = decoder.forward(z);
            Assert.Equal(new long[] { 2, factory.Layout.Families.Count, 3 }, x.shape);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using DerivSpec.Tools;
using Xunit;
using Steps = DerivSpec.Generator.DspecGenerator.Steps;

namespace DerivSpec.Generator.Tests;

/// <summary>The pipeline's named steps cache as designed.</summary>
public class CachingTests
{
    private const string A = "model Alpha {\n  family rise increasing: dx/dz = softplus(net)\n}\n";
    private const string B = "model Beta {\n  family fall decreasing: dx/dz = -softplus(net)\n}\n";

    private static GeneratorDriver Driver(params AdditionalText[] texts) =>
        CSharpGeneratorDriver.Create(
            new[] { new DspecGenerator().AsSourceGenerator() }, texts, CSharpParseOptions.Default, optionsProvider: null,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static CSharpCompilation Compilation(string code = "class C { }") =>
        CSharpCompilation.Create("test", new[] { CSharpSyntaxTree.ParseText(code) });

    private static IEnumerable<IncrementalStepRunReason> Reasons(GeneratorRunResult r, string step) =>
        r.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason);

    private static IncrementalStepRunReason[] SourceReasons(GeneratorRunResult r) =>
        r.TrackedSteps[Steps.Sources].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();

    [Fact]
    public void EveryStepIsNamed()
    {
        var driver = Driver(new DspecText("/p/a.dspec", A)).RunGenerators(Compilation());
        var result = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { Steps.Files, Steps.Project, Steps.Compiled, Steps.Models, Steps.Sources, Steps.Diagnostics, Steps.Duplicates })
            Assert.True(result.TrackedSteps.ContainsKey(step), "missing step " + step);
        Assert.Single(result.GeneratedSources);
    }

    [Fact]
    public void UnrelatedCSharpEditLeavesEverythingCached()
    {
        var compilation = Compilation();
        var driver = Driver(new DspecText("/p/a.dspec", A), new DspecText("/p/b.dspec", B)).RunGenerators(compilation);
        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class D { int X => 1; }")));
        var result = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { Steps.Files, Steps.Project, Steps.Compiled, Steps.Models, Steps.Sources, Steps.Diagnostics, Steps.Duplicates })
            Assert.All(Reasons(result, step), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void WhitespaceOnlyEditLeavesTheSourceOutputUnchanged()
    {
        var original = new DspecText("/p/a.dspec", A);
        var driver = Driver(original).RunGenerators(Compilation());
        var first = driver.GetRunResult().Results.Single().GeneratedSources.Single().SourceText.ToString();
        var edited = new DspecText("/p/a.dspec", "\n// a comment\nmodel   Alpha   {\n\n    family   rise  increasing :  dx/dz  =  softplus( net )   // same\n}\n\n");
        driver = driver.ReplaceAdditionalText(original, edited).RunGenerators(Compilation());
        var result = driver.GetRunResult().Results.Single();
        Assert.Equal(IncrementalStepRunReason.Modified, Reasons(result, Steps.Files).Single());
        Assert.Equal(IncrementalStepRunReason.Unchanged, Reasons(result, Steps.Compiled).Single());
        Assert.All(SourceReasons(result), r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, r.ToString()));
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.Equal(first, result.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void EditingOneOfTwoFilesRegeneratesOnlyThatOne()
    {
        var a = new DspecText("/p/a.dspec", A);
        var b = new DspecText("/p/b.dspec", B);
        var driver = Driver(a, b).RunGenerators(Compilation());
        var b2 = new DspecText("/p/b.dspec", B.Replace("-softplus(net)", "-2 * softplus(net)", StringComparison.Ordinal));
        driver = driver.ReplaceAdditionalText(b, b2).RunGenerators(Compilation());
        var result = driver.GetRunResult().Results.Single();
        var sources = result.TrackedSteps[Steps.Sources].SelectMany(s => s.Outputs)
            .Select(o => (Hint: ((GeneratedSource)o.Value).HintName, o.Reason)).ToArray();
        Assert.Equal(2, sources.Length);
        Assert.Equal(IncrementalStepRunReason.Cached, sources.Single(s => s.Hint == "Alpha.g.cs").Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, sources.Single(s => s.Hint == "Beta.g.cs").Reason);
        Assert.Contains("2.0", result.GeneratedSources.Single(s => s.HintName == "Beta.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }
}

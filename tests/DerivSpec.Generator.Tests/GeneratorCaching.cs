using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Steps = DerivSpec.Generator.DspecGenerator.Steps;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// Runs the generator twice over the same .dspec files, the second time with equal but new inputs (new file objects with
/// the same paths and texts, new options with the same values, an unrelated C# file added), and asserts that the
/// pipeline cached: every tracked step produced equal values with reason Cached or Unchanged (so a re-read file that
/// did not change stops at the first step), every source output was Cached, and no step holds a compilation, a symbol
/// or a syntax node (values that would defeat caching and keep compilations alive).
/// </summary>
internal static class GeneratorCaching
{
    /// <summary>The tracking names the generator declares (<see cref="DspecGenerator.Steps"/>).</summary>
    public static IReadOnlyList<string> StepNames { get; } = typeof(Steps)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToArray();

    /// <summary>Runs the generator twice as the build would (same RootNamespace and ProjectDir) and asserts the second
    /// run was served from the cache. Returns the first run's generated sources, ordered by hint name. With
    /// <paramref name="everyStep"/> every declared step must have run (false for files without a model, where the steps
    /// after the Language's compile have nothing to do).</summary>
    public static IReadOnlyList<GeneratedFile> AssertSecondRunIsCached(IEnumerable<(string Path, string Text)> files,
        string? rootNamespace = null, string? projectDir = null, bool everyStep = true)
    {
        var list = files.ToArray();
        ImmutableArray<AdditionalText> Texts() => list.Select(f => (AdditionalText)new DspecText(f.Path, f.Text)).ToImmutableArray();
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new DspecGenerator().AsSourceGenerator() }, Texts(), DspecRuntimeCompiler.CSharpParseOptions,
            new Options(rootNamespace, projectDir),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        var compilation = CSharpCompilation.Create("DerivSpec.CachingHost", Array.Empty<SyntaxTree>(), Array.Empty<MetadataReference>(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        // The second run sees equal but new inputs, as a later build does: new file objects with the same paths and texts,
        // new options with the same values, and a compilation with an unrelated C# file added.
        var second = driver.ReplaceAdditionalTexts(Texts())
            .WithUpdatedAnalyzerConfigOptions(new Options(rootNamespace, projectDir))
            .RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("class Unrelated { int X => 1; }")))
            .GetRunResult().Results.Single();
        Assert.Null(first.Exception);
        Assert.Null(second.Exception);
        // The new file objects were read again (so the check below is not vacuous) and gave equal values.
        foreach (var (_, reason) in second.TrackedSteps[Steps.Files].SelectMany(s => s.Outputs))
            Assert.True(reason == IncrementalStepRunReason.Unchanged,
                $"step {Steps.Files}: an unchanged file read again gave reason {reason}, not Unchanged (its value is not equal to the first read)");

        foreach (var name in StepNames)
        {
            if (!first.TrackedSteps.ContainsKey(name))
            {
                Assert.False(everyStep, $"step {name} did not run");
                Assert.False(second.TrackedSteps.ContainsKey(name), $"step {name} ran only the second time");
                continue;
            }
            var a = first.TrackedSteps[name];
            var b = second.TrackedSteps[name];
            Assert.True(a.Length == b.Length, $"step {name}: {a.Length} executions, then {b.Length}");
            for (int i = 0; i < a.Length; i++)
            {
                var before = a[i].Outputs.Select(o => o.Value).ToArray();
                var after = b[i].Outputs.Select(o => o.Value).ToArray();
                Assert.True(before.SequenceEqual(after), $"step {name} produced values that are not equal on an unchanged input (not cacheable)");
                foreach (var (_, reason) in b[i].Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"step {name} ran again on an unchanged input (reason {reason})");
                foreach (var value in before) AssertNoRoslynObjects(value, name);
            }
        }
        foreach (var output in second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
            Assert.True(output.Reason == IncrementalStepRunReason.Cached, $"a source output was not served from the cache (reason {output.Reason})");
        Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), second.GeneratedSources.Select(s => s.SourceText.ToString()));

        return first.GeneratedSources
            .Select(s => new GeneratedFile(s.HintName, s.SourceText.ToString()))
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Walks the object graph of a step's value: no <see cref="Compilation"/>, <see cref="ISymbol"/> or
    /// <see cref="SyntaxNode"/> may be reachable from it.</summary>
    private static void AssertNoRoslynObjects(object? root, string step)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object?>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is null || !seen.Add(node)) continue;
            Assert.False(node is Compilation || node is ISymbol || node is SyntaxNode || node is SemanticModel,
                $"step {step} holds a {node.GetType().Name}");
            var type = node.GetType();
            if (type.IsPrimitive || type.IsEnum || node is string || node is MemberInfo || node is Delegate) continue;
            if (node is IEnumerable items)
            {
                foreach (var item in items) pending.Push(item);
                continue;
            }
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    if (!field.FieldType.IsPointer) pending.Push(field.GetValue(node));
        }
    }

    /// <summary>build_property.RootNamespace and build_property.ProjectDir, as the DerivSpec props make them visible.</summary>
    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        private readonly Values global;

        public Options(string? rootNamespace, string? projectDir) => global = new Values(rootNamespace, projectDir);

        public override AnalyzerConfigOptions GlobalOptions => global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Values.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Values.Empty;

        private sealed class Values : AnalyzerConfigOptions
        {
            public static readonly Values Empty = new(null, null);
            private readonly string? rootNamespace;
            private readonly string? projectDir;

            public Values(string? rootNamespace, string? projectDir)
            {
                this.rootNamespace = rootNamespace;
                this.projectDir = projectDir;
            }

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                value = key switch
                {
                    "build_property.RootNamespace" => rootNamespace,
                    "build_property.ProjectDir" => projectDir,
                    _ => null,
                };
                return value is not null;
            }
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// The generated code of every .dspec under spec/ and Examples/ is compared exactly with a baseline file
/// Baselines/&lt;Test&gt;/&lt;HintName&gt;.txt. Set DERIVSPEC_UPDATE_BASELINES=1 to rewrite the baselines (and delete stale
/// ones); a missing baseline fails. The generated code must also compile without any warning, and a second run of the
/// generator on the unchanged input must be served from its cache (<see cref="GeneratorCaching"/>).
/// </summary>
[Collection(BaselineFilesCollection.Name)]
public class BaselineTests
{
    private static bool Update => Environment.GetEnvironmentVariable("DERIVSPEC_UPDATE_BASELINES") == "1";

    private static string BaselineRoot => Path.Combine(TestSupport.RepoRoot, "tests", "DerivSpec.Generator.Tests", "Baselines");

    /// <summary>Every .dspec file of spec/ and Examples/ (repository-relative, '/' separators).</summary>
    public static IEnumerable<object[]> DspecFiles() => AllDspecFiles().Select(f => new object[] { f });

    private static IEnumerable<string> AllDspecFiles()
    {
        foreach (var top in new[] { "spec", "Examples" })
        {
            string dir = Path.Combine(TestSupport.RepoRoot, top);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir, "*.dspec", SearchOption.AllDirectories)
                         .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
                         .OrderBy(f => f, StringComparer.Ordinal))
                yield return Path.GetRelativePath(TestSupport.RepoRoot, file).Replace('\\', '/');
        }
    }

    /// <summary>The baseline folder name of a file: "Examples/Synthetic/paper.dspec" → "Examples_Synthetic_paper".</summary>
    public static string TestName(string relativePath) =>
        Regex.Replace(Path.ChangeExtension(relativePath, null)!, "[^A-Za-z0-9]+", "_");

    [Fact]
    public void ThereAreModelsToBaseline()
    {
        var files = AllDspecFiles().ToArray();
        Assert.Contains("Examples/Synthetic/paper.dspec", files);
        Assert.Contains(files, f => f.StartsWith("spec/", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(DspecFiles))]
    public void GeneratedCodeMatchesBaseline(string relativePath)
    {
        string full = Path.Combine(TestSupport.RepoRoot, relativePath);
        var (rootNamespace, projectDir) = ProjectOf(full);
        var output = DspecRuntimeCompiler.Generate(new[] { (full, File.ReadAllText(full)) }, rootNamespace, projectDir);
        Assert.True(output.GeneratorDiagnostics.All(d => d.Severity < DiagnosticSeverity.Warning),
            "The .dspec has diagnostics:\n" + string.Join("\n", output.GeneratorDiagnostics));
        Assert.NotEmpty(output.Sources);

        // The build's incremental pipeline: a second run on an unchanged compilation is served from the cache, and gives the
        // same sources as the run-time compiler's single run.
        var cached = GeneratorCaching.AssertSecondRunIsCached(new[] { (full, File.ReadAllText(full)) }, rootNamespace, projectDir);
        Assert.Equal(output.Sources, cached);

        using (var compiled = DspecRuntimeCompiler.Load(output.Sources, name: relativePath))
            Assert.True(compiled.Success && compiled.Diagnostics.Count == 0,
                "Generated code is not warning-free:\n" + string.Join("\n", compiled.Diagnostics));

        string folder = Path.Combine(BaselineRoot, TestName(relativePath));
        var expectedFiles = output.Sources.ToDictionary(s => s.HintName + ".txt", s => s.Text, StringComparer.Ordinal);
        var failures = new List<string>();
        if (Update) Directory.CreateDirectory(folder);
        foreach (var (name, text) in expectedFiles.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            string path = Path.Combine(folder, name);
            if (Update)
            {
                if (!File.Exists(path) || File.ReadAllText(path) != text) File.WriteAllText(path, text, new UTF8Encoding(false));
                continue;
            }
            if (!File.Exists(path))
            {
                failures.Add($"Missing baseline {Path.GetRelativePath(TestSupport.RepoRoot, path)} (run with DERIVSPEC_UPDATE_BASELINES=1 to create it).");
                continue;
            }
            string? diff = Diff(File.ReadAllText(path), text);
            if (diff is not null) failures.Add($"Generated {name} differs from its baseline (DERIVSPEC_UPDATE_BASELINES=1 rewrites it):\n{diff}");
        }
        if (Directory.Exists(folder))
            foreach (var stale in Directory.EnumerateFiles(folder).Where(f => !expectedFiles.ContainsKey(Path.GetFileName(f))))
            {
                if (Update) File.Delete(stale);
                else failures.Add($"Stale baseline {Path.GetRelativePath(TestSupport.RepoRoot, stale)}: no generated file has that name.");
            }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public void NoBaselineFolderWithoutItsDspec()
    {
        Assert.True(Directory.Exists(BaselineRoot), "no baseline folder " + BaselineRoot);
        var known = AllDspecFiles().Select(TestName).ToHashSet(StringComparer.Ordinal);
        var stale = Directory.EnumerateDirectories(BaselineRoot).Select(Path.GetFileName).Where(n => !known.Contains(n!)).ToArray();
        if (Update)
        {
            foreach (var s in stale) Directory.Delete(Path.Combine(BaselineRoot, s!), recursive: true);
            return;
        }
        Assert.True(stale.Length == 0, "Baseline folders without a .dspec (DERIVSPEC_UPDATE_BASELINES=1 deletes them): " + string.Join(", ", stale));
    }

    /// <summary>RootNamespace and directory of the nearest project above <paramref name="file"/> (as the build
    /// would pass them); (null, null) for files outside a project, such as spec/ examples.</summary>
    private static (string? RootNamespace, string? ProjectDir) ProjectOf(string file)
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(file)!);
        while (dir is not null && dir.FullName.StartsWith(TestSupport.RepoRoot, StringComparison.Ordinal) && dir.FullName != TestSupport.RepoRoot)
        {
            var csproj = dir.EnumerateFiles("*.csproj").FirstOrDefault();
            if (csproj is not null)
            {
                var m = Regex.Match(File.ReadAllText(csproj.FullName), "<RootNamespace>([^<]+)</RootNamespace>");
                string root = m.Success ? m.Groups[1].Value.Trim() : Path.GetFileNameWithoutExtension(csproj.Name);
                return (root, dir.FullName + Path.DirectorySeparatorChar);
            }
            dir = dir.Parent;
        }
        return (null, null);
    }

    /// <summary>Null when equal; else the first differing line with three lines of context on each side.</summary>
    internal static string? Diff(string expected, string actual)
    {
        if (expected == actual) return null;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        int i = 0;
        while (i < e.Length && i < a.Length && e[i] == a[i]) i++;
        var sb = new StringBuilder();
        sb.Append("first difference at line ").Append(i + 1).Append(" (baseline ").Append(e.Length).Append(" lines, generated ").Append(a.Length).AppendLine(" lines)");
        for (int k = Math.Max(0, i - 3); k < i; k++) sb.Append("    ").Append(k + 1).Append("  ").AppendLine(e[k]);
        for (int k = i; k < Math.Min(e.Length, i + 4); k++) sb.Append("  - ").Append(k + 1).Append("  ").AppendLine(e[k]);
        for (int k = i; k < Math.Min(a.Length, i + 4); k++) sb.Append("  + ").Append(k + 1).Append("  ").AppendLine(a[k]);
        return sb.ToString();
    }

    [Fact]
    public void DiffNamesTheFirstDifferentLine()
    {
        Assert.Null(Diff("a\nb\n", "a\nb\n"));
        string d = Diff("a\nb\nc\n", "a\nB\nc\n")!;
        Assert.Contains("first difference at line 2", d);
        Assert.Contains("  - 2  b", d);
        Assert.Contains("  + 2  B", d);
    }
}

/// <summary>The paper's model exists twice (spec/ for the language reference, Examples/ for the build); they must agree.</summary>
public class PaperModelConsistencyTests
{
    [Fact]
    public void ExamplesAndSpecPaperModelsHaveTheSameFamiliesAndSettings()
    {
        var spec = DerivSpec.Language.DspecCompiler.Compile(File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "spec/examples/paper.dspec")), "spec");
        var example = DerivSpec.Language.DspecCompiler.Compile(File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "Examples/Synthetic/paper.dspec")), "example");
        Assert.Empty(spec.Diagnostics);
        Assert.Empty(example.Diagnostics);
        var a = Assert.Single(spec.Models);
        var b = Assert.Single(example.Models);
        Assert.Equal(a with { Name = "_", Namespace = null }, b with { Name = "_", Namespace = null });
        Assert.Equal("Paper", b.Name); // Examples/Synthetic's code uses the class Paper
        Assert.Null(b.Namespace);      // → the project's root namespace, DerivSpec.Examples.Synthetic
    }
}

/// <summary>The tests that read the baseline files, or rewrite them with DERIVSPEC_UPDATE_BASELINES=1, run one at a time:
/// in rewrite mode <see cref="RuntimeCompilerTests"/> read a baseline while <see cref="BaselineTests"/> was writing it.</summary>
[CollectionDefinition(Name)]
public sealed class BaselineFilesCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "baseline-files";
}

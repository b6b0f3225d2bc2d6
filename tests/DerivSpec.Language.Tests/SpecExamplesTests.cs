using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>
/// Every fenced ```dspec block under spec/ is compiled: a plain block must give no diagnostic at all, a block marked
/// error=ID must report that error, warning=ID that warning and no error. So the spec cannot rot.
/// </summary>
public class SpecExamplesTests
{
    internal sealed record Example(string File, int Line, string Kind, string? Id, string Text)
    {
        public override string ToString() => $"{File}:{Line}";
    }

    private static readonly Regex Fence = new(@"^```dspec(?:\s+(error|warning)=(DSPEC\d{4}))?\s*$", RegexOptions.Compiled);

    internal static List<Example> All()
    {
        var result = new List<Example>();
        var specDir = Path.Combine(RepoRoot.Path, "spec");
        foreach (var file in Directory.GetFiles(specDir, "*.md", SearchOption.AllDirectories).OrderBy(f => f, System.StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                var m = Fence.Match(lines[i]);
                if (!m.Success)
                {
                    Assert.False(lines[i].StartsWith("```dspec"), $"{file}:{i + 1}: malformed dspec fence '{lines[i]}'");
                    continue;
                }
                int start = i + 1;
                int end = start;
                while (end < lines.Length && lines[end] != "```") end++;
                Assert.True(end < lines.Length, $"{file}:{i + 1}: unclosed fence");
                var text = string.Join("\n", lines[start..end]) + "\n";
                result.Add(new Example(Path.GetRelativePath(RepoRoot.Path, file), i + 1, m.Groups[1].Success ? m.Groups[1].Value : "ok",
                    m.Groups[2].Success ? m.Groups[2].Value : null, text));
                i = end;
            }
        }
        return result;
    }

    public static IEnumerable<object[]> Examples() => All().Select(e => new object[] { e.ToString() });

    [Theory]
    [MemberData(nameof(Examples))]
    public void ExampleBehavesAsMarked(string where)
    {
        var e = All().Single(x => x.ToString() == where);
        var r = DspecCompiler.Compile(e.Text, e.File);
        RobustnessTests.AssertWellFormed(e.Text, r);
        string all = string.Join("\n", r.Diagnostics.Select(d => d.ToString()));
        switch (e.Kind)
        {
            case "ok":
                Assert.True(r.Diagnostics.Count == 0, $"{where}: expected no diagnostic, got:\n{all}");
                Assert.NotEmpty(r.Models);
                break;
            case "error":
                Assert.True(r.Diagnostics.Any(d => d.Id == e.Id && d.Severity == DspecSeverity.Error), $"{where}: expected {e.Id}, got:\n{all}");
                break;
            default:
                Assert.True(r.Diagnostics.Any(d => d.Id == e.Id && d.Severity == DspecSeverity.Warning), $"{where}: expected {e.Id}, got:\n{all}");
                Assert.False(r.HasErrors, $"{where}: expected no error, got:\n{all}");
                break;
        }
    }

    [Fact]
    public void EveryDiagnosticPageHasATestedExampleOrSaysWhyNot()
    {
        var examples = All();
        foreach (var info in DiagnosticCatalog.All)
        {
            var page = Path.Combine(RepoRoot.Path, info.HelpLink);
            var text = File.ReadAllText(page);
            Assert.StartsWith("# " + info.Id + ": " + info.Title + "\n", text);
            bool tested = examples.Any(e => e.Id == info.Id);
            bool explained = text.Contains("```text");
            Assert.True(tested || explained, info.Id + " page has neither a tested example nor a text illustration");
            Assert.Contains(examples, e => e.File.EndsWith(info.Id + ".md") && e.Kind == "ok"); // the fix compiles
        }
    }

    [Fact]
    public void ThereAreManyExamples() => Assert.True(All().Count >= 100, "found " + All().Count);
}

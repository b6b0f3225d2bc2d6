using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Text.Json;
using Xunit;

namespace DerivSpec.Cli.Tests;

/// <summary><c>derivspec check</c>, <c>new</c>, <c>--help</c>, usage errors and completion, run through the installed tool.</summary>
[Collection(InstalledToolCollection.Name)]
public sealed class CheckAndNewTests
{
    private const string NotProvable = "model M {\n  family f increasing: dx/dz = tanh(net)\n}\n";
    private const string Misspelt = "model M {\n  latent 1\n  net [64] tahn\n  family f: dx/dz = softplus(net)\n}\n";

    private readonly InstalledTool _tool;

    public CheckAndNewTests(InstalledTool tool) => _tool = tool;

    [Fact]
    public void HelpListsTheCommandsAndTheirOptions()
    {
        var dir = _tool.NewFolder("help");
        var root = _tool.Derivspec(dir, "--help");
        Assert.True(root.Code == 0, root.ToString());
        foreach (var command in new[] { "check", "new", "completion" })
            Assert.Contains(command, root.Out, StringComparison.Ordinal);
        var check = _tool.Derivspec(dir, "check", "--help");
        Assert.True(check.Code == 0, check.ToString());
        Assert.Contains("--format", check.Out, StringComparison.Ordinal);
        Assert.Contains("--format <json|text>", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void NewWritesAStarterThatChecksAndRefusesToOverwrite()
    {
        var dir = _tool.NewFolder("new");
        var made = _tool.Derivspec(dir, "new", "my-cells");
        Assert.True(made.Code == 0, made.ToString());
        var path = Path.Combine(dir, "my-cells.dspec");
        var text = File.ReadAllText(path);
        Assert.Contains("model MyCells {", text, StringComparison.Ordinal);
        foreach (var family in new[] { "family rise increasing", "family fall decreasing", "family peak transient" })
            Assert.Contains(family, text, StringComparison.Ordinal);

        var check = _tool.Derivspec(dir, "check", "my-cells.dspec");
        Assert.True(check.Code == 0, check.ToString());
        Assert.Contains("my-cells.dspec: ok, model MyCells (families rise, fall, peak)", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(": warning ", check.Out, StringComparison.Ordinal);

        File.AppendAllText(path, "// edited\n");
        var again = _tool.Derivspec(dir, "new", "my-cells");
        Assert.Equal(4, again.Code);
        Assert.Contains("already exists; pass --force", again.Err, StringComparison.Ordinal);
        Assert.EndsWith("// edited\n", File.ReadAllText(path), StringComparison.Ordinal);

        var forced = _tool.Derivspec(dir, "new", "my-cells", "--force", "--model", "Cells2");
        Assert.True(forced.Code == 0, forced.ToString());
        Assert.Contains("model Cells2 {", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir, ".*tmp*"));

        var badName = _tool.Derivspec(dir, "new", "other", "--model", "2fast");
        Assert.Equal(2, badName.Code);
        Assert.Contains("'2fast' is not a model name", badName.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "other.dspec")));
    }

    [Fact]
    public void NewCountsWritesTheSingleCellStarterWithTheSettingsOfScrnaDspec()
    {
        var dir = _tool.NewFolder("new-counts");
        var made = _tool.Derivspec(dir, "new", "cells", "--counts");
        Assert.True(made.Code == 0, made.ToString());
        Assert.Contains("likelihood zinb, for raw counts", made.Out, StringComparison.Ordinal);
        var text = File.ReadAllText(Path.Combine(dir, "cells.dspec"));
        Assert.Contains("model Cells {", text, StringComparison.Ordinal);
        var check = _tool.Derivspec(dir, "check", "cells.dspec");
        Assert.True(check.Code == 0, check.ToString());
        Assert.Contains("cells.dspec: ok, model Cells (families rise, fall, peak)", check.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(": warning ", check.Out, StringComparison.Ordinal);

        // Every setting and family line of the template is the measured single-cell model's (its families are named
        // increasing, decreasing, transient there).
        static string[] Lines(string t) => t.Split('\n')
            .Select(l => l.Split("//")[0].Trim())
            .Where(l => Regex.IsMatch(l, @"^(latent|order|likelihood|net|encoder|alpha|beta|gamma|anneal|occam|freebits|family|param|let|x =)\b"))
            .Select(l => Regex.Replace(l, @"^family (\w+) (increasing|decreasing|transient)", "family $2"))
            .ToArray();
        var scrna = File.ReadAllText(Path.Combine(_tool.RepoRoot, "Examples", "SingleCell", "scrna.dspec"));
        var wanted = Lines(scrna).Where(l => !l.StartsWith("order ", StringComparison.Ordinal)).ToArray();   // the template keeps the default order, 15
        Assert.Contains("order 15", Lines(scrna));
        Assert.Equal(wanted, Lines(text));
        Assert.Contains("likelihood zinb", wanted);
        Assert.Contains("occam 1", wanted);
        Assert.Contains("freebits 2", wanted);

        var plain = _tool.Derivspec(dir, "new", "values");
        Assert.Contains("likelihood gaussian, for continuous values (derivspec new NAME --counts for raw counts)", plain.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStartersSuggestedExtraFamilyChecksWhenUncommented()
    {
        var dir = _tool.NewFolder("extra");
        Assert.Equal(0, _tool.Derivspec(dir, "new", "extra").Code);
        var path = Path.Combine(dir, "extra.dspec");
        var lines = File.ReadAllLines(path).ToList();
        int i = lines.FindIndex(l => l.TrimStart().StartsWith("//   family ", StringComparison.Ordinal));
        Assert.True(i >= 0, "the starter suggests no extra family");
        lines[i] = lines[i].Replace("//   family ", "family ", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);
        var check = _tool.Derivspec(dir, "check", "extra.dspec");
        Assert.True(check.Code == 0, check.ToString());
        Assert.Contains("families rise, fall, peak, slow", check.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckReportsLocatedErrorsAsTheBuildDoesAndExitsOne()
    {
        var dir = _tool.NewFolder("check");
        File.WriteAllText(Path.Combine(dir, "bad.dspec"), NotProvable);
        File.WriteAllText(Path.Combine(dir, "typo.dspec"), Misspelt);
        File.Copy(Path.Combine(_tool.RepoRoot, "Examples", "Synthetic", "paper.dspec"), Path.Combine(dir, "paper.dspec"));

        var r = _tool.Derivspec(dir, "check", "paper.dspec", "bad.dspec", "typo.dspec");
        Assert.True(r.Code == 1, r.ToString());
        var lines = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("paper.dspec: ok, model Paper (families rise, fall, peak)", lines);
        Assert.Contains(lines, l => l.StartsWith("bad.dspec(2,32): error DSPEC2001: Cannot prove 'increasing' for family 'f'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("typo.dspec(3,12): error DSPEC1006:", StringComparison.Ordinal) && l.Contains("tanh", StringComparison.Ordinal));
        Assert.Equal("3 files checked: 2 errors, 0 warnings.", lines[^1]);

        var clean = _tool.Derivspec(dir, "check", "paper.dspec");
        Assert.True(clean.Code == 0, clean.ToString());
    }

    [Fact]
    public void CheckWritesJsonForEditors()
    {
        var dir = _tool.NewFolder("json");
        File.WriteAllText(Path.Combine(dir, "bad.dspec"), NotProvable);
        File.Copy(Path.Combine(_tool.RepoRoot, "Examples", "Synthetic", "paper.dspec"), Path.Combine(dir, "paper.dspec"));
        var r = _tool.Derivspec(dir, "check", "--format", "json", "bad.dspec", "paper.dspec");
        Assert.True(r.Code == 1, r.ToString());
        using var json = JsonDocument.Parse(r.Out);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("errors").GetInt32());
        var files = root.GetProperty("files").EnumerateArray().ToArray();
        Assert.Equal(2, files.Length);
        Assert.False(files[0].GetProperty("ok").GetBoolean());
        var d = Assert.Single(files[0].GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("DSPEC2001", d.GetProperty("id").GetString());
        Assert.Equal("error", d.GetProperty("severity").GetString());
        Assert.Equal(2, d.GetProperty("line").GetInt32());
        Assert.Equal(32, d.GetProperty("column").GetInt32());
        Assert.Equal(2, d.GetProperty("endLine").GetInt32());
        Assert.Equal(41, d.GetProperty("endColumn").GetInt32()); // the end of "tanh(net)"
        Assert.Equal("spec/diagnostics/DSPEC2001.md", d.GetProperty("helpLink").GetString());
        Assert.True(files[1].GetProperty("ok").GetBoolean());
        var model = Assert.Single(files[1].GetProperty("models").EnumerateArray());
        Assert.Equal("Paper", model.GetProperty("name").GetString());
        Assert.Equal(new[] { "rise", "fall", "peak" }, model.GetProperty("families").EnumerateArray().Select(f => f.GetString()).ToArray());
        Assert.StartsWith("sha256:", model.GetProperty("specIdentity").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void UsageErrorsExitTwoWithAHintAndMissingFilesExitFour()
    {
        var dir = _tool.NewFolder("usage");
        File.WriteAllText(Path.Combine(dir, "bad.dspec"), NotProvable);

        var typo = _tool.Derivspec(dir, "check", "--formt", "json", "bad.dspec");
        Assert.Equal(2, typo.Code);
        Assert.Contains("unknown option --formt. Did you mean --format?", typo.Err, StringComparison.Ordinal);

        var command = _tool.Derivspec(dir, "chek", "bad.dspec");
        Assert.Equal(2, command.Code);
        Assert.Contains("Did you mean 'check'?", command.Err, StringComparison.Ordinal);

        var value = _tool.Derivspec(dir, "check", "--format", "xml", "bad.dspec");
        Assert.Equal(2, value.Code);
        Assert.Contains("'xml'", value.Err, StringComparison.Ordinal);

        var none = _tool.Derivspec(dir);
        Assert.Equal(2, none.Code);
        Assert.Contains("Usage:", none.Out, StringComparison.Ordinal);

        var missing = _tool.Derivspec(dir, "check", "bad.dspec", "missing.dspec");
        Assert.Equal(4, missing.Code);
        Assert.Contains("missing.dspec: no such file.", missing.Err, StringComparison.Ordinal);
        Assert.Equal("", missing.Out); // nothing is checked when an input is missing
    }

    [Fact]
    public void BashCompletionCompletesCommandsAndOptionValues()
    {
        var dir = _tool.NewFolder("completion");
        var script = _tool.Derivspec(dir, "completion", "bash");
        Assert.True(script.Code == 0, script.ToString());
        File.WriteAllText(Path.Combine(dir, "derivspec.bash"), script.Out);
        string Complete(string line)
        {
            // What bash sets before calling the completion function, for the cursor at the end of the line.
            var words = line.Split(' ');
            string setup = $"""
                PATH="{Path.GetDirectoryName(_tool.Command)}:$PATH"
                source ./derivspec.bash
                COMP_LINE='{line}'; COMP_POINT={line.Length}
                COMP_WORDS=({string.Join(' ', words.Select(w => $"'{w}'"))}); COMP_CWORD={words.Length - 1}
                _derivspec_complete
                printf '%s\n' "${"{"}COMPREPLY[@]{"}"}"
                """;
            var r = InstalledTool.Run("/bin/bash", new[] { "-c", setup }, dir, TimeSpan.FromMinutes(1));
            Assert.True(r.Code == 0, r.ToString());
            return r.Out;
        }
        Assert.Equal("check", Complete("derivspec ch").Trim());
        var formats = Complete("derivspec check --format ").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(new[] { "json", "text" }, formats.OrderBy(f => f, StringComparer.Ordinal).ToArray());
        Assert.Contains("--format", Complete("derivspec check --f"), StringComparison.Ordinal);
        // Where a file is expected, options are not offered: the shell completes file names.
        Assert.DoesNotContain("--format", Complete("derivspec check "), StringComparison.Ordinal);
    }
}

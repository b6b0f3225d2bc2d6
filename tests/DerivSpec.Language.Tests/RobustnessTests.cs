using System;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>Hostile inputs: every one must give diagnostics with in-range locations, quickly, without throwing.</summary>
public class RobustnessTests
{
    internal static void AssertWellFormed(string text, CompileResult r)
    {
        int lines = text.Count(c => c == '\n') + 1;
        foreach (var d in r.Diagnostics)
        {
            Assert.NotNull(DiagnosticCatalog.Find(d.Id));
            Assert.InRange(d.Start, 0, text.Length);
            Assert.InRange(d.Length, 0, text.Length - d.Start);
            Assert.InRange(d.Line, 1, lines);
            Assert.InRange(d.EndLine, d.Line, lines);
            Assert.True(d.Column >= 1 && d.EndColumn >= 1);
            if (d.EndLine == d.Line) Assert.True(d.EndColumn >= d.Column);
            Assert.False(string.IsNullOrWhiteSpace(d.Message));
            Assert.NotEqual("DSPEC9001", d.Id);
        }
        Assert.True(r.Diagnostics.Count <= 201, "diagnostics are capped");
        if (r.HasErrors) Assert.Contains(r.Diagnostics, d => d.Severity == DspecSeverity.Error);
    }

    // The bound is loose on purpose (it catches hangs and quadratic blow-ups, not speed: see the benchmark in the README).
    private static CompileResult CompileTimed(string text, double maxSeconds = 30)
    {
        var sw = Stopwatch.StartNew();
        var r = DspecCompiler.Compile(text, "big.dspec");
        sw.Stop();
        Assert.True(sw.Elapsed.TotalSeconds < maxSeconds, $"took {sw.Elapsed.TotalSeconds:F1} s");
        AssertWellFormed(text, r);
        return r;
    }

    private const int MB = 1 << 20;

    private static string Repeat(string s, int totalChars)
    {
        var sb = new StringBuilder(totalChars + s.Length);
        while (sb.Length < totalChars) sb.Append(s);
        return sb.ToString();
    }

    [Fact]
    public void OneMegabyteOfOpenParentheses()
    {
        var r = CompileTimed("model M {\n family f: dx/dz = " + new string('(', MB));
        Assert.Contains(r.Diagnostics, d => d.Id == "DSPEC0005");
    }

    [Fact]
    public void OneMegabyteOfBalancedNesting()
    {
        int n = MB / 2;
        var r = CompileTimed("model M {\n family f: dx/dz = " + new string('(', n) + "net" + new string(')', n) + "\n}\n");
        var d = Assert.Single(r.Diagnostics, x => x.Severity == DspecSeverity.Error);
        Assert.Equal("DSPEC0005", d.Id);
        Assert.Equal((2, 20 + 64), (d.Line, d.Column)); // the 65th parenthesis
    }

    [Fact]
    public void OneMegabyteOperatorChain()
    {
        var r = CompileTimed("model M {\n family f: dx/dz = net" + Repeat(" + net", MB) + "\n}\n");
        Assert.Contains(r.Diagnostics, d => d.Id == "DSPEC0006");
    }

    [Fact]
    public void OneMegabyteOfPowersAndNegations()
    {
        CompileTimed("model M {\n family f: x = z" + Repeat("^-z", MB) + "\n}\n");
        CompileTimed("model M {\n family f: x = " + new string('-', MB / 2) + "z\n}\n");
    }

    [Fact]
    public void OneMegabyteOfBinaryJunk()
    {
        var rng = new Random(7);
        var bytes = new byte[MB];
        rng.NextBytes(bytes);
        var text = new string(bytes.Select(b => (char)b).ToArray());
        var r = CompileTimed(text);
        Assert.True(r.HasErrors);
        Assert.Contains(r.Diagnostics, d => d.Id == "DSPEC0007");
    }

    [Fact]
    public void UnterminatedCommentAndString()
    {
        var r = CompileTimed("model M {\n /* " + Repeat("family f: dx/dz = net\n", MB));
        Assert.Equal("DSPEC0002", r.Diagnostics[0].Id);
        CompileTimed(Repeat("model M { family f: dx/dz = (", MB));
        // Smaller variants of the same shapes (the 1 MB cases above bound the time).
        CompileTimed(Repeat("{", MB / 4));
        CompileTimed(Repeat("}", MB / 4));
        CompileTimed(Repeat("model ", MB / 4));
        CompileTimed(Repeat("model M {\n", MB / 8));
        CompileTimed(Repeat("let a = ", MB / 8));
        CompileTimed(Repeat("model M { family f { param a ~ normal(0, 1) } }\n", MB / 4));
    }

    [Fact]
    public void ManyValidModelsInOneMegabyte()
    {
        var sb = new StringBuilder();
        int i = 0;
        while (sb.Length < MB) sb.Append($"model M{i++} {{\n  family f increasing: dx/dz = softplus(net)\n}}\n");
        var r = CompileTimed(sb.ToString());
        Assert.Empty(r.Diagnostics);
        Assert.Equal(i, r.Models.Count);
    }

    [Fact]
    public void LetBindingsThatWouldExplodeWhenInlined()
    {
        var sb = new StringBuilder("model M {\n family f {\n  let a0 = z\n");
        for (int k = 1; k <= 60; k++) sb.Append($"  let a{k} = a{k - 1} * a{k - 1}\n");
        sb.Append("  x = a60\n }\n}\n");
        var r = CompileTimed(sb.ToString());
        Assert.Contains(r.Diagnostics, d => d.Id == "DSPEC1031");
    }

    [Fact]
    public void DeepestAllowedNestingRunsOnASmallStack()
    {
        // 64 levels of parentheses (the limit) and the longest operator chains must parse and check on a 256 KiB stack.
        string text = "model M {\n family f: x = " + new string('(', 64) + "z" + new string(')', 64) + Repeat(" + z", 4 * 199)[..(4 * 199)] + "\n" +
                      " family g: x = " + string.Concat(Enumerable.Repeat("exp(", 63)) + "z" + new string(')', 63) + "\n}\n";
        CompileResult? result = null;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = DspecCompiler.Compile(text, "deep.dspec"); }
            catch (Exception e) { error = e; }
        }, 256 * 1024);
        t.Start();
        t.Join();
        Assert.Null(error);
        Assert.NotNull(result);
        Assert.DoesNotContain(result!.Diagnostics, d => d.Severity == DspecSeverity.Error);
        Assert.Equal(2, result.Models[0].Families.Count);
    }

    [Fact]
    public void DeepestInlinedExpressionIsProvenOnASmallStack()
    {
        // Let bindings chain expressions past the 200 levels one expression may have; the checker bounds the inlined depth
        // (Checker.MaxInlinedDepth) and the passes over it keep to the thread's stack (StackGuard). Before the guard, the
        // prover overflowed a 256 KiB stack at about 260 levels when its code was not yet optimised by the JIT, and a chain
        // of 52 bindings (9,900 levels, under the size limit) overflowed the main thread's 8 MiB.
        foreach (int kib in new[] { 160, 256 })
        {
            string text = GoldenTests.BuildDeepChain(Semantics.Checker.MaxInlinedDepth);
            var result = CompileOnStack(text, kib);
            AssertWellFormed(text, result);
            Assert.Empty(result.Diagnostics);
            var family = Assert.Single(result.Models[0].Families);
            Assert.Equal(Semantics.Checker.MaxInlinedDepth, Semantics.FamilyChecker.Measure(family.Body).Depth);
            Assert.Equal(ShapeProperties.Increasing, family.Declared);

            string deeper = GoldenTests.BuildDeepChain(Semantics.Checker.MaxInlinedDepth + 1);
            var refused = CompileOnStack(deeper, kib);
            AssertWellFormed(deeper, refused);
            Assert.Equal("DSPEC1036", Assert.Single(refused.Diagnostics).Id);
        }

        // Far deeper than the limit (the old crash): refused with the size or depth diagnostic, on a small stack too.
        var sb = new StringBuilder("model M {\n family f increasing {\n  let a0 = z\n");
        for (int k = 1; k <= 52; k++) sb.Append($"  let a{k} = a{k - 1}").Append(Repeat(" + z", 4 * 190)[..(4 * 190)]).Append('\n');
        sb.Append("  x = a52\n }\n}\n");
        var huge = CompileOnStack(sb.ToString(), 256);
        AssertWellFormed(sb.ToString(), huge);
        Assert.Equal("DSPEC1036", Assert.Single(huge.Diagnostics).Id);
        Assert.Contains("(9881 levels; the limit is 500)", huge.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStackGuardContinuesOnAFreshThreadAndRethrows()
    {
        // A recursion 100,000 levels deep on a 256 KiB thread: it runs out of room many times and continues each time.
        long result = 0;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = GuardedSum(100_000); }
            catch (Exception e) { error = e; }
        }, 256 * 1024);
        t.Start();
        t.Join();
        Assert.Null(error);
        Assert.Equal(100_000L * 100_001 / 2, result);

        // An exception thrown on the fresh thread reaches the caller as itself.
        var ex = Assert.Throws<InvalidOperationException>(() => StackGuard.OnFreshStack<int, int>(n => throw new InvalidOperationException("deep " + n), 7));
        Assert.Equal("deep 7", ex.Message);
        Assert.True(StackGuard.HasRoom());
    }

    private static long GuardedSum(int n)
    {
        if (n == 0) return 0;
        if (!StackGuard.HasRoom()) return StackGuard.OnFreshStack(GuardedSum, n);
        return n + GuardedSum(n - 1);
    }

    private static CompileResult CompileOnStack(string text, int kib)
    {
        CompileResult? result = null;
        Exception? error = null;
        var t = new Thread(() =>
        {
            try { result = DspecCompiler.Compile(text, "deep.dspec"); }
            catch (Exception e) { error = e; }
        }, kib * 1024);
        t.Start();
        t.Join();
        Assert.Null(error);
        return result!;
    }

    [Fact]
    public void EmptyAndWhitespaceFiles()
    {
        foreach (var text in new[] { "", " ", "\n\n", "// only a comment", "/* */", "\uFEFF" })
        {
            var r = DspecCompiler.Compile(text, "e.dspec");
            AssertWellFormed(text, r);
            var d = Assert.Single(r.Diagnostics);
            Assert.Equal("DSPEC1026", d.Id);
        }
        var n = DspecCompiler.Compile(null!, "null.dspec");
        Assert.Equal("DSPEC1026", Assert.Single(n.Diagnostics).Id);
    }

    [Fact]
    public void InternalErrorsBecomeADiagnostic()
    {
        try
        {
            DspecCompiler.FaultInjection = () => throw new InvalidOperationException("injected");
            var r = DspecCompiler.Compile("model M {\n family f: dx/dz = net\n}\n", "x.dspec");
            var d = Assert.Single(r.Diagnostics);
            Assert.Equal("DSPEC9001", d.Id);
            Assert.Empty(r.Models);
        }
        finally
        {
            DspecCompiler.FaultInjection = null;
        }
    }
}

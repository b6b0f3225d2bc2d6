using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace DerivSpec.Language.Tests;

public class GoldenTests
{
    private const string H = "model M {\n";

    public static readonly (string Id, string Source, string Expected)[] Cases =
    {
        ("DSPEC0001", H + "  family f: dx/dz = softplus(net) @ 2\n}\n",
            "DSPEC0001 2:35-2:36 Unexpected character '@'."),
        ("DSPEC0002", H + "  family f: dx/dz = net /* unfinished\n}\n",
            "DSPEC0002 2:25-2:27 Unterminated block comment: '*/' is missing.\nDSPEC0003 4:1-4:1 Unexpected end of file; expected '}'."),
        ("DSPEC0003", H + "  family f: dx/dz = softplus(net))\n}\n",
            "DSPEC0003 2:34-2:35 Unexpected ')'; expected end of line."),
        ("DSPEC0003", H + "  family f: dx/dz = 2 *\n}\n",
            "DSPEC0003 2:24-2:24 Unexpected end of line; expected an expression."),
        ("DSPEC0003", "model M {\n  family f: dx/dz = net\n",
            "DSPEC0003 3:1-3:1 Unexpected end of file; expected '}'."),
        ("DSPEC0003", "modle M {}\n",
            "DSPEC0003 1:1-1:6 Unexpected name 'modle'; expected 'model' or 'namespace'."),
        ("DSPEC0004", H + "  family f: dx/dz = 1e400 * net\n}\n",
            "DSPEC0004 2:21-2:26 Invalid number '1e400'."),
        ("DSPEC0004", H + "  family f: dx/dz = 2x * net\n}\n",
            "DSPEC0004 2:21-2:23 Invalid number '2x'."),
        ("DSPEC0005", H + "  family f: dx/dz = " + new string('(', 65) + "net" + new string(')', 65) + "\n}\n",
            "DSPEC0005 2:85-2:86 Parentheses or brackets are nested more than 64 levels deep."),
        ("DSPEC0006", H + "  family f: x = z" + string.Concat(System.Linq.Enumerable.Repeat(" + z", 200)) + "\n}\n",
            "DSPEC0006 2:17-2:818 Expression is too deeply nested (more than 200 levels of operators)."),
        ("DSPEC0007", string.Concat(System.Linq.Enumerable.Repeat("@\n", 201)),
            "DSPEC0007 201:1-201:2 Too many diagnostics; only the first 200 are reported."),
        ("DSPEC1001", H + "  family f {\n    param z0\n    x = (z - zo) * 2\n  }\n}\n",
            "DSPEC1025 3:11-3:13 Parameter 'z0' is never used.\nDSPEC1001 4:14-4:16 Unknown name 'zo'. Did you mean 'z0'?"),
        ("DSPEC1002", H + "  family f: dx/dz = softpuls(net)\n}\n",
            "DSPEC1002 2:21-2:29 Unknown function 'softpuls'. Did you mean 'softplus'?"),
        ("DSPEC1003", H + "  latnet 2\n  family f: dx/dz = net\n}\n",
            "DSPEC1003 2:3-2:9 Unknown model setting 'latnet'. Did you mean 'latent'?"),
        ("DSPEC1004", H + "  latent 0\n  family f: dx/dz = net\n}\n",
            "DSPEC1004 2:10-2:11 Invalid value for 'latent': expected an integer from 1 to 1024, got 0."),
        ("DSPEC1005", H + "  order 10\n  order 20\n  family f: dx/dz = net\n}\n",
            "DSPEC1005 3:3-3:8 Setting 'order' is given more than once."),
        ("DSPEC1006", H + "  likelihood gausian\n  family f: dx/dz = net\n}\n",
            "DSPEC1006 2:14-2:21 Unknown likelihood 'gausian'; expected one of gaussian, poisson, nb, zinb, bernoulli. Did you mean 'gaussian'?"),
        ("DSPEC1007", H + "  family f increasin: dx/dz = softplus(net)\n}\n",
            "DSPEC1007 2:12-2:21 Unknown property 'increasin'. Did you mean 'increasing'?"),
        ("DSPEC1008", H + "  family f: dx/dz = net\n  family f: dx/dz = -net\n}\n",
            "DSPEC1008 3:10-3:11 'f' is already declared in this model."),
        ("DSPEC1009", H + "  family net: dx/dz = net\n}\n",
            "DSPEC1009 2:10-2:13 'net' is a reserved word and cannot name a family."),
        ("DSPEC1010", H + "  family f {\n    param a\n  }\n}\n",
            "DSPEC1010 2:10-2:11 Family 'f' has no equation; write 'dx/dz = …', 'd2x/dz2 = …' or 'x = …'.\nDSPEC1025 3:11-3:12 Parameter 'a' is never used."),
        ("DSPEC1011", H + "  family f {\n    dx/dz = net\n    dx/dz = -net\n  }\n}\n",
            "DSPEC1011 4:5-4:10 Family 'f' has more than one equation."),
        ("DSPEC1012", H + "  family f: x = net\n}\n",
            "DSPEC1012 2:17-2:20 'net' can only be used inside an integrand: the right side of 'dx/dz =' or 'd2x/dz2 =', or inside integral(…)."),
        ("DSPEC1013", H + "  family f: dx/dz = integral(net)\n}\n",
            "DSPEC1013 2:21-2:29 'integral' is not allowed here: it is only allowed in a composed family ('x = …'); the right side of 'dx/dz =' or 'd2x/dz2 =' is already integrated."),
        ("DSPEC1014", H + "  family f: dx/dz = x * net\n}\n",
            "DSPEC1014 2:21-2:22 'x' (the value before the output map) can only be used in 'map'."),
        ("DSPEC1015", H + "  family f {\n    dx/dz = softplus(net)\n    map x + z\n  }\n}\n",
            "DSPEC1015 4:13-4:14 'z' cannot be used in the output map; the map sees only 'x', parameters and numbers."),
        ("DSPEC1016", H + "  family f {\n    dx/dz = softplus(net)\n    map sigmoid(x)\n    map tanh(x)\n  }\n}\n",
            "DSPEC1016 5:5-5:8 Family 'f' has more than one output map."),
        ("DSPEC1017", H + "  family f {\n    param a > 1\n    x = a * z\n  }\n}\n",
            "DSPEC1017 3:13-3:16 Invalid constraint on 'a': only '> 0' is supported as a one-sided bound; write 'in (lo, hi)' for other bounds."),
        ("DSPEC1017", H + "  family f transient {\n    param z0 in latent(0.9, 0.1)\n    dx/dz = -(z - z0) * softplus(net)\n  }\n}\n",
            "DSPEC1017 3:14-3:33 Invalid constraint on 'z0': the quantile levels of 'in latent(a, b)' must satisfy 0 ≤ a < b ≤ 1, got a = 0.9, b = 0.1."),
        ("DSPEC1017", H + "  family f {\n    param x0 in latent\n    dx/dz = softplus(net)\n  }\n}\n",
            "DSPEC1017 3:14-3:23 Invalid constraint on 'x0': 'in latent' keeps a parameter inside the latent range the training cells occupy, but x0 is the family's offset, one value per feature, not a point of the latent space."),
        ("DSPEC1018", H + "  family f {\n    param a ~ normall(0, 1)\n    x = a * z\n  }\n}\n",
            "DSPEC1018 3:15-3:22 Unknown prior 'normall'. Did you mean 'normal'?"),
        ("DSPEC1019", H + "  family f {\n    param a ~ normal(0)\n    x = a * z\n  }\n}\n",
            "DSPEC1019 3:15-3:24 Invalid prior on 'a': normal(mean, sd) takes 2 arguments, got 1."),
        ("DSPEC1020", H + "  family f {\n    param a ~ gamma(2, 1)\n    x = a * z\n  }\n}\n",
            "DSPEC1020 3:15-3:20 Prior 'gamma' has support (0, ∞) but parameter 'a' can take values ≤ 0; constrain it with '> 0' or an interval within [0, ∞)."),
        ("DSPEC1021", H + "  family f {\n    param a > 0 init -1\n    x = a * z\n  }\n}\n",
            "DSPEC1021 3:22-3:24 Initial value -1 of 'a' is outside its constraint > 0."),
        ("DSPEC1022", H + "  family f {\n    param v0 > 0\n    dx/dz = net\n  }\n}\n",
            "DSPEC1022 3:11-3:13 'v0' exists only in second-order families (d2x/dz2 = …)."),
        ("DSPEC1023", H + "  family f: x = x0 + z\n}\n",
            "DSPEC1023 2:17-2:19 Built-in parameter 'x0' cannot appear in an expression; the family semantics add it."),
        ("DSPEC1024", H + "  family f {\n    let unused = z\n    x = z\n  }\n}\n",
            "DSPEC1024 3:9-3:15 Let binding 'unused' is never used."),
        ("DSPEC1025", H + "  family f {\n    param a\n    x = z\n  }\n}\n",
            "DSPEC1025 3:11-3:12 Parameter 'a' is never used."),
        ("DSPEC1026", "// nothing here\n",
            "DSPEC1026 1:1-1:1 The file declares no model."),
        ("DSPEC1027", "model Empty {\n  latent 2\n}\n",
            "DSPEC1027 1:7-1:12 Model 'Empty' declares no family."),
        ("DSPEC1028", H + "  family f increasing decreasing: dx/dz = softplus(net)\n}\n",
            "DSPEC1028 2:23-2:33 Properties 'increasing' and 'decreasing' cannot both be declared."),
        ("DSPEC1029", H + "  family f increasing increasing: dx/dz = softplus(net)\n}\n",
            "DSPEC1029 2:23-2:33 Property 'increasing' is declared more than once."),
        ("DSPEC1030", H + "  family f {\n    let a = b + 1\n    let b = z\n    x = a\n  }\n}\n",
            "DSPEC1030 3:13-3:14 'b' is used before its definition."),
        ("DSPEC1031", BuildExplosion(),
            "DSPEC1031 24:9-24:12 The expression is too large after inlining let bindings (2097151 nodes; the limit is 20000)."),
        ("DSPEC1032", H + "  family f: dx/dz = softplus(net, 2)\n}\n",
            "DSPEC1032 2:21-2:29 'softplus' takes exactly one argument; 2 given."),
        ("DSPEC1033", H + "  family f: dy/dz = net\n}\n",
            "DSPEC1033 2:13-2:18 Unknown equation 'dy/dz = …'; the left side must be 'dx/dz', 'd2x/dz2' or 'x'."),
        ("DSPEC1034", H + "  latent 2\n  family f {\n    param w > 0\n    dx/dz = softplus(net)\n    map w * x\n  }\n}\n",
            "DSPEC1034 6:9-6:10 Parameter 'w' has one value per latent dimension (latent 2), but the output map acts on x, the sum over the latent dimensions; use 'w' in the family's equation instead, or set 'latent 1'."),
        ("DSPEC1035", H + "  family f transient {\n    param z0 in latent(0.2, 0.8) init 0\n    dx/dz = -(z - z0) * softplus(net)\n  }\n}\n",
            "DSPEC1035 3:39-3:40 Parameter 'z0' is constrained 'in latent(…)' and takes no 'init' (got 0): it starts at the middle of the latent range, which is known only when training runs; remove the 'init'."),
        ("DSPEC1036", BuildDeepChain(501),
            "DSPEC1036 9:9-9:11 The expression is nested too deeply after inlining let bindings (501 levels; the limit is 500)."),
        ("DSPEC2001", H + "  family f increasing: dx/dz = tanh(net)\n}\n",
            "DSPEC2001 2:32-2:41 Cannot prove 'increasing' for family 'f': dx/dz = tanh(net) must be ≥ 0 for every z, but its range is (-1, 1)."),
        ("DSPEC2002", H + "  family f decreasing: dx/dz = square(net)\n}\n",
            "DSPEC2002 2:32-2:43 Cannot prove 'decreasing' for family 'f': dx/dz = square(net) must be ≤ 0 for every z, but its range is [0, ∞)."),
        ("DSPEC2003", H + "  family f transient: dx/dz = softplus(net)\n}\n",
            "DSPEC2003 2:31-2:44 Cannot prove 'transient' for family 'f': dx/dz = softplus(net) must be positive before one point a and negative after it, as in '-(z - a) * softplus(net)' (a constant in z)."),
        ("DSPEC2004", H + "  family f nonnegative: dx/dz = softplus(net)\n}\n",
            "DSPEC2004 2:33-2:46 Cannot prove 'nonnegative' for family 'f': x = x0 + Σ_p s(z_p) ranges over (-∞, ∞): s(z) = ∫₀ᶻ e(τ) dτ takes both signs over z ∈ ℝ unless e is identically 0; add an output map such as 'map softplus(x)'."),
        ("DSPEC2005", H + "  family f bounded: dx/dz = softplus(net)\n}\n",
            "DSPEC2005 2:29-2:42 Cannot prove 'bounded' for family 'f': s(z) = ∫₀ᶻ e(τ) dτ is unbounded over z ∈ ℝ unless e is identically 0; add a bounded output map such as 'map sigmoid(x)'."),
        ("DSPEC2006", H + "  family f: dx/dz = log(net)\n}\n",
            "DSPEC2006 2:21-2:29 'log(net)' may be undefined: its argument ranges over (-∞, ∞) but log needs values > 0."),
        ("DSPEC2007", H + "  family f increasing: dx/dz = net ^ 0.5\n}\n",
            "DSPEC2007 2:32-2:41 'net ^ 0.5' may be undefined: the base ranges over (-∞, ∞) but a fractional power needs a base ≥ 0; a family that declares properties must be defined for every z and every allowed parameter value."),
    };

    public static IEnumerable<object[]> CaseIndices() => Enumerable.Range(0, Cases.Length).Select(i => new object[] { i, Cases[i].Id });

    /// <summary>Exact messages and line:column ranges (all diagnostics of the case, except DSPEC0007 where only that one).</summary>
    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void ExactDiagnostics(int index, string id)
    {
        var (caseId, source, expected) = Cases[index];
        Assert.Equal(id, caseId);
        var r = DspecCompiler.Compile(source, "golden.dspec");
        var actual = string.Join("\n", r.Diagnostics.Where(d => id != "DSPEC0007" || d.Id == id)
            .Select(d => $"{d.Id} {d.Line}:{d.Column}-{d.EndLine}:{d.EndColumn} {d.Message}"));
        Assert.Equal(expected, actual);
        Assert.Contains(r.Diagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticCatalog.Find(id)!.DefaultSeverity, r.Diagnostics.First(d => d.Id == id).Severity);
    }

    /// <summary>Every id in the catalog has a golden case here and a page in spec/diagnostics (and no page is stale).</summary>
    [Fact]
    public void EveryDiagnosticHasAGoldenCaseAndASpecPage()
    {
        var covered = Cases.Select(c => c.Id).ToHashSet();
        var missingGolden = DiagnosticCatalog.All.Select(d => d.Id).Where(id => !covered.Contains(id) && !Untestable.Contains(id)).ToList();
        Assert.True(missingGolden.Count == 0, "no golden case for " + string.Join(", ", missingGolden));
        var dir = Path.Combine(RepoRoot.Path, "spec", "diagnostics");
        var missingPage = DiagnosticCatalog.All.Where(d => !File.Exists(Path.Combine(RepoRoot.Path, d.HelpLink))).Select(d => d.Id).ToList();
        Assert.True(missingPage.Count == 0, "no spec page for " + string.Join(", ", missingPage));
        // Pages of the generator's own ids (DSPEC9002+) say so; the Generator's tests check those against its descriptors.
        var stale = Directory.GetFiles(dir, "DSPEC*.md")
            .Where(f => !File.ReadAllText(f).Contains("Reported by: the generator", StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension).Where(id => DiagnosticCatalog.Find(id!) == null).ToList();
        Assert.True(stale.Count == 0, "spec pages without a diagnostic: " + string.Join(", ", stale));
        Assert.Equal(DiagnosticCatalog.All.Count, DiagnosticCatalog.All.Select(d => d.Id).Distinct().Count());
        foreach (var d in DiagnosticCatalog.All)
        {
            Assert.Matches(@"^DSPEC[0-29]\d{3}$", d.Id);
            Assert.Equal("spec/diagnostics/" + d.Id + ".md", d.HelpLink);
        }
    }

    /// <summary>Ids whose trigger cannot be written as a small source: tested elsewhere (RobustnessTests, GoldenTests below).</summary>
    private static readonly HashSet<string> Untestable = new() { "DSPEC0008", "DSPEC9001" };

    [Fact]
    public void FileTooLargeIsReportedAtTheStart()
    {
        var text = new string(' ', DspecCompiler.MaxTextLength + 1);
        var r = DspecCompiler.Compile(text, "huge.dspec");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("DSPEC0008 1:1-1:1 The file has 8388609 characters; the limit is 8388608.", $"{d.Id} {d.Line}:{d.Column}-{d.EndLine}:{d.EndColumn} {d.Message}");
    }

    [Fact]
    public void InternalErrorMessage()
    {
        try
        {
            DspecCompiler.FaultInjection = () => throw new System.InvalidOperationException("injected");
            var d = Assert.Single(DspecCompiler.Compile("model M {\n  family f: dx/dz = net\n}\n", "x.dspec").Diagnostics);
            Assert.Equal("DSPEC9001 1:1-1:1 Internal error in the .dspec compiler (InvalidOperationException: injected); please report it.",
                $"{d.Id} {d.Line}:{d.Column}-{d.EndLine}:{d.EndColumn} {d.Message}");
        }
        finally
        {
            DspecCompiler.FaultInjection = null;
        }
    }

    /// <summary>
    /// An increasing family whose expression is <paramref name="depth"/> levels deep after inlining: z followed by
    /// depth − 1 additions of z, written as a chain of let bindings of up to 100 additions each (one line per binding,
    /// the equation on line 3 + the number of bindings).
    /// </summary>
    internal static string BuildDeepChain(int depth)
    {
        var sb = new System.Text.StringBuilder(H + "  family f increasing {\n    let a0 = z\n");
        int k = 0;
        for (int left = depth - 1; left > 0; left -= 100)
        {
            k++;
            sb.Append($"    let a{k} = a{k - 1}").Append(string.Concat(Enumerable.Repeat(" + z", Math.Min(100, left)))).Append('\n');
        }
        sb.Append($"    x = a{k}\n  }}\n}}\n");
        return sb.ToString();
    }

    private static string BuildExplosion()
    {
        var sb = new System.Text.StringBuilder(H + "  family f {\n    let a0 = z\n");
        for (int k = 1; k <= 20; k++) sb.Append($"    let a{k} = a{k - 1} + a{k - 1}\n");
        sb.Append("    x = a20\n  }\n}\n");
        return sb.ToString();
    }
}

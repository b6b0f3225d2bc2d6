using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>
/// Seeded, deterministic property tests over more than 10,000 inputs per run: random token soups, mutations of every
/// valid example, raw binary, and grammar-generated models. Each must compile without throwing, with in-range
/// locations, catalogued ids, no internal error, deterministically, within a loose time bound; generated models that
/// check clean must also survive print → parse unchanged.
/// </summary>
public class FuzzTests
{
    private const double LooseSecondsPerInput = 5;

    private static CompileResult? Check(string text, List<string> failures, bool roundTrip = false)
    {
        var sw = Stopwatch.StartNew();
        CompileResult r;
        try { r = DspecCompiler.Compile(text, "fuzz.dspec"); }
        catch (Exception ex) { failures.Add("threw " + ex.GetType().Name + " on: " + Show(text)); return null; }
        sw.Stop();
        if (sw.Elapsed.TotalSeconds > LooseSecondsPerInput) failures.Add($"took {sw.Elapsed.TotalSeconds:F1} s on: " + Show(text));
        try { RobustnessTests.AssertWellFormed(text, r); }
        catch (Exception ex) { failures.Add(ex.Message + " on: " + Show(text)); return r; }
        if (r.HasErrors && r.Models.Count > 0 && !text.Contains("model")) failures.Add("models without 'model' on: " + Show(text));
        if (roundTrip && !r.HasErrors && r.Models.Count > 0)
        {
            try { RoundTripTests.AssertRoundTrip(r); }
            catch (Exception ex) { failures.Add("round trip failed: " + ex.Message + " on: " + Show(text)); }
        }
        return r;
    }

    private static string Show(string text) => text.Length <= 300 ? text : text.Substring(0, 300) + "…";

    private static readonly string[] Vocabulary =
    {
        "model", "family", "param", "let", "map", "namespace", "integral", "net", "z", "x", "x0", "v0", "init", "in",
        "increasing", "decreasing", "transient", "nonnegative", "bounded", "latent", "order", "likelihood", "encoder",
        "alpha", "beta", "gamma", "anneal", "occam", "freebits", "softplus", "sigmoid", "exp", "log", "tanh", "square", "abs", "normal",
        "lognormal", "halfnormal", "exponential", "gaussian", "nb", "relu", "dx", "dz", "d2x", "dz2", "A", "z0", "c", "h",
        "0", "1", "2.5", "1e-3", "-1", "64", "1e400", "2x", ".5",
        "(", ")", "[", "]", "{", "}", ",", ":", ";", "=", "+", "-", "*", "/", "^", "~", "<", ">", ".",
        "\n", "\n", "\n", " ", " ", "//", "/*", "*/", "@", "\0", "é", "\t",
    };

    private static string TokenSoup(Random rng)
    {
        var sb = new StringBuilder();
        int n = rng.Next(1, 80);
        for (int i = 0; i < n; i++)
        {
            sb.Append(Vocabulary[rng.Next(Vocabulary.Length)]);
            if (rng.Next(3) == 0) sb.Append(' ');
        }
        return sb.ToString();
    }

    private static List<string> Corpus()
    {
        var corpus = SpecExamplesTests.All().Select(e => e.Text).ToList();
        foreach (var f in Directory.GetFiles(Path.Combine(RepoRoot.Path, "spec"), "*.dspec", SearchOption.AllDirectories))
            corpus.Add(File.ReadAllText(f));
        return corpus;
    }

    private static string Mutate(string text, Random rng)
    {
        var sb = new StringBuilder(text);
        int edits = rng.Next(1, 6);
        for (int e = 0; e < edits; e++)
        {
            int pos = sb.Length == 0 ? 0 : rng.Next(sb.Length + 1);
            switch (rng.Next(7))
            {
                case 0: // delete a span
                    if (sb.Length > 0) { int len = Math.Min(rng.Next(1, 12), sb.Length - Math.Min(pos, sb.Length - 1)); sb.Remove(Math.Min(pos, sb.Length - 1), Math.Max(0, len)); }
                    break;
                case 1: // insert a vocabulary token
                    sb.Insert(pos, Vocabulary[rng.Next(Vocabulary.Length)]);
                    break;
                case 2: // insert a random character (any UTF-16 unit, lone surrogates included)
                    sb.Insert(pos, (char)rng.Next(0, 0x10000));
                    break;
                case 3: // duplicate a span
                    if (sb.Length > 0)
                    {
                        int s = rng.Next(sb.Length), len = Math.Min(rng.Next(1, 40), sb.Length - s);
                        sb.Insert(pos, sb.ToString(s, len));
                    }
                    break;
                case 4: // replace a character by a bracket or operator
                    if (sb.Length > 0) sb[Math.Min(pos, sb.Length - 1)] = "(){}[]+-*/^=:~<>,;"[rng.Next(18)];
                    break;
                case 5: // truncate
                    sb.Length = Math.Min(pos, sb.Length);
                    break;
                default: // swap two characters
                    if (sb.Length > 1) { int a = rng.Next(sb.Length), b = rng.Next(sb.Length); (sb[a], sb[b]) = (sb[b], sb[a]); }
                    break;
            }
        }
        return sb.ToString();
    }

    // ---- grammar-based generation of (mostly) valid models ----

    private static string GenExpr(Random rng, int depth, bool integrand, bool allowIntegral, List<string> names)
    {
        if (depth <= 0 || rng.Next(4) == 0)
        {
            int k = rng.Next(integrand ? 4 : 3);
            return k switch
            {
                0 => (rng.Next(5) == 0 ? rng.NextDouble() * 10 : rng.Next(0, 4)).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                1 => "z",
                2 => names.Count > 0 ? names[rng.Next(names.Count)] : "z",
                _ => "net",
            };
        }
        switch (rng.Next(allowIntegral ? 7 : 6))
        {
            case 0: return "-" + GenExpr(rng, depth - 1, integrand, allowIntegral, names);
            case 1: return "(" + GenExpr(rng, depth - 1, integrand, allowIntegral, names) + ")";
            case 2:
            case 3:
                return GenExpr(rng, depth - 1, integrand, allowIntegral, names) + " " + "+-*/^"[rng.Next(5)] + " " + GenExpr(rng, depth - 1, integrand, allowIntegral, names);
            case 4:
            case 5:
                return FunctionVocabulary.All[rng.Next(FunctionVocabulary.All.Count)].Name + "(" + GenExpr(rng, depth - 1, integrand, allowIntegral, names) + ")";
            default:
                return "integral(" + GenExpr(rng, depth - 1, true, false, names) + ")";
        }
    }

    private static string GenModel(Random rng)
    {
        var sb = new StringBuilder();
        if (rng.Next(3) == 0) sb.Append("namespace N").Append(rng.Next(3)).Append(".Sub\n");
        sb.Append("model M").Append(rng.Next(1000)).Append(" {\n");
        if (rng.Next(2) == 0) sb.Append("  latent ").Append(rng.Next(1, 4)).Append('\n');
        if (rng.Next(2) == 0) sb.Append("  order ").Append(rng.Next(1, 40)).Append('\n');
        if (rng.Next(2) == 0) sb.Append("  likelihood ").Append(LikelihoodVocabulary.Names[rng.Next(LikelihoodVocabulary.Names.Count)]).Append('\n');
        if (rng.Next(2) == 0) sb.Append("  net [").Append(string.Join(", ", Enumerable.Range(0, rng.Next(0, 3)).Select(_ => rng.Next(1, 100)))).Append("] ").Append(ActivationVocabulary.Names[rng.Next(ActivationVocabulary.Names.Count)]).Append('\n');
        if (rng.Next(3) == 0) sb.Append("  anneal ").Append(rng.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        int families = rng.Next(1, 4);
        string[] props = { "increasing", "decreasing", "transient", "nonnegative", "bounded" };
        for (int f = 0; f < families; f++)
        {
            int kind = rng.Next(3);
            string prop = rng.Next(3) == 0 ? " " + props[rng.Next(props.Length)] : "";
            var names = new List<string>();
            sb.Append("  family f").Append(f).Append(prop).Append(" {\n");
            int nParams = rng.Next(0, 3);
            for (int p = 0; p < nParams; p++)
            {
                string name = "p" + p;
                names.Add(name);
                sb.Append("    param ").Append(name);
                switch (rng.Next(4))
                {
                    case 0: sb.Append(" > 0 ~ gamma(2, 1)"); break;
                    case 1: sb.Append(" < 0"); break;
                    case 2: sb.Append(" in (-1, 2) ~ normal(0, 1) init 0.5"); break;
                }
                sb.Append('\n');
            }
            if (kind == 1 && rng.Next(2) == 0) sb.Append("    param v0 > 0\n");
            if (rng.Next(3) == 0) sb.Append("    param x0 ~ normal(0, 2)\n");
            string body = GenExpr(rng, rng.Next(1, 5), kind != 2, kind == 2, names);
            sb.Append(kind == 0 ? "    dx/dz = " : kind == 1 ? "    d2x/dz2 = " : "    x = ").Append(body).Append('\n');
            if (rng.Next(3) == 0) sb.Append("    map ").Append(new[] { "sigmoid(x)", "softplus(x)", "-x", "2 * x + 1", "tanh(x) * 3" }[rng.Next(5)]).Append('\n');
            sb.Append("  }\n");
        }
        sb.Append("}\n");
        return sb.ToString();
    }

    [Fact]
    public void RandomTokenSoups()
    {
        var rng = new Random(20210718);
        var failures = new List<string>();
        for (int i = 0; i < 3000; i++) Check(TokenSoup(rng), failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
    }

    [Fact]
    public void MutatedExamples()
    {
        var rng = new Random(4242);
        var corpus = Corpus();
        var failures = new List<string>();
        for (int i = 0; i < 4500; i++) Check(Mutate(corpus[rng.Next(corpus.Count)], rng), failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
    }

    [Fact]
    public void RandomBinary()
    {
        var rng = new Random(99);
        var failures = new List<string>();
        for (int i = 0; i < 500; i++)
        {
            var chars = new char[rng.Next(0, 400)];
            for (int k = 0; k < chars.Length; k++) chars[k] = (char)(rng.Next(4) == 0 ? rng.Next(0, 0x10000) : rng.Next(0, 128));
            Check(new string(chars), failures);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
    }

    [Fact]
    public void GeneratedModelsRoundTrip()
    {
        var rng = new Random(7);
        var failures = new List<string>();
        int clean = 0;
        for (int i = 0; i < 2500; i++)
        {
            var text = GenModel(rng);
            var r = Check(text, failures, roundTrip: true);
            if (r != null && !r.HasErrors) clean++;
            // Deterministic: the same text gives the same result.
            if (i % 10 == 0) Assert.Equal(r, DspecCompiler.Compile(text, "fuzz.dspec"));
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
        Assert.True(clean > 500, "only " + clean + " generated models checked clean");
    }

    // 3000 + 4500 + 500 + 2500 = 10,500 inputs per run.
}

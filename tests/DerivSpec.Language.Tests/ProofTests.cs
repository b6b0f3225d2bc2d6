using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>Provable and unprovable cases for every property, and a numerical check that what is proven holds.</summary>
public class ProofTests
{
    private static CompileResult Family(string header, string body, int latent = 1) =>
        DspecCompiler.Compile($"model M {{\n  latent {latent}\n  family f {header} {{\n{body}\n  }}\n}}\n", "proof.dspec");

    public static IEnumerable<object[]> Provable() => new (string Props, string Body, int Latent)[]
    {
        // increasing
        ("increasing", "    dx/dz = softplus(net)", 1),
        ("increasing", "    dx/dz = exp(net) + square(net)", 1),
        ("increasing", "    dx/dz = sigmoid(net) * softplus(net)", 1),
        ("increasing", "    dx/dz = abs(net) / (1 + square(net))", 1),
        ("increasing", "    param k > 0\n    dx/dz = k * softplus(net)", 1),
        ("increasing", "    dx/dz = 0", 1),
        ("increasing", "    dx/dz = softplus(net)\n    map sigmoid(x)", 1),
        ("increasing", "    dx/dz = -softplus(net)\n    map -x", 1),
        ("increasing", "    dx/dz = -softplus(net)\n    map exp(-x)", 1),
        ("increasing", "    param a\n    x = z + a", 1),
        ("increasing", "    x = integral(softplus(net))", 1),
        ("increasing", "    param k > 0\n    x = k * integral(softplus(net)) + tanh(z)", 1),
        ("increasing", "    x = exp(z) * sigmoid(z)", 1),
        ("increasing", "    x = z ^ 3", 1),
        ("increasing", "    x = -1 / (1 + exp(z))", 1),
        ("increasing", "    param v0 > 0\n    d2x/dz2 = 0", 1),
        // decreasing
        ("decreasing", "    dx/dz = -softplus(net)", 1),
        ("decreasing", "    dx/dz = -square(net) - 1", 3),
        ("decreasing", "    param k < 0\n    dx/dz = k * sigmoid(net)", 1),
        ("decreasing", "    dx/dz = softplus(net)\n    map -x", 1),
        ("decreasing", "    x = -integral(exp(net))", 1),
        ("decreasing", "    x = exp(-z)", 1),
        // transient
        ("transient", "    param z0 ~ normal(0, 1)\n    param c ~ normal(0, 1)\n    param A > 0 ~ gamma(1, 1)\n    let h = (z - z0) * softplus(c + integral((z - z0) * softplus(net)))\n    x = A * exp(-square(h))", 1),
        ("transient", "    param z0\n    param s > 0\n    x = exp(-square((z - z0) / s))", 2),
        ("transient", "    x = exp(-(z ^ 2))", 1),
        ("transient", "    param a\n    x = 1 / (1 + square(z - a))", 1),
        ("transient", "    param a\n    dx/dz = -(z - a) * softplus(net)", 1),
        ("transient", "    param a\n    dx/dz = (a - z) * exp(net)", 1),
        ("transient", "    param a\n    x = -abs(z - a)", 1),
        ("transient", "    param a\n    x = exp(-square(z - a))\n    map 2 * x + 1", 1),
        ("transient", "    param a\n    let h = (a - z) * softplus(integral((z - a) * square(net)) + 1)\n    x = sigmoid(-square(h))", 1),
        // nonnegative
        ("nonnegative", "    dx/dz = softplus(net)\n    map softplus(x)", 1),
        ("nonnegative", "    param x0 > 0\n    x = square(z)", 4),
        ("nonnegative", "    param x0 in (0, 1)\n    param A > 0\n    x = A * exp(-square(z))", 2),
        ("nonnegative", "    dx/dz = net\n    map exp(x)", 1),
        ("nonnegative", "    param x0 > 0\n    x = abs(integral(net))", 1),
        // bounded
        ("bounded", "    dx/dz = softplus(net)\n    map sigmoid(x)", 1),
        ("bounded", "    param lo\n    param hi\n    dx/dz = softplus(net)\n    map lo + (hi - lo) * sigmoid(x)", 1),
        ("bounded", "    param A > 0\n    x = A * exp(-square(z))", 1),
        ("bounded", "    x = tanh(integral(net)) + sigmoid(z)", 1),
        ("bounded", "    param s > 0\n    x = 1 / (s + square(z))", 1),
        // several at once
        ("increasing nonnegative bounded", "    dx/dz = softplus(net)\n    map sigmoid(x)", 1),
        ("transient nonnegative bounded", "    param x0 > 0\n    param z0\n    x = exp(-square(z - z0))", 3),
    }.Select(c => new object[] { c.Props, c.Body, c.Latent });

    public static IEnumerable<object[]> Unprovable() => new (string Props, string Body, string Id, string Snippet)[]
    {
        ("increasing", "    dx/dz = tanh(net)", "DSPEC2001", "tanh(net)"),
        ("increasing", "    dx/dz = net", "DSPEC2001", "net"),
        ("increasing", "    param k\n    dx/dz = k * softplus(net)", "DSPEC2001", "k * softplus(net)"),
        ("increasing", "    dx/dz = softplus(net) - 1", "DSPEC2001", "softplus(net) - 1"),
        ("increasing", "    dx/dz = softplus(net)\n    map square(x)", "DSPEC2001", "square(x)"),
        ("increasing", "    dx/dz = softplus(net)\n    map -x", "DSPEC2001", "-x"),
        ("increasing", "    x = square(z)", "DSPEC2001", "square(z)"),
        ("increasing", "    x = z * sigmoid(z)", "DSPEC2001", "z * sigmoid(z)"),
        ("increasing", "    x = integral(net)", "DSPEC2001", "integral(net)"),
        ("increasing", "    x = exp(-z)", "DSPEC2001", "exp(-z)"),
        ("increasing", "    d2x/dz2 = softplus(net)", "DSPEC2001", "softplus(net)"),
        ("decreasing", "    dx/dz = square(net)", "DSPEC2002", "square(net)"),
        ("decreasing", "    dx/dz = -tanh(net)", "DSPEC2002", "-tanh(net)"),
        ("decreasing", "    x = z - square(z)", "DSPEC2002", "square(z)"),
        ("decreasing", "    dx/dz = -softplus(net)\n    map sigmoid(-x) * x", "DSPEC2002", "sigmoid(-x) * x"),
        ("transient", "    dx/dz = softplus(net)", "DSPEC2003", "softplus(net)"),
        ("transient", "    param z0\n    x = exp(-square((z - z0) * softplus(integral(net))))", "DSPEC2003", "exp(-square((z - z0) * softplus(integral(net))))"),
        ("transient", "    param z0\n    param z1\n    x = exp(-square((z - z0) * softplus(integral((z - z1) * softplus(net)))))", "DSPEC2003", "exp("),
        ("transient", "    param A\n    x = A * exp(-square(z))", "DSPEC2003", "A * exp(-square(z))"),
        ("transient", "    x = exp(square(z))", "DSPEC2003", "exp(square(z))"),
        ("transient", "    x = exp(-square(z))\n    map square(x - 0.5)", "DSPEC2003", "square(x - 0.5)"),
        ("transient", "    param a\n    dx/dz = (z - a) * softplus(net)", "DSPEC2003", "(z - a) * softplus(net)"),
        ("transient", "    d2x/dz2 = -softplus(net)", "DSPEC2003", "-softplus(net)"),
        ("nonnegative", "    dx/dz = softplus(net)", "DSPEC2004", "softplus(net)"),
        ("nonnegative", "    x = square(z)", "DSPEC2004", "square(z)"),
        ("nonnegative", "    param x0 > 0\n    x = square(z) - 1", "DSPEC2004", "square(z) - 1"),
        ("nonnegative", "    dx/dz = net\n    map tanh(x)", "DSPEC2004", "tanh(x)"),
        ("bounded", "    dx/dz = softplus(net)", "DSPEC2005", "softplus(net)"),
        ("bounded", "    x = z * sigmoid(z)", "DSPEC2005", "z"),
        ("bounded", "    x = integral(sigmoid(net))", "DSPEC2005", "integral(sigmoid(net))"),
        ("bounded", "    dx/dz = softplus(net)\n    map exp(x)", "DSPEC2005", "exp(x)"),
        ("bounded", "    x = 1 / softplus(z)", "DSPEC2005", "1 / softplus(z)"),
    }.Select(c => new object[] { c.Props, c.Body, c.Id, c.Snippet });

    [Theory]
    [MemberData(nameof(Provable))]
    public void ProvableCasesCheckClean(string props, string body, int latent)
    {
        var r = Family(props, body, latent);
        Assert.False(r.HasErrors, string.Join("\n", r.Diagnostics));
        var f = Assert.Single(Assert.Single(r.Models).Families);
        foreach (var p in props.Split(' '))
            Assert.True(f.Declared.HasFlag(Enum.Parse<ShapeProperties>(p, ignoreCase: true)));
        NumericCheck.AssertHolds(Assert.Single(r.Models), f, new Random(props.GetHashCode() ^ body.Length));
    }

    [Theory]
    [MemberData(nameof(Unprovable))]
    public void UnprovableCasesPointAtTheCulprit(string props, string body, string id, string snippet)
    {
        var text = $"model M {{\n  latent 1\n  family f {props} {{\n{body}\n  }}\n}}\n";
        var r = DspecCompiler.Compile(text, "proof.dspec");
        Assert.Empty(r.Models);
        var d = Assert.Single(r.Diagnostics, x => x.Severity == DspecSeverity.Error);
        Assert.Equal(id, d.Id);
        Assert.StartsWith(snippet, text.Substring(d.Start, d.Length));
        if (id != "DSPEC2007") Assert.Contains("for family 'f': ", d.Message);
    }

    [Fact]
    public void TanhIncreasingPointsAtTanhAndSaysWhy()
    {
        var text = "model M {\n  family f increasing: dx/dz = tanh(net)\n}\n";
        var d = Assert.Single(DspecCompiler.Compile(text, "t").Diagnostics);
        Assert.Equal("tanh(net)", text.Substring(d.Start, d.Length));
        Assert.Equal("Cannot prove 'increasing' for family 'f': dx/dz = tanh(net) must be ≥ 0 for every z, but its range is (-1, 1).", d.Message);
    }

    [Fact]
    public void TheCardsFamilyWithoutPropertiesIsValid()
    {
        var r = DspecCompiler.Compile("model M {\n  family rise: dx/dz = softplus(net)\n}\n", "card");
        Assert.Empty(r.Diagnostics);
        Assert.Equal(ShapeProperties.None, r.Models[0].Families[0].Declared);
    }

    /// <summary>Soundness on random templates: every model that checks clean is verified numerically.</summary>
    [Fact]
    public void ProvenPropertiesHoldNumericallyOnGeneratedFamilies()
    {
        var rng = new Random(1234);
        int proven = 0;
        for (int i = 0; i < 300; i++)
        {
            var (props, body) = Templates.Generate(rng);
            var r = Family(props, body, rng.Next(1, 3));
            if (r.HasErrors) continue;
            proven++;
            var m = r.Models[0];
            NumericCheck.AssertHolds(m, m.Families[0], rng);
        }
        Assert.True(proven >= 150, $"only {proven} of 300 templated families proved");
    }

    private static class Templates
    {
        private static string Any(Random rng, int depth)
        {
            if (depth <= 0 || rng.Next(3) == 0) return new[] { "net", "z", "1", "0.5", "p" }[rng.Next(5)];
            return rng.Next(4) switch
            {
                0 => $"({Any(rng, depth - 1)} {"+-*"[rng.Next(3)]} {Any(rng, depth - 1)})",
                1 => $"tanh({Any(rng, depth - 1)})",
                2 => $"-{Any(rng, depth - 1)}",
                _ => $"sigmoid({Any(rng, depth - 1)})",
            };
        }

        private static string Pos(Random rng, int depth)
        {
            if (depth <= 0) return new[] { "softplus(net)", "exp(net)", "2", "k" }[rng.Next(4)];
            return rng.Next(6) switch
            {
                0 => $"softplus({Any(rng, depth - 1)})",
                1 => $"sigmoid({Any(rng, depth - 1)})",
                2 => $"({Pos(rng, depth - 1)} + {Pos(rng, depth - 1)})",
                3 => $"{Pos(rng, depth - 1)} * {Pos(rng, depth - 1)}",
                4 => $"(square({Any(rng, depth - 1)}) + {Pos(rng, depth - 1)})",
                _ => $"exp(-square({Any(rng, depth - 1)}))",
            };
        }

        private static string IncMap(Random rng) => new[] { "", "\n    map sigmoid(x)", "\n    map 2 * x - 1", "\n    map tanh(x) + k", "\n    map softplus(x)" }[rng.Next(5)];

        public static (string Props, string Body) Generate(Random rng)
        {
            const string ps = "    param p\n    param k > 0\n    param a in (-1, 1)\n";
            int d = rng.Next(0, 3);
            switch (rng.Next(5))
            {
                case 0: return ("increasing", ps + $"    dx/dz = {Pos(rng, d)} + 0 * p * k * a" + IncMap(rng));
                case 1: return ("decreasing", ps + $"    dx/dz = -({Pos(rng, d)}) + 0 * p * k * a" + IncMap(rng));
                case 2: return ("transient", ps + $"    dx/dz = (a - z) * ({Pos(rng, d)}) + 0 * p * k" + IncMap(rng));
                case 3: return ("transient", ps + $"    let h = (z - a) * softplus(p + integral((z - a) * ({Pos(rng, d)})))\n    x = k * exp(-square(h))" + IncMap(rng));
                default: return ("nonnegative bounded", ps + "    param x0 > 0\n" + $"    x = k * exp(-square((z - a) * ({Pos(rng, 0).Replace("net", "p")})))");
            }
        }
    }
}

/// <summary>Evaluates a checked family numerically and checks its declared properties on a grid.</summary>
internal static class NumericCheck
{
    private const int Grid = 61;
    private const double Lo = -3, Hi = 3;

    public static void AssertHolds(CheckedModel model, CheckedFamily f, Random rng)
    {
        for (int trial = 0; trial < 3; trial++)
        {
            // A random smooth "network output" and random parameters within their constraints.
            double a1 = rng.NextDouble() * 6 - 3, a2 = rng.NextDouble() * 4 - 2, w1 = rng.NextDouble() * 3, w2 = rng.NextDouble() * 5, b = rng.NextDouble() * 4 - 2;
            Func<double, double> net = t => a1 * Math.Sin(w1 * t + b) + a2 * Math.Cos(w2 * t) + b;
            var ps = f.Parameters.ToDictionary(p => p.Name, p => Sample(p.Constraint, rng));
            double others = 0;
            for (int q = 1; q < model.LatentDim; q++) others += Shape(f, rng.NextDouble() * 4 - 2, net, ps);
            var xs = new double[Grid];
            for (int i = 0; i < Grid; i++)
            {
                double z = Lo + (Hi - Lo) * i / (Grid - 1);
                double x = ps["x0"] + others + Shape(f, z, net, ps);
                xs[i] = f.OutputMap == null ? x : Eval(f.OutputMap, z, net, ps, x);
            }
            if (xs.Any(v => double.IsNaN(v) || double.IsInfinity(v))) continue;
            double scale = 1e-7 * (1 + xs.Max(Math.Abs));
            string where = $"family {f.Name}: {DspecPrinter.PrintExpression(f.Body)}; values {string.Join(", ", xs.Select(v => v.ToString("G4")))}";
            if (f.Declared.HasFlag(ShapeProperties.Increasing))
                for (int i = 1; i < Grid; i++) Assert.True(xs[i] >= xs[i - 1] - scale, "not increasing: " + where);
            if (f.Declared.HasFlag(ShapeProperties.Decreasing))
                for (int i = 1; i < Grid; i++) Assert.True(xs[i] <= xs[i - 1] + scale, "not decreasing: " + where);
            if (f.Declared.HasFlag(ShapeProperties.Nonnegative))
                Assert.True(xs.Min() >= -scale, "negative: " + where);
            if (f.Declared.HasFlag(ShapeProperties.Transient))
            {
                int top = Array.IndexOf(xs, xs.Max());
                for (int i = 1; i <= top; i++) Assert.True(xs[i] >= xs[i - 1] - scale, "not rising before the peak: " + where);
                for (int i = top + 1; i < Grid; i++) Assert.True(xs[i] <= xs[i - 1] + scale, "not falling after the peak: " + where);
            }
        }
    }

    private static double Sample(ParameterConstraint c, Random rng) => c.Kind switch
    {
        ParameterConstraintKind.Positive => 0.05 + rng.NextDouble() * 3,
        ParameterConstraintKind.Negative => -0.05 - rng.NextDouble() * 3,
        ParameterConstraintKind.Interval => c.Lower + (c.Upper - c.Lower) * (0.02 + 0.96 * rng.NextDouble()),
        _ => rng.NextDouble() * 4 - 2,
    };

    /// <summary>s(z) per CONTRACT §2 (composite Simpson rule for the integrals).</summary>
    private static double Shape(CheckedFamily f, double z, Func<double, double> net, Dictionary<string, double> ps) => f.Kind switch
    {
        FamilyKind.FirstOrder => Integrate(t => Eval(f.Body, t, net, ps, 0), z),
        FamilyKind.SecondOrder => ps["v0"] * z + Integrate(t => (z - t) * Eval(f.Body, t, net, ps, 0), z),
        _ => Eval(f.Body, z, net, ps, 0),
    };

    private static double Integrate(Func<double, double> g, double z)
    {
        const int n = 100;
        double h = z / n, sum = g(0) + g(z);
        for (int i = 1; i < n; i++) sum += (i % 2 == 1 ? 4 : 2) * g(i * h);
        return sum * h / 3;
    }

    private static double Eval(Expr e, double z, Func<double, double> net, Dictionary<string, double> ps, double x) => e switch
    {
        Num n => n.Value,
        Var v => v.Kind switch { VarKind.Z => z, VarKind.Net => net(z), VarKind.X => x, _ => ps[v.Name] },
        Unary u => -Eval(u.Operand, z, net, ps, x),
        Binary b => b.Op switch
        {
            BinaryOp.Add => Eval(b.Left, z, net, ps, x) + Eval(b.Right, z, net, ps, x),
            BinaryOp.Subtract => Eval(b.Left, z, net, ps, x) - Eval(b.Right, z, net, ps, x),
            BinaryOp.Multiply => Eval(b.Left, z, net, ps, x) * Eval(b.Right, z, net, ps, x),
            BinaryOp.Divide => Eval(b.Left, z, net, ps, x) / Eval(b.Right, z, net, ps, x),
            _ => Math.Pow(Eval(b.Left, z, net, ps, x), Eval(b.Right, z, net, ps, x)),
        },
        Call c => Apply(c.Fn, Eval(c.Arg, z, net, ps, x)),
        Integral i => Integrate(t => Eval(i.Body, t, net, ps, x), z),
        _ => double.NaN,
    };

    private static double Apply(Function fn, double v) => fn switch
    {
        Function.Softplus => v > 30 ? v : Math.Log(1 + Math.Exp(v)),
        Function.Sigmoid => 1 / (1 + Math.Exp(-v)),
        Function.Exp => Math.Exp(v),
        Function.Log => Math.Log(v),
        Function.Tanh => Math.Tanh(v),
        Function.Square => v * v,
        _ => Math.Abs(v),
    };
}

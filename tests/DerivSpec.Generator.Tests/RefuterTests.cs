using System;
using Declared = DerivSpec.Language.ShapeProperties;   // the properties a generated family declares
using System.Globalization;
using System.Linq;
using DerivSpec.Refuter;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Tools;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// The refuter (tests/DerivSpec.Refuter, whose sources this project compiles): accepted random families evaluated
/// through their generated decoders in float32 must keep every declared property, and the paper's families must
/// survive the known adversarial network, a narrow bump. Every decoder uses its default integration rule.
/// The command runs many more families: dotnet run -c Release --project tests/DerivSpec.Refuter -- --families 10000.
/// </summary>
public class RefuterTests
{
    private readonly ITestOutputHelper _output;

    public RefuterTests(ITestOutputHelper output) => _output = output;

    /// <summary>CI-sized run: 200 accepted families (3 compiled models), 32 settings each, ~4,460 z points.</summary>
    [Fact]
    public void AcceptedRandomFamiliesKeepTheirDeclaredPropertiesThroughTheirGeneratedDecoders()
    {
        var result = DerivSpec.Refuter.Refuter.Run(new RefuterOptions { Families = 200, Seed = 1, Report = 2 });
        string summary = result.Summary();
        _output.WriteLine(summary);
        Assert.Equal(200, result.Accepted);
        // Some accepted families have a parameter `in latent`, evaluated under arbitrary running ranges.
        Assert.True(result.AcceptedWithLatentRange >= 5, summary);
        Assert.True(result.Accepted >= result.Generated / 5, "the generator should be biased towards accepted families:\n" + summary);
        Assert.True(result.TotalViolations == 0, summary);
    }

    private const string BumpModels = """
        model Bump {
          latent 1
          net [2] tanh
          family rise increasing: dx/dz = softplus(net)
          family peak transient {
            param z0 ~ normal(0, 1)
            param c ~ normal(0, 1)
            param A > 0 ~ gamma(1, 1)
            let h = (z - z0) * softplus(c + integral((z - z0) * softplus(net)))
            x = A * exp(-square(h))
          }
        }
        """;

    /// <summary>The compiled Bump model in float32 whose network is, for both families, 35·(tanh(400(τ − 2)) −
    /// tanh(400(τ − 2.05))) − 40: +30 on [2, 2.05] (softplus ≈ 30) and −40 elsewhere (softplus ≈ 4e-18); the
    /// transient's anchor z0 = <paramref name="z0"/>, c = 0, A = 1.</summary>
    private static DerivativeDecoder BumpDecoder(DspecCompilation compilation, double z0)
    {
        var d = (DerivativeDecoder)compilation.Model("Bump").Create(1, dtype: ScalarType.Float32);
        using (no_grad())
        {
            d.get_parameter("net_w0")!.copy_(tensor(new float[] { 400, 400 }).reshape(1, 1, 2));
            d.get_parameter("net_b0")!.copy_(tensor(new float[] { -800, -820 }).reshape(1, 1, 2));
            d.get_parameter("net_w1")!.copy_(tensor(new float[] { 35, 35, -35, -35 }).reshape(1, 2, 2));
            d.get_parameter("net_b1")!.copy_(tensor(new float[] { -40, -40 }).reshape(1, 1, 2));
            for (int i = 0; i < d.Layout.Parameters.Count; i++)
            {
                var p = d.Layout.Parameters[i];
                if (p.Family != 1) continue;
                if (p.Name == "z0") d.RawParameter(i).fill_(z0);
                if (p.Name == "c") d.RawParameter(i).fill_(0);
                if (p.Name == "A") d.RawParameter(i).fill_(Math.Log(Math.E - 1));   // softplus⁻¹(1)
            }
        }
        return d;
    }

    private static float[] Linspace(double lo, double hi, int n) =>
        Enumerable.Range(0, n).Select(i => (float)(lo + (hi - lo) * i / (n - 1))).ToArray();

    private static double[] Family(DerivativeDecoder d, float[] z, int family)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = d.forward(tensor(z).reshape(z.Length, 1));
        return x.select(1, family).select(1, 0).contiguous().data<float>().ToArray().Select(v => (double)v).ToArray();
    }

    private static string Where(float[] z, double[] x, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"x({z[i - 1]:R}) = {x[i - 1]:R}, x({z[i]:R}) = {x[i]:R}");

    [Fact]
    public void AStepOfTheOutputIsMapRoundingOnlyWhereTheValueBeforeTheMapMovesByItsRounding()
    {
        // One family (k = 1) and the refuter's 8 features, feature 0 used: x before the map steps back by one float32 ulp
        // at index 2, and a steep map turns that into a 10-ulp drop of the output; elsewhere both rise.
        const int features = 8;
        float x1 = 5.3759f, back = MathF.BitDecrement(x1);
        var pre = new[] { 5.3f, 5.37f, x1, back, 5.4f, 5.5f };
        float y2 = 0.004579095f, y3 = y2;
        for (int u = 0; u < 10; u++) y3 = MathF.BitDecrement(y3);
        var output = new double[] { 0.0040, 0.0045, y2, y3, 0.0046, 0.0047 };
        var grid = new float[] { 0, 1, 2, 3, 4, 5 };
        float[] Flatten(float[] v) { var f = new float[v.Length * features]; for (int i = 0; i < v.Length; i++) f[i * features] = v[i]; return f; }

        Assert.Contains(DerivSpec.Refuter.Refuter.Check(Declared.Increasing, output, 0), v => v.Kind == "increasing" && v.Index == 3);
        var excuse = DerivSpec.Refuter.Refuter.MapRounding(Declared.Increasing, output, "increasing", 0, Flatten(pre), 0, 0, 1, grid);
        Assert.NotNull(excuse);
        Assert.Contains("a step of 1 ulp", excuse);

        // The same output with x falling by 100 ulps there: a break of x itself, not excused.
        float far = x1;
        for (int u = 0; u < 100; u++) far = MathF.BitDecrement(far);
        pre[3] = far;
        Assert.Null(DerivSpec.Refuter.Refuter.MapRounding(Declared.Increasing, output, "increasing", 0, Flatten(pre), 0, 0, 1, grid));
    }

    [Fact]
    public void ANaNBehindAMapOfAValueBeyondTheDoubleRangeIsAnOverflowNotAFalseProof()
    {
        // Found by the refuter (seed 15, 20,000 families): dx/dz = exp(exp(net)) is proven increasing, and the map
        // (x / 40) * (0 * p0) is exactly 0 for every real x; with net ≈ 10 the integrand exp(e^10) leaves even the double
        // range, x is ±∞, and the map gives ∞·0 = NaN. That is the overflow the refuter lists apart, as it does when the
        // line itself holds ±∞ — but here only x before the map does.
        const int features = 8;   // the refuter's columns
        using var compilation = DspecRuntimeCompiler.Compile("""
            model M {
              latent 1
              net [32] tanh
              family f0 increasing {
                param p0 < 0
                dx/dz = exp(exp(net))
                map (x / 40) * (0 * p0)
              }
            }
            """, "found.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        using var scope = NewDisposeScope();
        using var d = (DerivativeDecoder)compilation.Model("M").Create(features, dtype: ScalarType.Float64);
        var z = linspace(-2, 2, 9, dtype: ScalarType.Float64).reshape(9, 1);
        double[] Run(double bias, bool maps)
        {
            using var _ = no_grad();
            d.get_parameter("net_w1")!.zero_();
            d.get_parameter("net_b1")!.fill_(bias);
            d.ApplyOutputMaps = maps;
            try { return d.forward(z).contiguous().data<double>().ToArray(); }
            finally { d.ApplyOutputMaps = true; }
        }
        Assert.Contains(Run(10, maps: true), double.IsNaN);
        Assert.True(DerivSpec.Refuter.Refuter.PreMapInfinite(Run(10, maps: false), 0, 3, 1, 9));
        // A network that keeps the integrand in range: x is finite and the map's value is 0 (no NaN, nothing excused).
        Assert.All(Run(-10, maps: true), v => Assert.Equal(0.0, Math.Abs(v)));
        Assert.False(DerivSpec.Refuter.Refuter.PreMapInfinite(Run(-10, maps: false), 0, 3, 1, 9));
    }

    [Fact]
    public void ThePaperRiseWithANarrowBumpIsNondecreasing()
    {
        using var compilation = DspecRuntimeCompiler.Compile(BumpModels, "bump.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        using var scope = NewDisposeScope();
        using var d = BumpDecoder(compilation, 0);
        var z = Linspace(0, 6, 6001);
        var x = Family(d, z, 0);
        Assert.True(x.All(double.IsFinite));
        var broken = DerivSpec.Refuter.Refuter.Check(Declared.Increasing, x, 0);
        Assert.True(broken.Count == 0, broken.Count == 0 ? "" : "rise decreases: " + Where(z, x, broken[0].Index));
    }

    [Fact]
    public void ThePaperTransientWithANarrowBumpStaysUnimodal()
    {
        using var compilation = DspecRuntimeCompiler.Compile(BumpModels, "bump.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        using var scope = NewDisposeScope();
        foreach (double z0 in new[] { 0.0, 1.9, 2.02 })
        {
            using var d = BumpDecoder(compilation, z0);
            var z = Linspace(-10, 10, 6001).Concat(Linspace(1.8, 2.3, 2001)).Distinct().OrderBy(v => v).ToArray();
            var x = Family(d, z, 1);
            Assert.True(x.All(double.IsFinite));
            var broken = DerivSpec.Refuter.Refuter.Check(Declared.Transient, x, Array.IndexOf(z, 0f));
            Assert.True(broken.Count == 0, broken.Count == 0 ? "" : $"z0 = {z0}: the transient rises again after falling: " + Where(z, x, broken[0].Index));
        }
    }

    [Fact]
    public void AnOutputDoesNotDependOnTheOtherSamplesOfTheBatch()
    {
        using var compilation = DspecRuntimeCompiler.Compile(BumpModels, "bump.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        using var scope = NewDisposeScope();
        using var d = BumpDecoder(compilation, 1.9);
        var probes = new float[] { 2.02f, 2.049f, 0.5f, -3f, 7.3f, 0f };
        var batch = Linspace(-10, 10, 4001).Concat(probes).ToArray();
        for (int family = 0; family < 2; family++)
        {
            var inBatch = Family(d, batch, family);
            var inSmallBatch = Family(d, new[] { -10f, 10f }.Concat(probes).ToArray(), family);
            for (int i = 0; i < probes.Length; i++)
            {
                double alone = Family(d, new[] { probes[i] }, family)[0];
                double a = inBatch[4001 + i], b = inSmallBatch[2 + i];
                foreach (double other in new[] { a, b })
                {
                    double ulp = DerivSpec.Refuter.Refuter.Ulp((float)Math.Max(Math.Abs(alone), Math.Abs(other)));
                    Assert.True(Math.Abs(alone - other) <= ulp,
                        string.Create(CultureInfo.InvariantCulture, $"family {family}, z = {probes[i]:R}: alone {alone:R}, in a batch {other:R}"));
                }
            }
        }
    }
}

using System;
using System.IO;
using System.Linq;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// Generated decoders with parameters constrained <c>in latent(a, b)</c>: the running range (a buffer), values inside
/// it for any raw value and any range, the range following the posterior means in training and not in eval, the prior
/// and the families reading the current range, reset, save and load, and the checks of hand-built layouts.
/// </summary>
public class LatentRangeDecoderTests
{
    private const string Text = """
        model Peaks {
          latent LATENT
          net [8] tanh
          encoder [8] relu
          family rise increasing: dx/dz = softplus(net)
          family peak transient {
            param z0 in latent(0.2, 0.8) ~ normal(0, 1)
            param c ~ normal(0, 1)
            param A > 0 ~ gamma(1, 1)
            let h = (z - z0) * softplus(c + integral((z - z0) * softplus(net)))
            x = A * exp(-square(h))
          }
          family dip transient {
            param w in latent
            dx/dz = -(z - w) * softplus(net)
          }
          family slope {
            param u in latent(0.2, 0.8)
            x = u * z
          }
        }
        """;

    private static DspecCompilation Compile(int latent)
    {
        var c = DspecRuntimeCompiler.Compile(Text.Replace("LATENT", latent.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), "peaks.dspec");
        Assert.True(c.Success, string.Join("\n", c.Diagnostics));
        return c;
    }

    private static int Index(DerivativeDecoder d, string family, string name)
    {
        int k = d.FamilyNames.ToList().IndexOf(family);
        for (int i = 0; i < d.Layout.Parameters.Count; i++)
            if (d.Layout.Parameters[i].Family == k && d.Layout.Parameters[i].Name == name) return i;
        throw new ArgumentException(family + "." + name);
    }

    private static void Close(double[] expected, double[] actual, int digits)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], digits);
    }

    private static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();

    [Fact]
    public void TheDecoderStartsFromTheStandardNormalsQuantilesWithTheParameterInTheMiddle()
    {
        using var c = Compile(2);
        using var scope = NewDisposeScope();
        using var d = (DerivativeDecoder)c.Model("Peaks").Create(3, dtype: ScalarType.Float64);
        Assert.True(d.HasLatentRange);
        int z0 = Index(d, "peak", "z0"), w = Index(d, "dip", "w"), u = Index(d, "slope", "u");
        Assert.Equal(ParameterConstraintKind.LatentRange, d.Layout.Parameters[z0].Constraint);
        Assert.Equal((0.2, 0.8), (d.Layout.Parameters[z0].Lower, d.Layout.Parameters[z0].Upper));
        Assert.Equal((0.1, 0.9), (d.Layout.Parameters[w].Lower, d.Layout.Parameters[w].Upper));
        // One buffer row per distinct level pair: z0 and u share theirs.
        Assert.Equal(new long[] { 2, 2, 2 }, d.get_buffer("latent_range")!.shape);
        double q2 = LatentRangeRule.NormalQuantile(0.2), q1 = LatentRangeRule.NormalQuantile(0.1);
        Close(new[] { q2, -q2, q2, -q2 }, Values(d.LatentRange(z0)), 12);
        Close(new[] { q1, -q1, q1, -q1 }, Values(d.LatentRange(w)), 12);
        d.SetLatentRange(u, tensor(new double[] { -1, 1, 2, 3 }, new long[] { 2, 2 }, dtype: ScalarType.Float64));
        Assert.Equal(new double[] { -1, 1, 2, 3 }, Values(d.LatentRange(z0)));
        // The raw value starts at 0: the middle of the range, whatever the range is.
        Assert.All(Values(d.RawParameter(z0)), v => Assert.Equal(0, v, 12));
        Assert.All(Values(d.ParameterValue(w)), v => Assert.Equal(0, v, 12));
        var z0Value = Values(d.ParameterValue(z0));   // [P = 2, d = 3]
        Close(new double[] { 0, 0, 0, 2.5, 2.5, 2.5 }, z0Value, 12);
        // Not a latent-range parameter: a clear error.
        var e = Assert.Throws<ArgumentException>(() => d.LatentRange(Index(d, "peak", "c")));
        Assert.Contains("'peak.c' is not constrained 'in latent'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheGeneratorEmitsTheKindAndTheLevels()
    {
        var output = DspecRuntimeCompiler.Generate(new[] { ("peaks.dspec", Text.Replace("LATENT", "1", StringComparison.Ordinal)) });
        Assert.Empty(output.GeneratorDiagnostics);
        string code = string.Concat(output.Sources.Select(f => f.Text));
        Assert.Contains("\"z0\", global::DerivSpec.Runtime.Decoding.ParameterShape.LatentFeature, global::DerivSpec.Runtime.Decoding.ParameterConstraintKind.LatentRange, 0.2, 0.8,", code, StringComparison.Ordinal);
        Assert.Contains("\"w\", global::DerivSpec.Runtime.Decoding.ParameterShape.LatentFeature, global::DerivSpec.Runtime.Decoding.ParameterConstraintKind.LatentRange, 0.1, 0.9,", code, StringComparison.Ordinal);
        Assert.Contains("in latent(0.2, 0.8), prior normal(0, 1)", code, StringComparison.Ordinal);   // the accessor's documentation
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void TheValueLiesInTheRangeForAnyRawValueAndAnyRange(ScalarType dtype)
    {
        using var c = Compile(1);
        using var scope = NewDisposeScope();
        using var d = (DerivativeDecoder)c.Model("Peaks").Create(9, dtype: dtype);
        int z0 = Index(d, "peak", "z0");
        var raws = new double[] { -1e4, -30, -5, -1, 0, 1e-3, 1, 5, 30 };
        var ranges = new (double Lo, double Hi)[] { (-3, 5), (0.26, 1.87), (-1.82, 1.41), (2, 2), (1e-30, 2e-30), (-1e30, 1e30), (-7, -6.999), (1e6, 1e6 + 1) };
        using (no_grad()) d.RawParameter(z0).copy_(tensor(raws, dtype: dtype).view(1, 9));
        foreach (var (lo, hi) in ranges)
        {
            d.SetLatentRange(z0, tensor(new[] { lo, hi }, new long[] { 1, 2 }, dtype: ScalarType.Float64));
            var (rlo, rhi) = (Values(d.LatentRange(z0))[0], Values(d.LatentRange(z0))[1]);   // as stored in the dtype
            var v = Values(d.ParameterValue(z0));
            for (int j = 0; j < raws.Length; j++)
            {
                Assert.InRange(v[j], rlo, rhi);
                double expected = lo + (hi - lo) / (1 + Math.Exp(-raws[j]));
                double scale = Math.Max(Math.Abs(lo), Math.Abs(hi));
                Assert.True(Math.Abs(v[j] - expected) <= (dtype == ScalarType.Float32 ? 1e-6 : 1e-14) * scale,
                    $"range ({lo}, {hi}), raw {raws[j]}: value {v[j]}, expected {expected}");
                if (Math.Abs(raws[j]) <= 5 && hi - lo > 1e-3 * scale) Assert.True(v[j] > rlo && v[j] < rhi, $"raw {raws[j]}: {v[j]} not strictly inside ({lo}, {hi})");
            }
        }
    }

    [Fact]
    public void TheFamiliesAndThePriorReadTheCurrentRange()
    {
        using var c = Compile(1);
        using var scope = NewDisposeScope();
        using var d = (DerivativeDecoder)c.Model("Peaks").Create(2, dtype: ScalarType.Float64);
        d.UseShapePreserving();
        int z0 = Index(d, "peak", "z0");
        var grid = linspace(-4, 4, 801, dtype: ScalarType.Float64).unsqueeze(1);
        foreach (var (lo, hi) in new[] { (-3.0, -1.0), (0.5, 2.5) })
        {
            d.SetLatentRange(z0, tensor(new[] { lo, hi }, new long[] { 1, 2 }, dtype: ScalarType.Float64));
            using var _ = no_grad();
            // The transient's peak is at z0 = the middle of the range (raw 0).
            var x = Values(d.forward(grid).select(1, 1).select(1, 0));
            double peakAt = -4 + 0.01 * Array.IndexOf(x, x.Max());
            Assert.Equal((lo + hi) / 2, peakAt, 2);
            // LogPrior: normal(0, 1) on z0 (one value per feature) with the other priors unchanged.
            double others = d.LogPrior().item<double>() - 2 * (-0.5 * Math.Pow((lo + hi) / 2, 2) - 0.5 * Math.Log(2 * Math.PI));
            d.SetLatentRange(z0, tensor(new[] { 0.0, 0.0 }, new long[] { 1, 2 }, dtype: ScalarType.Float64));
            double atZero = d.LogPrior().item<double>() - 2 * (-0.5 * Math.Log(2 * Math.PI));
            Assert.Equal(others, atZero, 10);
        }
    }

    /// <summary>numpy's default (linear) quantile of <paramref name="x"/> at <paramref name="level"/>.</summary>
    private static double Quantile(double[] x, double level)
    {
        var s = x.OrderBy(v => v).ToArray();
        double h = level * (s.Length - 1);
        int k = (int)Math.Floor(h);
        return k + 1 < s.Length ? s[k] + (s[k + 1] - s[k]) * (h - k) : s[k];
    }

    [Fact]
    public void ObserveLatentMovesEachRowTowardsTheBatchQuantilesByTheMomentum()
    {
        using var c = Compile(2);
        using var scope = NewDisposeScope();
        using var d = (DerivativeDecoder)c.Model("Peaks").Create(3, dtype: ScalarType.Float64);
        int z0 = Index(d, "peak", "z0"), w = Index(d, "dip", "w");
        var rng = new Random(3);
        var before = Values(d.get_buffer("latent_range")!);   // [row, p, (lo, hi)]
        foreach (int b in new[] { 37, 37, 1, 2, 128 })
        {
            var mu = new double[b, 2];
            for (int i = 0; i < b; i++) { mu[i, 0] = 3 * rng.NextDouble() - 1; mu[i, 1] = rng.NextDouble() * rng.NextDouble() - 4; }
            d.ObserveLatent(tensor(mu, dtype: ScalarType.Float64));
            var after = Values(d.get_buffer("latent_range")!);
            var levels = new[] { (0.2, 0.8), (0.1, 0.9) };   // row 0: z0 and u; row 1: w
            for (int r = 0; r < 2; r++)
                for (int p = 0; p < 2; p++)
                {
                    var column = Enumerable.Range(0, b).Select(i => mu[i, p]).ToArray();
                    for (int e = 0; e < 2; e++)
                    {
                        int at = (r * 2 + p) * 2 + e;
                        double q = Quantile(column, e == 0 ? levels[r].Item1 : levels[r].Item2);
                        Assert.Equal(0.9 * before[at] + 0.1 * q, after[at], 12);
                    }
                    Assert.True(after[(r * 2 + p) * 2] <= after[(r * 2 + p) * 2 + 1]);
                }
            before = after;
        }
        Assert.Equal(Values(d.LatentRange(z0)), before.Take(4).ToArray());
        Assert.Equal(Values(d.LatentRange(w)), before.Skip(4).ToArray());
        Assert.Throws<ArgumentException>(() => d.ObserveLatent(zeros(5, 3, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => d.ObserveLatent(zeros(0, 2, dtype: ScalarType.Float64)));
    }

    [Fact]
    public void TheRangeFollowsThePosteriorMeansInTrainingAndNotInEval()
    {
        using var c = Compile(1);
        using var scope = NewDisposeScope();
        var factory = c.Model("Peaks");
        using var model = new BasisDeVAE(factory.Create(4), factory.Defaults, new ModelOptions { Seed = 5 });
        var d = (DerivativeDecoder)model.Decoder;
        int z0 = Index(d, "peak", "z0");
        var x = rand(64, 4) * 3;
        var start = Values(d.LatentRange(z0));
        var valueAtStart = Values(d.ParameterValue(z0));

        model.Module.eval();
        using (no_grad()) model.Module.Loss(x, x, null, 64, 0.1, 1, 1);
        Assert.Equal(start, Values(d.LatentRange(z0)));

        model.Module.train();
        double[] mu;
        using (no_grad())
        {
            mu = Values(model.Module.Encoder.forward(x).Mean.squeeze(1));
            model.Module.Loss(x, x, null, 64, 0.1, 1, 1);
        }
        var moved = Values(d.LatentRange(z0));
        Assert.Equal(0.9 * start[0] + 0.1 * Quantile(mu, 0.2), moved[0], 5);
        Assert.Equal(0.9 * start[1] + 0.1 * Quantile(mu, 0.8), moved[1], 5);
        Assert.NotEqual(valueAtStart, Values(d.ParameterValue(z0)));
        // Gradients reach the raw parameter through the range, and the range itself is not trained.
        var loss = model.Module.Loss(x, x, null, 64, 0.1, 1, 1).Stacked().sum();
        loss.backward();
        Assert.NotNull(model.Module.Decoder.get_parameter("latent_raw")!.grad);
        Assert.False(d.get_buffer("latent_range")!.requires_grad);
        // ResetParameters puts the range back where it started.
        model.Module.ResetParameters(5);
        Assert.Equal(start, Values(d.LatentRange(z0)));
    }

    [Fact]
    public void TheRangeIsSavedAndLoadedWithTheModel()
    {
        using var c = Compile(2);
        var factory = c.Model("Peaks");
        string dir = Path.Combine(Path.GetTempPath(), "dspec-latent-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "peaks.model");
            double[] saved;
            using (var model = new BasisDeVAE(factory.Create(3), factory.Defaults, new ModelOptions { Seed = 1 }))
            {
                var d = (DerivativeDecoder)model.Decoder;
                d.SetLatentRange(Index(d, "peak", "z0"), tensor(new double[] { -0.25, 1.5, 0.125, 3 }, new long[] { 2, 2 }));
                d.SetLatentRange(Index(d, "dip", "w"), tensor(new double[] { -2, -1, 4, 8 }, new long[] { 2, 2 }));
                saved = Values(d.get_buffer("latent_range")!);
                model.Save(path);
                Assert.Contains(ModelFile.ReadHeader(path).Tensors, t => t.Name == "decoder.latent_range" && t.Shape.SequenceEqual(new long[] { 2, 2, 2 }));
            }
            using var loaded = new BasisDeVAE(factory.Create(3), factory.Defaults, new ModelOptions { Seed = 2 });
            var fresh = (DerivativeDecoder)loaded.Decoder;
            Assert.NotEqual(saved, Values(fresh.get_buffer("latent_range")!));
            loaded.Load(path);
            Assert.Equal(saved, Values(fresh.get_buffer("latent_range")!));
            Close(new double[] { 0.625, 0.625, 0.625, 1.5625, 1.5625, 1.5625 }, Values(fresh.ParameterValue(Index(fresh, "peak", "z0"))), 6);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    [Fact]
    public void BadRangesAndBadLayoutsAreRefusedWithClearErrors()
    {
        using var c = Compile(2);
        using var scope = NewDisposeScope();
        using var d = (DerivativeDecoder)c.Model("Peaks").Create(3, dtype: ScalarType.Float32);
        int z0 = Index(d, "peak", "z0");
        var e = Assert.Throws<ArgumentException>(() => d.SetLatentRange(z0, tensor(new double[] { 0, 1, 2, 1 }, new long[] { 2, 2 })));
        Assert.Contains("coordinate 2 must be finite with lo ≤ hi, got (2, 1)", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => d.SetLatentRange(z0, tensor(new double[] { 0, double.NaN, 0, 1 }, new long[] { 2, 2 })));
        Assert.Throws<ArgumentException>(() => d.SetLatentRange(z0, tensor(new double[] { 0, 1 }, new long[] { 1, 2 })));

        var net = new NetworkShape(new[] { 4 }, ActivationKind.Tanh);
        var families = new[] { new FamilyLayout("f", FamilyForm.Composed, false) };
        ParameterLayout P(ParameterShape shape, double a, double b, double init) =>
            new(0, "z0", shape, ParameterConstraintKind.LatentRange, a, b, ParameterPriorKind.None, 0, 0, init);
        var x0 = new ParameterLayout(0, "x0", ParameterShape.Feature, ParameterConstraintKind.None, 0, 0, ParameterPriorKind.None, 0, 0, 0);
        var bad = Assert.Throws<ArgumentException>(() => new DecoderLayout(1, 5, net, families, new[] { x0, P(ParameterShape.Feature, 0.1, 0.9, 0) }));
        Assert.Contains("'f.z0' is constrained in latent(0.1, 0.9), which needs one value per latent coordinate", bad.Message, StringComparison.Ordinal);
        bad = Assert.Throws<ArgumentException>(() => new DecoderLayout(1, 5, net, families, new[] { x0, P(ParameterShape.LatentFeature, 0.9, 0.1, 0) }));
        Assert.Contains("quantile levels must satisfy 0 ≤ a < b ≤ 1", bad.Message, StringComparison.Ordinal);
        bad = Assert.Throws<ArgumentException>(() => new DecoderLayout(1, 5, net, families, new[] { x0, P(ParameterShape.LatentFeature, 0.1, 0.9, 5) }));
        Assert.Contains("starts at 5", bad.Message, StringComparison.Ordinal);
        Assert.NotNull(new DecoderLayout(1, 5, net, families, new[] { x0, P(ParameterShape.LatentFeature, 0.1, 0.9, 0.5) }));
    }
}

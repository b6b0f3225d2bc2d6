using System;
using System.IO;
using System.Linq;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Tools;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// The default integration rule (<see cref="IntegrationRule.ShapePreserving"/>) on the paper's decoder compiled from
/// Examples/Synthetic/paper.dspec by the real checker and generator (so the transient's inner integral carries the anchor
/// z0 the checker proved): declared shapes hold in float32 for adversarial networks where the paper's rule breaks them,
/// the value of a sample does not depend on its batch, the inner integral turns exactly at z0, and on smooth networks
/// the values agree with 15-point Gauss–Legendre.
/// </summary>
public class ShapePreservingRuleTests
{
    private readonly ITestOutputHelper _out;
    public ShapePreservingRuleTests(ITestOutputHelper output) => _out = output;

    private static readonly Lazy<DspecCompilation> s_paper = new(() =>
    {
        var text = File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "Examples", "Synthetic", "paper.dspec"));
        var c = DspecRuntimeCompiler.Compile(text, "paper.dspec");
        Assert.True(c.Success, string.Join("\n", c.Diagnostics));
        return c;
    });

    private const int Rise = 0, Peak = 2;

    private static DerivativeDecoder Create(int features, ScalarType dtype, int seed)
    {
        manual_seed(seed);
        return (DerivativeDecoder)s_paper.Value.Model("Paper").Create(features, dtype: dtype);
    }

    /// <summary>Makes every net output of every family a narrow bump: ≈ <paramref name="top"/> on [a, b], ≈ −40 elsewhere.</summary>
    internal static void NarrowBump(DerivativeDecoder m, double a, double b, double top = 30, double steepness = 400)
    {
        using var _ = no_grad();
        var w0 = m.get_parameter("net_w0")!; var b0 = m.get_parameter("net_b0")!;
        var w1 = m.get_parameter("net_w1")!; var b1 = m.get_parameter("net_b1")!;
        w0.zero_(); b0.zero_(); w1.zero_();
        w0[0, 0, 0] = tensor(steepness, dtype: w0.dtype); b0[0, 0, 0] = tensor(-steepness * a, dtype: w0.dtype);
        w0[0, 0, 1] = tensor(steepness, dtype: w0.dtype); b0[0, 0, 1] = tensor(-steepness * b, dtype: w0.dtype);
        double half = (top + 40) / 2;
        w1[0, 0] = full(w1.shape[2], half, dtype: w1.dtype);
        w1[0, 1] = full(w1.shape[2], -half, dtype: w1.dtype);
        b1.fill_(-40.0);
    }

    private static float[] Curve(DerivativeDecoder m, Tensor z, int family, int feature = 0)
    {
        using var _ = no_grad();
        return m.forward(z)[.., family, feature].contiguous().data<float>().ToArray();
    }

    private static float Ulp(float v) => MathF.BitIncrement(MathF.Abs(v)) - MathF.Abs(v);

    /// <summary>Indices where the curve falls by more than 4 ulps of the larger neighbour.</summary>
    private static int[] Drops(float[] x) =>
        Enumerable.Range(0, x.Length - 1).Where(i => x[i + 1] < x[i] - 4 * Ulp(Math.Max(Math.Abs(x[i]), Math.Abs(x[i + 1])))).ToArray();

    /// <summary>Rises (beyond 4 ulps) after the first fall (beyond 4 ulps): a second peak.</summary>
    private static int SecondRises(float[] x)
    {
        bool fell = false;
        int count = 0;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            float tol = 4 * Ulp(Math.Max(Math.Abs(x[i]), Math.Abs(x[i + 1])));
            if (x[i + 1] < x[i] - tol) fell = true;
            else if (fell && x[i + 1] > x[i] + tol) count++;
        }
        return count;
    }

    [Fact]
    public void TheDefaultRuleIsShapePreserving()
    {
        using var scope = NewDisposeScope();
        var m = Create(2, ScalarType.Float32, 1);
        Assert.Equal(IntegrationRule.ShapePreserving, m.Integration);
        m.UseGaussLegendre();
        Assert.Equal(IntegrationRule.GaussLegendre, m.Integration);
        m.UseShapePreserving(new FixedGridOptions(Radius: 4, CellsPerUnit: 8));
        Assert.Equal(IntegrationRule.ShapePreserving, m.Integration);
        Assert.Equal(65, m.FixedGridOptions.Knots);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.UseShapePreserving(new FixedGridOptions(Radius: 0)));
    }

    [Fact]
    public void ANarrowBumpCannotMakeTheRiseFamilyFall()
    {
        using var scope = NewDisposeScope();
        var m = Create(1, ScalarType.Float32, 2);
        NarrowBump(m, 2.0, 2.05);
        var z = linspace(0, 6, 6001, dtype: ScalarType.Float32).view(-1, 1);
        var x = Curve(m, z, Rise);
        Assert.Empty(Drops(x));
        // The bump is seen (its exact area is 1.5; the knots, 1/32 apart, resolve it coarsely but never lose its sign).
        Assert.True(x[^1] - x[0] > 0.5, $"the bump must raise x: {x[0]} → {x[^1]}");
        // The paper's rule on the same decoder falls (the case of the issue): the check has teeth.
        m.UseGaussLegendre();
        var gl = Curve(m, z, Rise);
        _out.WriteLine($"drops: shape-preserving 0, Gauss–Legendre {Drops(gl).Length} of {gl.Length - 1} steps");
        Assert.True(Drops(gl).Length > 100);
    }

    [Fact]
    public void ANarrowBumpCannotGiveTheTransientASecondPeak()
    {
        using var scope = NewDisposeScope();
        foreach (var (a, b) in new[] { (2.0, 2.05), (-1.3, -1.28), (0.01, 0.04) })
        {
            var m = Create(1, ScalarType.Float32, 3);
            NarrowBump(m, a, b);
            using (no_grad())
            {
                m.get_parameter("latent_raw")!.zero_();   // z0 = 0, c = 0, A = softplus(0)
            }
            var z = linspace(-10, 10, 20001, dtype: ScalarType.Float32).view(-1, 1);
            var x = Curve(m, z, Peak);
            Assert.Equal(0, SecondRises(x));
            Assert.All(x, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Theory]
    [InlineData(0.3141f, 0.29, 0.33)]     // off the knots, a steep net around z0
    [InlineData(0.0f, -0.02, 0.02)]       // on the knot at 0
    [InlineData(8.0f, 7.95, 8.0)]         // on the last knot (R = 8)
    [InlineData(12.0f, 7.95, 8.0)]        // beyond the knots: the continuation through z0
    [InlineData(-10.5f, -8.0, -7.96)]     // beyond the first knot
    public void TheInnerIntegralTurnsExactlyAtTheAnchor(float z0, double bumpFrom, double bumpTo)
    {
        // x = A·exp(−h²), h = (z − z0)·softplus(c + ∫(τ − z0)·softplus(net)): h = 0 only at z0, so the maximum A is
        // reached exactly at z = z0 and the curve is monotone on each side, for z0 off the knots and a net that is
        // large near z0.
        using var scope = NewDisposeScope();
        var m = Create(1, ScalarType.Float32, 4);
        NarrowBump(m, bumpFrom, bumpTo, top: 200);
        using (no_grad())
        {
            var raw = m.get_parameter("latent_raw")!;   // rows: z0, c, A (declaration order)
            raw[0] = full(new[] { raw.shape[1], raw.shape[2] }, z0);
            raw[1] = full(new[] { raw.shape[1], raw.shape[2] }, -3.0f);
        }
        var zs = Enumerable.Range(-400, 801).Select(i => z0 + i * 1e-4f)
            .Concat(Enumerable.Range(-2000, 4001).Select(i => i * 0.01f)).Distinct().OrderBy(v => v).ToArray();
        var x = Curve(m, tensor(zs).view(-1, 1), Peak);
        int top = Array.IndexOf(zs, z0);
        float a = m.ParameterValue("peak", "A")[0, 0].item<float>();
        Assert.Equal(a, x[top]);
        for (int i = 0; i < top; i++) Assert.True(x[i] <= x[i + 1] + 4 * Ulp(x[i + 1]), $"not rising before z0 at {zs[i]}");
        for (int i = top; i + 1 < x.Length; i++) Assert.True(x[i + 1] <= x[i] + 4 * Ulp(x[i]), $"not falling after z0 at {zs[i]}");
    }

    [Fact]
    public void AnOverflowingIntegrandGivesInfinityBeyondItNotNaNEverywhere()
    {
        // exp(net) with net ≈ 100 on [2, 2.05] is ∞ in float32 at the knots there; the exact integral is finite but not
        // representable past z = 2. Below the bump the values must stay finite and exact, beyond it +∞ (never NaN).
        using var c = DspecRuntimeCompiler.Compile("model E { family f increasing: dx/dz = exp(net) }", "e.dspec");
        Assert.True(c.Success, string.Join("\n", c.Diagnostics));
        using var scope = NewDisposeScope();
        manual_seed(7);
        var m = (DerivativeDecoder)c.Model("E").Create(1);
        NarrowBump(m, 2.0, 2.05, top: 100);
        var z = linspace(-3, 6, 901, dtype: ScalarType.Float32).view(-1, 1);
        var x = Curve(m, z, 0);
        Assert.DoesNotContain(x, float.IsNaN);
        Assert.All(x.Take(450), v => Assert.True(float.IsFinite(v)));          // z ≤ 1.49
        Assert.True(float.IsPositiveInfinity(x[^1]));
        Assert.Empty(Drops(x.Where(float.IsFinite).ToArray()));

        // The same left of 0: below the bump every term of the integral is −∞ (never ∞ − ∞ = NaN).
        NarrowBump(m, -3.0, -2.95, top: 100);
        var zl = linspace(-6, 3, 901, dtype: ScalarType.Float32).view(-1, 1);
        var xl = Curve(m, zl, 0);
        Assert.DoesNotContain(xl, float.IsNaN);
        Assert.True(float.IsNegativeInfinity(xl[0]));
        Assert.All(xl.Skip(400), v => Assert.True(float.IsFinite(v)));        // z ≥ −2

        // A bump in the cells next to 0: the samples there read no whole cell (never ∞·0).
        NarrowBump(m, -0.03, 0.03, top: 100);
        var near = Curve(m, linspace(-0.1, 0.1, 201, dtype: ScalarType.Float32).view(-1, 1), 0);
        Assert.DoesNotContain(near, float.IsNaN);
    }

    [Fact]
    public void ANaNLatentGivesNaNForThatSampleOnly()
    {
        // A diverged encoder hands NaN to the decoder: that sample's values are NaN, the others are untouched, nothing throws.
        using var scope = NewDisposeScope();
        var m = Create(3, ScalarType.Float32, 8);
        using var _ = no_grad();
        var z = tensor(new[] { 0.5f, float.NaN, -1.5f }).view(-1, 1);
        var x = m.forward(z);
        Assert.True(x[1].isnan().all().item<bool>());
        Assert.True(x[0].isfinite().all().item<bool>() && x[2].isfinite().all().item<bool>());
        Assert.Equal(m.forward(z.narrow(0, 0, 1))[0].data<float>().ToArray(), x[0].data<float>().ToArray());
    }

    [Fact]
    public void ASampleDoesNotDependOnItsBatch()
    {
        using var scope = NewDisposeScope();
        var m = Create(6, ScalarType.Float32, 5);
        var z = tensor(new float[] { -2.7f, -0.4f, 0.0f, 0.93f, 3.1f, 9.5f, 12.0f }).view(-1, 1);
        using var _ = no_grad();
        var together = m.forward(z);
        var spread = m.forward(cat(new[] { z, z * 0.1f - 30f }, 0)).narrow(0, 0, z.shape[0]);
        for (int i = 0; i < z.shape[0]; i++)
        {
            var alone = m.forward(z.narrow(0, i, 1));
            var ulps = (alone - together.narrow(0, i, 1)).abs().max().item<float>();
            var scale = together.narrow(0, i, 1).abs().max().item<float>();
            Assert.True(ulps <= 2 * Ulp(scale), $"sample {i}: alone vs in its batch differ by {ulps:E2}");
            var spreadDiff = (spread.narrow(0, i, 1) - together.narrow(0, i, 1)).abs().max().item<float>();
            Assert.True(spreadDiff <= 2 * Ulp(scale), $"sample {i}: a batch that spans [−30, 12] changes it by {spreadDiff:E2}");
        }
    }

    [Fact]
    public void CuttingTheGridToTheBatchChangesNoValue()
    {
        // A batch near 0 evaluates the integrand at fewer knots (FixedGridOptions.HalfCellsFor); its samples must read the
        // same values, bit for bit, as on the whole grid — forced by one sample beyond R in a batch of the same size (the
        // size matters on its own: a vectorised exp and its scalar tail differ in the last bits, which
        // ASampleDoesNotDependOnItsBatch allows for) — with peaks z0 inside the cut, beyond it, beyond R, on either side of 0.
        using var scope = NewDisposeScope();
        var m = Create(5, ScalarType.Float32, 9);
        using var _ = no_grad();
        var raw = m.get_parameter("latent_raw")!;   // rows: z0, c, A
        raw[0] = tensor(new[] { -5.0f, -0.7f, 0.3f, 2.5f, 9.3f }).view(1, 5);
        raw[1] = tensor(new[] { 0.4f, -1.0f, 0.0f, 1.5f, -0.2f }).view(1, 5);
        foreach (var (from, to) in new[] { (-1.2, 1.2), (-0.05, 0.02), (0.5, 3.7), (-6.1, -2.0) })
        {
            var z = cat(new[] { linspace(from, to, 96, dtype: ScalarType.Float32), tensor(new[] { (float)to }) }).view(-1, 1);
            var forced = z.clone();
            forced[-1, 0] = tensor(12.0f);
            long n = z.shape[0] - 1;
            var cut = m.forward(z).narrow(0, 0, n).data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            var whole = m.forward(forced).narrow(0, 0, n).data<float>().Select(BitConverter.SingleToInt32Bits).ToArray();
            Assert.Equal(whole, cut);
        }
        Assert.Equal(41, m.FixedGridOptions.HalfCellsFor(1.2));                 // 1.2·32 = 38.4 → 38 + 3
        Assert.Equal(256, m.FixedGridOptions.HalfCellsFor(7.95));              // near R: the whole grid
        Assert.Equal(256, m.FixedGridOptions.HalfCellsFor(double.PositiveInfinity));
        Assert.Equal(new long[] { 0, 3, 5 }, m.forward(zeros(0, 1)).shape);    // an empty batch: no largest |z| to read
    }

    [Fact]
    public void SmoothNetworksAgreeWithGaussLegendre()
    {
        using var scope = NewDisposeScope();
        double worst = 0;
        foreach (int seed in new[] { 11, 12, 13 })
        {
            var m = Create(8, ScalarType.Float64, seed);
            using (no_grad())
            {
                var raw = m.get_parameter("latent_raw")!;
                raw.copy_(randn(raw.shape, dtype: ScalarType.Float64) * 0.7);
                var x0 = m.get_parameter("feature_raw")!;
                x0.copy_(randn(x0.shape, dtype: ScalarType.Float64));
            }
            var z = linspace(-4, 4, 161, dtype: ScalarType.Float64).view(-1, 1);
            using var _ = no_grad();
            var fixedRule = m.forward(z);
            m.UseGaussLegendre();
            var gl = m.forward(z);
            // Relative to each family's and feature's range of values over the grid.
            var scale = (gl.amax(new long[] { 0 }) - gl.amin(new long[] { 0 })).clamp_min(1e-3) + gl.abs().amax(new long[] { 0 }) * 1e-3;
            double rel = ((fixedRule - gl).abs() / scale).max().item<double>();
            worst = Math.Max(worst, rel);
        }
        _out.WriteLine($"max |shape-preserving − Gauss–Legendre(15)| / range over z ∈ [−4, 4]: {worst:E2}");
        Assert.True(worst < 1e-4, $"relative difference {worst:E2}");
    }

    [Fact]
    public void TwoLatentDimensionsAgreeWithGaussLegendre()
    {
        // P = 2: one contraction per latent dimension (batched), the same knots for both.
        using var compiled = TestSupport.CompileModel(Models.Paper(2));
        using var scope = NewDisposeScope();
        var m = GeneratedDecoderTests.RandomizedPaper(compiled, 5, 31);   // switched to Gauss–Legendre
        var z = randn(new long[] { 24, 2 }, dtype: ScalarType.Float64) * 1.5;
        using var _ = no_grad();
        var gl = m.forward(z);
        m.UseShapePreserving();
        var fixedRule = m.forward(z);
        double rel = ((fixedRule - gl).abs().max() / gl.abs().max()).item<double>();
        Assert.True(rel < 1e-4, $"relative difference {rel:E2}");
    }

    [Fact]
    public void GradientsFlowToZAndEveryParameter()
    {
        using var scope = NewDisposeScope();
        var m = Create(3, ScalarType.Float64, 6);
        var z = tensor(new[] { -1.2, 0.3, 2.2, 11.0, -10.5 }, dtype: ScalarType.Float64).view(-1, 1).requires_grad_(true);
        (m.forward(z).sin().sum() - m.LogPrior()).backward();
        Assert.All(m.parameters(), p => Assert.True(p.grad is not null && !p.grad.isnan().any().item<bool>()));
        Assert.False(z.grad!.isnan().any().item<bool>());
        Assert.True(z.grad!.abs().min().item<double>() > 0, "dL/dz must flow inside and beyond the knots");
        foreach (var p in m.parameters()) Assert.True(p.grad!.abs().max().item<double>() > 0);
    }
}

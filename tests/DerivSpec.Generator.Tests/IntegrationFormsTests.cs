using System;
using System.Collections.Generic;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// The cheaper forms the generator emits for integrals (QuadraturePoints.SoftplusNet, −∫e for ∫(−e),
/// IntegrateShifted for ∫(τ − c)·e) and the Gauss–Legendre rule's contraction over the nodes give the values (and,
/// where the form changes the arithmetic, the gradients) of the forms they replace — bit for bit where the rule keeps
/// proven shapes.
/// </summary>
public class IntegrationFormsTests
{
    // Three families that use net (first order, first order, composed) and a per-latent z0 for the shifted integrand.
    private sealed class Probe : DerivativeDecoder
    {
        private static DecoderLayout MakeLayout(int p) => new(
            latentDim: p, quadratureOrder: 9, new NetworkShape(new[] { 6 }, ActivationKind.Tanh),
            new[]
            {
                new FamilyLayout("a", FamilyForm.FirstOrder, true),
                new FamilyLayout("b", FamilyForm.FirstOrder, true),
                new FamilyLayout("c", FamilyForm.Composed, true),
            },
            new[]
            {
                P(0, "x0", ParameterShape.Feature, 0.0),
                P(1, "x0", ParameterShape.Feature, 0.0),
                P(2, "x0", ParameterShape.Feature, 0.0),
                P(2, "z0", ParameterShape.LatentFeature, 0.4),      // 3
            });

        private static ParameterLayout P(int f, string n, ParameterShape s, double init) =>
            new(f, n, s, ParameterConstraintKind.None, 0, 0, ParameterPriorKind.None, 0, 0, init);

        public Probe(int p, int d, ScalarType dtype) : base("Probe", MakeLayout(p), d, null, dtype) { }

        public Action<QuadraturePoints>? Check { get; set; }

        protected override Tensor[] EvaluateFamilies(QuadraturePoints q)
        {
            Check?.Invoke(q);
            var s = q.Integrate(q.SoftplusNet(0));
            return new[] { q.Assemble(q.Outer(0), s), q.Assemble(q.Outer(1), s), q.Assemble(q.Outer(2), s) };
        }
    }

    private static void Run(Probe m, Tensor z, Action<QuadraturePoints> check)
    {
        bool ran = false;
        m.Check = q => { check(q); ran = true; };
        m.forward(z);
        m.Check = null;
        Assert.True(ran);
    }

    /// <summary>Equal values (a zero of either sign equals the other; NaN equals NaN) and the same shape.</summary>
    private static bool Same(Tensor a, Tensor b) =>
        a.shape.AsSpan().SequenceEqual(b.shape) && a.eq(b).logical_or(a.isnan().logical_and(b.isnan())).all().item<bool>();

    private static IEnumerable<Action<Probe>> Rules()
    {
        yield return m => m.UseShapePreserving();
        yield return m => m.UseSharedGrid();
        yield return m => m.UseGaussLegendre();
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 300)]
    public void SoftplusNetIsSoftplusOfEverySlot(int p, int d)
    {
        torch.manual_seed(11);
        using var scope = NewDisposeScope();
        using var m = new Probe(p, d, ScalarType.Float64);
        var z = randn(new long[] { 4, p }, dtype: ScalarType.Float64) * 2;
        foreach (var rule in Rules())
        {
            rule(m);
            Run(m, z, q =>
            {
                for (int k = 0; k < 3; k++)
                {
                    var expected = nn.functional.softplus(q.Net(k));
                    var got = q.SoftplusNet(k);
                    Assert.Equal(expected.shape, got.shape);
                    Assert.True(got.allclose(expected, rtol: 1e-14, atol: 0), $"slot {k}, rule {m.Integration}");
                }
            });
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(1, 300)]
    [InlineData(2, 7)]
    public void NegationCommutesWithEveryRuleBitForBit(int p, int d)
    {
        torch.manual_seed(12);
        using var scope = NewDisposeScope();
        using var m = new Probe(p, d, ScalarType.Float32);
        // Samples beyond the fixed grid's radius (8) too, where the rule continues the end values.
        var z = tensor(new float[] { -9.5f, -3.1f, -0.2f, 0f, 0.7f, 2.9f, 8.6f, 12f }).view(-1, 1).expand(-1, p).contiguous();
        foreach (var rule in Rules())
        {
            rule(m);
            Run(m, z, q =>
            {
                var f = q.SoftplusNet(1);
                var anchor = q.Outer(3);
                Assert.True(Same(q.Integrate(-f), -q.Integrate(f)), $"rule {m.Integration}");
                Assert.True(Same(q.Integrate(-f, anchor), -q.Integrate(f, anchor)), $"rule {m.Integration}, with an anchor");
                var g = (q.Tau - q.Inner(3)) * f;
                Assert.True(Same(q.Integrate(-g, anchor), -q.Integrate(g, anchor)), $"rule {m.Integration}, sign-changing integrand");
            });
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 5)]
    [InlineData(1, 300)]
    [InlineData(2, 300)]
    public void ShiftedIntegralIsTheProductUnderTheGridRulesBitForBit(int p, int d)
    {
        torch.manual_seed(13);
        using var scope = NewDisposeScope();
        using var m = new Probe(p, d, ScalarType.Float32);
        var z = randn(new long[] { 6, p }) * 3;
        foreach (var rule in new Action<Probe>[] { x => x.UseShapePreserving(), x => x.UseSharedGrid() })
        {
            rule(m);
            Run(m, z, q =>
            {
                var f = q.SoftplusNet(2);
                var c = q.Inner(3);
                var anchor = q.Outer(3);
                Assert.True(Same(q.IntegrateShifted(f, c, anchor), q.Integrate((q.Tau - c) * f, anchor)), $"rule {m.Integration}");
                Assert.True(Same(q.IntegrateShifted(f, c), q.Integrate((q.Tau - c) * f)), $"rule {m.Integration}, no anchor");
                Assert.True(Same(q.IntegrateShifted(f, 0.75, 0.75), q.Integrate((q.Tau - 0.75) * f, 0.75)), $"rule {m.Integration}, numbers");
            });
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(1, 300)]
    [InlineData(2, 300)]
    public void GaussLegendreContractionsMatchProductAndSumWithGradients(int p, int d)
    {
        torch.manual_seed(14);
        using var scope = NewDisposeScope();
        using var m = new Probe(p, d, ScalarType.Float64);
        m.UseGaussLegendre();
        var z = (randn(new long[] { 5, p }, dtype: ScalarType.Float64) * 2).requires_grad_(true);
        var weight = m.get_parameter("net_w1")!;
        var z0 = m.get_parameter("latent_raw")!;
        Run(m, z, q =>
        {
            var f = q.SoftplusNet(2);
            var c = q.Inner(3);
            var w = (q.HalfZ * m.Quadrature.Weights).unsqueeze(-1);           // [B, P, n, 1]
            var netAndZ = new[] { z, weight };
            var all = new[] { z, weight, z0 };
            var cases = new (string Name, Tensor Got, Tensor Expected, Tensor[] Inputs)[]
            {
                ("integral", q.Integrate(f), (f * w).sum(dim: -2), netAndZ),
                ("shifted", q.IntegrateShifted(f, c, q.Outer(3)), ((q.Tau - c) * f * w).sum(dim: -2), all),
                ("shifted by a number", q.IntegrateShifted(f, -0.3), ((q.Tau + 0.3) * f * w).sum(dim: -2), netAndZ),
                ("second order", q.SecondOrder(q.Outer(3), f), q.Outer(3) * q.Z + (q.ZMinusTau * f * w).sum(dim: -2), all),
            };
            foreach (var (name, got, expected, inputs) in cases)
            {
                Assert.Equal(expected.shape, got.shape);
                Assert.True(got.allclose(expected, rtol: 1e-12, atol: 1e-12), $"{name}: max |Δ| {(got - expected).abs().max().item<double>()}");
                var outer = randn_like(expected);
                var gGot = torch.autograd.grad(new[] { (got * outer).sum() }, inputs, retain_graph: true);
                var gExp = torch.autograd.grad(new[] { (expected * outer).sum() }, inputs, retain_graph: true);
                for (int i = 0; i < inputs.Length; i++)
                    Assert.True(gGot[i].allclose(gExp[i], rtol: 1e-10, atol: 1e-12), $"{name}: gradient {i}, max |Δ| {(gGot[i] - gExp[i]).abs().max().item<double>()}");
            }
        });
    }

    [Fact]
    public void WideIntegrandsAreContractedNarrowOnesAreNot()
    {
        // The threshold the rule above is tested on both sides of.
        Assert.InRange(QuadraturePoints.ContractionMinFeatures, 6, 299);
    }
}

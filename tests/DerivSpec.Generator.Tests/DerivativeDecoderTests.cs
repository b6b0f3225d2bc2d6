using System;
using System.Linq;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Quadrature;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using DerivSpec.Tests.Shared;

namespace DerivSpec.Generator.Tests;

/// <summary>The base class's primitives, through a hand-written subclass (no generator involved).</summary>
public class DerivativeDecoderTests
{
    // Families: 0 "net": dx/dz = softplus(net); 1 "acc": d2x/dz2 = 1 (second order, v0 learnable);
    // 2 "lin": dx/dz = c with c a user parameter; 3 "bump": x = A * exp(-(z - z0)^2) composed, A > 0 ~ gamma(2, 1).
    private sealed class Hand : DerivativeDecoder
    {
        public static readonly DecoderLayout Shape = new(
            latentDim: 2, quadratureOrder: 15, new NetworkShape(new[] { 8, 8 }, ActivationKind.Tanh),
            new[]
            {
                new FamilyLayout("net", FamilyForm.FirstOrder, true),
                new FamilyLayout("acc", FamilyForm.SecondOrder, false),
                new FamilyLayout("lin", FamilyForm.FirstOrder, false),
                new FamilyLayout("bump", FamilyForm.Composed, false),
            },
            new[]
            {
                P(0, "x0", ParameterShape.Feature, 0.0),                                 // 0
                P(1, "x0", ParameterShape.Feature, 0.5),                                 // 1
                P(1, "v0", ParameterShape.LatentFeature, 0.25),                          // 2
                P(2, "x0", ParameterShape.Feature, -1.0),                                // 3
                P(2, "c", ParameterShape.LatentFeature, 0.7),                            // 4
                P(3, "x0", ParameterShape.Feature, 0.0),                                 // 5
                new ParameterLayout(3, "A", ParameterShape.LatentFeature, ParameterConstraintKind.Positive, 0, 0, ParameterPriorKind.Gamma, 2, 1, 1.5), // 6
                new ParameterLayout(3, "z0", ParameterShape.LatentFeature, ParameterConstraintKind.None, 0, 0, ParameterPriorKind.Normal, 0, 1, 0.3),  // 7
            });

        private static ParameterLayout P(int f, string n, ParameterShape s, double init) =>
            new(f, n, s, ParameterConstraintKind.None, 0, 0, ParameterPriorKind.None, 0, 0, init);

        public Hand(int d, ScalarType dtype, Device? device = null) : base("Hand", Shape, d, device, dtype) { }

        protected override Tensor[] EvaluateFamilies(QuadraturePoints q) => new[]
        {
            q.Assemble(q.Outer(0), q.Integrate(DecoderMath.Softplus(q.Net(0)))),
            q.Assemble(q.Outer(1), q.SecondOrder(q.Outer(2), q.Tau * 0.0 + 1.0)),
            q.Assemble(q.Outer(3), q.Integrate(q.Inner(4))),
            q.Assemble(q.Outer(5), q.Outer(6) * DecoderMath.Exp(-DecoderMath.Square(q.Z - q.Outer(7)))),
        };
    }

    [Fact]
    public void ClosedFormFamiliesMatchInDouble()
    {
        torch.manual_seed(1);
        using var scope = torch.NewDisposeScope();
        using var m = new Hand(5, ScalarType.Float64);
        var z = torch.tensor(new double[] { 0.3, -1.2, 2.0, 0.0, -0.4, 1.7 }, dtype: ScalarType.Float64).view(3, 2);
        var x = m.forward(z);
        Assert.Equal(new long[] { 3, 4, 5 }, x.shape);
        var zz = z.data<double>().ToArray();
        for (int b = 0; b < 3; b++)
            for (int j = 0; j < 5; j++)
            {
                double z1 = zz[2 * b], z2 = zz[2 * b + 1];
                double acc = 0.5 + 0.25 * (z1 + z2) + 0.5 * (z1 * z1 + z2 * z2);
                double lin = -1.0 + 0.7 * (z1 + z2);
                double bump = 1.5 * (Math.Exp(-(z1 - 0.3) * (z1 - 0.3)) + Math.Exp(-(z2 - 0.3) * (z2 - 0.3)));
                Assert.Equal(acc, x[b, 1, j].item<double>(), 12);
                Assert.Equal(lin, x[b, 2, j].item<double>(), 12);
                Assert.Equal(bump, x[b, 3, j].item<double>(), 12);
            }
    }

    [Fact]
    public void NetFamilyMatchesIndependentQuadratureOfTheNetwork()
    {
        torch.manual_seed(2);
        using var scope = torch.NewDisposeScope();
        using var m = new Hand(4, ScalarType.Float64);
        var z = torch.tensor(new double[] { 0.8, -1.5, -2.0, 0.1 }, dtype: ScalarType.Float64).view(2, 2);
        var fixedGrid = m.forward(z);           // the default, shape-preserving rule
        m.UseGaussLegendre();
        var x = m.forward(z);
        // Oracle: the network evaluated one point at a time, integrated with a 60-point rule on the host.
        var rule = GaussLegendre.Create(60);
        for (int b = 0; b < 2; b++)
            for (int j = 0; j < 4; j++)
            {
                double total = 0;
                for (int p = 0; p < 2; p++)
                {
                    double zp = z[b, p].item<double>();
                    total += rule.Integrate(t =>
                    {
                        var pt = torch.zeros(new long[] { 1, 2, 1 }, dtype: ScalarType.Float64);
                        pt[0, p, 0] = torch.tensor(t, dtype: ScalarType.Float64);
                        double raw = m.DerivativeNetwork(pt)[0, 0, p, 0, j].item<double>();
                        return DecoderMath.Softplus(raw);
                    }, 0, zp);
                }
                // The 15-point rule on a smooth integrand agrees with the 60-point one closely.
                Assert.Equal(total, x[b, 0, j].item<double>(), 6);
                // The default rule (piecewise-linear interpolant on knots 1/32 apart) to its h²/12·|z|·max|b′| error.
                Assert.True(Math.Abs(total - fixedGrid[b, 0, j].item<double>()) < 2e-4, $"shape-preserving rule: {fixedGrid[b, 0, j].item<double>()} vs {total}");
            }
    }

    [Fact]
    public void GradientsReachEveryParameterAndLogPriorIsExact()
    {
        torch.manual_seed(3);
        using var scope = torch.NewDisposeScope();
        using var m = new Hand(3, ScalarType.Float64);
        var z = torch.randn(new long[] { 6, 2 }, dtype: ScalarType.Float64);
        var loss = m.forward(z).square().sum() - m.LogPrior();
        loss.backward();
        foreach (var (name, p) in m.named_parameters())
        {
            Assert.NotNull(p.grad);
            Assert.True(p.grad!.abs().sum().item<double>() > 0, $"no gradient reached {name}");
        }
        // log Gamma(1.5 | 2, 1) = log(1.5) - 1.5 and log N(0.3 | 0, 1) = -0.045 - ½log 2π, for P·d = 6 elements each.
        double expected = 6 * (Math.Log(1.5) - 1.5) + 6 * (-0.045 - 0.5 * Math.Log(2 * Math.PI));
        Assert.Equal(expected, m.LogPrior().item<double>(), 10);
    }

    [Fact]
    public void Float32WorksAndParametersLiveInFewTensors()
    {
        torch.manual_seed(4);
        using var scope = torch.NewDisposeScope();
        using var m = new Hand(7, ScalarType.Float32);
        var names = m.named_parameters().Select(p => p.name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "feature_raw", "latent_raw", "net_b0", "net_b1", "net_b2", "net_w0", "net_w1", "net_w2" }, names);
        Assert.Equal(new long[] { 2, 8, 7 }, m.get_parameter("net_w2")!.shape);  // [P, in, d · K']
        Assert.Equal(new long[] { 4, 2, 7 }, m.get_parameter("latent_raw")!.shape);
        var x = m.forward(torch.randn(new long[] { 10, 2 }));
        Assert.Equal(ScalarType.Float32, x.dtype);
        Assert.Equal(new long[] { 10, 4, 7 }, x.shape);
        Assert.Equal(1.5, m.ParameterValue("bump", "A")[0, 0].item<float>(), 5);
    }

    [Fact]
    public void ModuleMoveToFloat64KeepsWorking()
    {
        torch.manual_seed(5);
        using var scope = torch.NewDisposeScope();
        using var m = new Hand(3, ScalarType.Float32);
        m.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, m.Quadrature.Weights.dtype);
        var x = m.forward(torch.randn(new long[] { 4, 2 }, dtype: ScalarType.Float64));
        Assert.Equal(ScalarType.Float64, x.dtype);
    }

    [CudaFact]
    public void CudaWhenAvailable()
    {
        torch.manual_seed(6);
        using var scope = torch.NewDisposeScope();
        using var m = new Hand(3, ScalarType.Float32, torch.CUDA);
        var x = m.forward(torch.randn(new long[] { 4, 2 }, device: torch.CUDA));
        Assert.Equal(DeviceType.CUDA, x.device_type);
    }

    [Fact]
    public void WrongInputShapeIsAClearError()
    {
        using var m = new Hand(3, ScalarType.Float32);
        var ex = Assert.Throws<ArgumentException>(() => m.forward(torch.zeros(4, 3)));
        Assert.Contains("[B, 2]", ex.Message);
    }

    // Every prior kind, with adjacent parameters that share constraint and prior (evaluated as one slice by LogPrior)
    // and neighbours that differ only in the prior's arguments (must not be merged).
    private sealed class Priors : DerivativeDecoder
    {
        private static ParameterLayout L(string n, ParameterConstraintKind c, ParameterPriorKind k, double a, double b, double init,
            double lo = 0, double hi = 0) => new(0, n, ParameterShape.LatentFeature, c, lo, hi, k, a, b, init);

        public static readonly DecoderLayout Shape = new(
            latentDim: 2, quadratureOrder: 5, new NetworkShape(new[] { 4 }, ActivationKind.Tanh),
            new[] { new FamilyLayout("only", FamilyForm.Composed, false) },
            new[]
            {
                new ParameterLayout(0, "x0", ParameterShape.Feature, ParameterConstraintKind.None, 0, 0, ParameterPriorKind.Normal, 0.2, 0.5, 0.1),
                L("a", ParameterConstraintKind.None, ParameterPriorKind.Normal, 0.5, 2, 0.3),
                L("b", ParameterConstraintKind.None, ParameterPriorKind.Normal, 0.5, 2, -0.8),
                L("c", ParameterConstraintKind.None, ParameterPriorKind.Normal, 0.5, 3, 1.1),
                L("e", ParameterConstraintKind.Positive, ParameterPriorKind.Gamma, 1, 3, 0.4),
                L("f", ParameterConstraintKind.Positive, ParameterPriorKind.Gamma, 2.5, 0.5, 1.7),
                L("g", ParameterConstraintKind.Positive, ParameterPriorKind.LogNormal, 0.1, 0.5, 0.9),
                L("h", ParameterConstraintKind.Positive, ParameterPriorKind.HalfNormal, 0.7, 0, 0.6),
                L("i", ParameterConstraintKind.Positive, ParameterPriorKind.Exponential, 2, 0, 0.35),
                L("j", ParameterConstraintKind.Interval, ParameterPriorKind.Normal, 0, 1, 0.25, -1, 1),
                L("k", ParameterConstraintKind.None, ParameterPriorKind.None, 0, 0, 5),
            });

        public Priors(int d) : base("Priors", Shape, d, null, ScalarType.Float64) { }

        protected override Tensor[] EvaluateFamilies(QuadraturePoints q) => new[] { q.Assemble(q.Outer(0), q.Z * q.Outer(1)) };
    }

    [Fact]
    public void LogPriorSumsEveryPriorKindElementwise()
    {
        torch.manual_seed(5);
        using var scope = torch.NewDisposeScope();
        using var m = new Priors(3);
        using (torch.no_grad())
            foreach (var p in m.parameters()) p.add_(torch.randn_like(p) * 0.3);   // distinct values per element
        double expected = 0;
        for (int i = 0; i < Priors.Shape.Parameters.Count; i++)
        {
            var s = Priors.Shape.Parameters[i];
            foreach (double x in m.ParameterValue(i).data<double>().ToArray())
                expected += s.Prior switch
                {
                    ParameterPriorKind.None => 0,
                    ParameterPriorKind.Normal => -0.5 * Math.Pow((x - s.PriorA) / s.PriorB, 2) - Math.Log(s.PriorB) - 0.5 * Math.Log(2 * Math.PI),
                    ParameterPriorKind.Gamma => (s.PriorA - 1) * Math.Log(x) - s.PriorB * x + s.PriorA * Math.Log(s.PriorB) - LogGammaRef(s.PriorA),
                    ParameterPriorKind.LogNormal => -0.5 * Math.Pow((Math.Log(x) - s.PriorA) / s.PriorB, 2) - Math.Log(x) - Math.Log(s.PriorB) - 0.5 * Math.Log(2 * Math.PI),
                    ParameterPriorKind.HalfNormal => Math.Log(2) - 0.5 * Math.Pow(x / s.PriorA, 2) - Math.Log(s.PriorA) - 0.5 * Math.Log(2 * Math.PI),
                    ParameterPriorKind.Exponential => Math.Log(s.PriorA) - s.PriorA * x,
                };
        }
        var logPrior = m.LogPrior();
        Assert.Equal(expected, logPrior.item<double>(), 9);
        logPrior.backward();
        foreach (var (name, p) in m.named_parameters())
            if (name.Contains("raw", StringComparison.Ordinal)) Assert.True(p.grad is not null && p.grad.abs().sum().item<double>() > 0, name);
    }

    // log Γ for the two shapes used above (Γ(1) = 1, Γ(2.5) = 1.5·0.5·√π).
    private static double LogGammaRef(double a) => a == 1 ? 0 : a == 2.5 ? Math.Log(0.75 * Math.Sqrt(Math.PI)) : throw new ArgumentOutOfRangeException(nameof(a));
}

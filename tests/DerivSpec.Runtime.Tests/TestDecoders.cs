using System;
using System.Collections.Generic;
using System.Linq;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Quadrature;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Tests;

/// <summary>
/// A hand-written derivative-based decoder for tests (p = 1): every family k has dx/dz = sign_k · softplus(net_k(τ)),
/// x_jk(z) = x0_jk + ∫_0^z sign_k softplus(net_jk(τ)) dτ, with "increasing" (+) and "decreasing" (−) families. The shared
/// derivative network 1 → H (tanh) → K·d is evaluated at all B·n Gauss–Legendre points in one forward.
/// LogPrior: x0 ~ N(0, 2²). Optionally returns NaN from a chosen forward call on (to test divergence handling).
/// </summary>
public sealed class TestDerivativeDecoder : FamilyDecoder
{
    private readonly int features;
    private readonly string[] names;
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly Parameter x0;
    private readonly GaussLegendreBuffers gl;
    private readonly double[] signValues;
    private long calls;

    public TestDerivativeDecoder(int features, IReadOnlyList<string> families, int hiddenWidth = 16, int order = 15, string specIdentity = "")
        : base(nameof(TestDerivativeDecoder))
    {
        SpecIdentity = specIdentity;
        this.features = features;
        names = families.ToArray();
        signValues = names.Select(n => n switch { "increasing" => 1.0, "decreasing" => -1.0, _ => throw new ArgumentException(n) }).ToArray();
        hidden = nn.Linear(1, hiddenWidth);
        output = nn.Linear(hiddenWidth, features * names.Length);
        x0 = new Parameter(torch.zeros(names.Length, features));
        gl = new GaussLegendreBuffers(order);
        register_buffer("signs", torch.tensor(signValues).reshape(1, 1, names.Length, 1).to(ScalarType.Float32));
        register_buffer("observed", torch.zeros(1), persistent: true);
        RegisterComponents();
    }

    /// <summary>A stand-in for a generated decoder's spec identity (what Save records and Load checks).</summary>
    public override string SpecIdentity { get; }

    /// <summary>Forward call number (1-based) from which the output is NaN; 0 = never.</summary>
    public long PoisonFromCall { get; set; }

    public override int Features => features;
    public override int LatentDim => 1;
    public override IReadOnlyList<string> FamilyNames => names;
    public GaussLegendreBuffers Quadrature => gl;

    public override Tensor forward(Tensor z)
    {
        calls++;
        long b = z.shape[0];
        int n = gl.Order, k = names.Length;
        var zz = z.view(b);
        var tau = gl.Points(zz);                                              // [B, n]
        var h = output.forward(torch.tanh(hidden.forward(tau.reshape(b * n, 1))));
        var e = torch.nn.functional.softplus(h.view(b, n, k, features)) * get_buffer("signs")!;
        var s = gl.Integrate(zz.view(b, 1, 1), e, nodeDim: 1);                 // [B, K, d]
        var r = s + x0;
        if (PoisonFromCall > 0 && calls >= PoisonFromCall) r = r * double.NaN;
        return r;
    }

    /// <summary>Running state moved by training, as a decoder's latent range is: the number of training batches seen
    /// (<see cref="ObserveLatent"/>), a buffer.</summary>
    public double ObservedBatches => get_buffer("observed")!.item<float>();

    public override void ObserveLatent(Tensor mu)
    {
        using var _ = torch.no_grad();
        get_buffer("observed")!.add_(1);
    }

    public override Tensor LogPrior()
    {
        const double sd = 2.0;
        return (x0.square().sum() * (-0.5 / (sd * sd))) - x0.numel() * (Math.Log(sd) + 0.5 * Math.Log(2 * Math.PI));
    }
}

/// <summary>Synthetic data like the paper's §5.1 monotone part: increasing/decreasing softplus features of a hidden t.</summary>
public static class Synthetic
{
    public static (double[,] X, double[] T, string[] Labels) RiseFall(int n, int perFamily, double noise, int seed)
    {
        var rng = new Random(seed);
        int d = 2 * perFamily;
        var x = new double[n, d];
        var t = new double[n];
        var labels = new string[d];
        for (int i = 0; i < n; i++) t[i] = -3 + 6.0 * i / (n - 1);
        for (int j = 0; j < d; j++)
        {
            bool inc = j % 2 == 0;
            labels[j] = inc ? "increasing" : "decreasing";
            double s = -1.5 + 3.0 * rng.NextDouble();
            double a = 0.6 + rng.NextDouble();
            for (int i = 0; i < n; i++)
            {
                double v = a * Math.Log(1 + Math.Exp(t[i] + s)) * 0.4;
                x[i, j] = (inc ? v : -v) + noise * Gauss(rng);
            }
        }
        return (x, t, labels);
    }

    public static double Gauss(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}

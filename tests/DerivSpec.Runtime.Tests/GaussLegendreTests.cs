using System;
using DerivSpec.Runtime.Quadrature;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using DerivSpec.Tests.Shared;

namespace DerivSpec.Runtime.Tests;

public class GaussLegendreTests
{
    private static readonly int[] SampledOrders = { 1, 2, 3, 4, 5, 7, 10, 15, 16, 25, 32, 50, 64, 77, 99, 100 };

    [Fact]
    public void ExactOnMonomialsUpToDegree2nMinus1()
    {
        foreach (int n in SampledOrders)
        {
            var rule = GaussLegendre.Create(n);
            // ∫_{-1}^{1} x^m dx = 2/(m+1) for even m, 0 for odd m. Legendre-basis check would be more stable for high m,
            // but x^m on [-1,1] is bounded by 1, so double is accurate to ~1e-13 relative for m ≤ 199.
            for (int m = 0; m <= 2 * n - 1; m++)
            {
                double exact = m % 2 == 0 ? 2.0 / (m + 1) : 0.0;
                double got = 0;
                for (int i = 0; i < n; i++) got += rule.Weights[i] * Math.Pow(rule.Nodes[i], m);
                Assert.True(Math.Abs(got - exact) < 1e-13, $"n={n}, degree {m}: {got} vs {exact}");
            }
        }
    }

    [Fact]
    public void ExactOnRandomPolynomialsOnAnInterval()
    {
        var rng = new Random(7);
        foreach (int n in SampledOrders)
        {
            var rule = GaussLegendre.Create(n);
            int deg = 2 * n - 1;
            var c = new double[Math.Min(deg, 12) + 1];
            for (int i = 0; i < c.Length; i++) c[i] = rng.NextDouble() * 2 - 1;
            double a = -0.7, b = 1.9;
            double F(double x) { double s = 0; for (int i = c.Length - 1; i >= 0; i--) s = s * x + c[i] / (i + 1); return s * x; }
            double f(double x) { double s = 0; for (int i = c.Length - 1; i >= 0; i--) s = s * x + c[i]; return s; }
            double exact = F(b) - F(a);
            if (c.Length - 1 <= deg)
                Assert.True(Math.Abs(rule.Integrate(f, a, b) - exact) < 1e-12, $"n={n}");
        }
    }

    [Fact]
    public void NotExactOnDegree2n()
    {
        // A rule of order n is NOT exact on x^{2n}: guards against a test that would pass for any rule.
        foreach (int n in new[] { 1, 2, 5, 15 })
        {
            var rule = GaussLegendre.Create(n);
            double got = 0;
            for (int i = 0; i < n; i++) got += rule.Weights[i] * Math.Pow(rule.Nodes[i], 2 * n);
            Assert.True(Math.Abs(got - 2.0 / (2 * n + 1)) > 1e-10, $"n={n}");
        }
    }

    [Fact]
    public void Order15MatchesDecimalNewtonTo1e14()
    {
        var rule = GaussLegendre.Create(15);
        var (xs, ws) = DecimalGaussLegendre(15);
        for (int i = 0; i < 15; i++)
        {
            Assert.True(Math.Abs(rule.Nodes[i] - (double)xs[i]) <= 1e-14, $"node {i}: {rule.Nodes[i]:R} vs {xs[i]}");
            Assert.True(Math.Abs(rule.Weights[i] - (double)ws[i]) <= 1e-14, $"weight {i}: {rule.Weights[i]:R} vs {ws[i]}");
        }
    }

    [Fact]
    public void Order15MatchesGolubWelschEigenvalues()
    {
        var rule = GaussLegendre.Create(15);
        var (xs, ws) = GolubWelsch(15);
        for (int i = 0; i < 15; i++)
        {
            Assert.True(Math.Abs(rule.Nodes[i] - xs[i]) <= 1e-14, $"node {i}");
            Assert.True(Math.Abs(rule.Weights[i] - ws[i]) <= 1e-14, $"weight {i}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(101)]
    public void RejectsOrdersOutside1To100(int n)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => GaussLegendre.Create(n));
        Assert.Contains("between 1 and 100", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GaussLegendreBuffers(n));
    }

    [Fact]
    public void BuffersFollowDtypeAndIntegrate()
    {
        using var gl = new GaussLegendreBuffers(15);
        Assert.Equal(ScalarType.Float32, gl.Nodes.dtype);
        gl.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float64, gl.Nodes.dtype);
        Assert.Equal(ScalarType.Float64, gl.Weights.dtype);
        using var scope = torch.NewDisposeScope();
        var z = torch.tensor(new[] { -1.3, 0.0, 2.0 }, dtype: ScalarType.Float64);
        var tau = gl.Points(z);                         // [3, 15]
        var f = torch.cos(tau) + tau.pow(3);            // ∫_0^z = sin z + z^4/4
        var got = gl.Integrate(z, f).data<double>().ToArray();
        double[] zs = { -1.3, 0.0, 2.0 };
        for (int i = 0; i < 3; i++) Assert.Equal(Math.Sin(zs[i]) + Math.Pow(zs[i], 4) / 4, got[i], 12);
    }

    [CudaFact]
    public void BuffersMoveToCudaWhenPresent()
    {
        using var gl = new GaussLegendreBuffers(15);
        gl.to(torch.CUDA);
        Assert.Equal(DeviceType.CUDA, gl.Nodes.device_type);
        Assert.Equal(DeviceType.CUDA, gl.Weights.device_type);
    }

    // ---- independent references ----

    /// <summary>Newton on P_n in System.Decimal (28 digits), initial guesses cos(π(i+0.75)/(n+0.5)) refined.</summary>
    internal static (decimal[] X, decimal[] W) DecimalGaussLegendre(int n)
    {
        var xs = new decimal[n];
        var ws = new decimal[n];
        for (int i = 0; i < n; i++)
        {
            decimal x = (decimal)Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            decimal d = 0;
            for (int it = 0; it < 60; it++)
            {
                var (p, dp) = LegendreDecimal(n, x);
                d = dp;
                decimal step = p / dp;
                x -= step;
                if (Math.Abs(step) < 1e-26m) break;
            }
            d = LegendreDecimal(n, x).D;
            xs[n - 1 - i] = x;
            ws[n - 1 - i] = 2m / ((1m - x * x) * d * d);
        }
        return (xs, ws);
    }

    private static (decimal P, decimal D) LegendreDecimal(int n, decimal x)
    {
        decimal p0 = 1m, p1 = x;
        for (int k = 2; k <= n; k++)
        {
            decimal p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
            p0 = p1; p1 = p2;
        }
        return (p1, n * (x * p1 - p0) / (x * x - 1m));
    }

    /// <summary>Golub–Welsch: eigen-decomposition of the Jacobi matrix (cyclic Jacobi rotations, double).</summary>
    internal static (double[] X, double[] W) GolubWelsch(int n)
    {
        var a = new double[n, n];
        var v = new double[n, n];
        for (int i = 0; i < n; i++) v[i, i] = 1;
        for (int i = 1; i < n; i++)
        {
            double b = i / Math.Sqrt(4.0 * i * i - 1.0);
            a[i, i - 1] = b; a[i - 1, i] = b;
        }
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p, q] * a[p, q];
            if (off < 1e-34) break;
            for (int p = 0; p < n; p++)
                for (int q = p + 1; q < n; q++)
                {
                    if (Math.Abs(a[p, q]) < 1e-300) continue;
                    double theta = (a[q, q] - a[p, p]) / (2 * a[p, q]);
                    double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++)
                    {
                        double akp = a[k, p], akq = a[k, q];
                        a[k, p] = c * akp - s * akq; a[k, q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double apk = a[p, k], aqk = a[q, k];
                        a[p, k] = c * apk - s * aqk; a[q, k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++)
                    {
                        double vkp = v[k, p], vkq = v[k, q];
                        v[k, p] = c * vkp - s * vkq; v[k, q] = s * vkp + c * vkq;
                    }
                }
        }
        var idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        Array.Sort(idx, (i, j) => a[i, i].CompareTo(a[j, j]));
        var xs = new double[n];
        var ws = new double[n];
        for (int r = 0; r < n; r++) { xs[r] = a[idx[r], idx[r]]; ws[r] = 2 * v[0, idx[r]] * v[0, idx[r]]; }
        return (xs, ws);
    }
}

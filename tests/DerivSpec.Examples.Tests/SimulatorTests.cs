using System;
using System.Linq;
using DerivSpec.Examples;
using Xunit;

namespace DerivSpec.Examples.Tests;

public class SimulatorTests
{
    [Fact]
    public void SyntheticDataHasThePapersShapeAndFamilies()
    {
        var d = SyntheticData.Generate(seed: 1);
        Assert.Equal(500, d.Samples);
        Assert.Equal(50, d.Features);
        Assert.Equal(-3.0, d.Time[0]);
        Assert.Equal(3.0, d.Time[^1]);
        Assert.Equal(30, d.Labels.Count(l => l == SyntheticData.Transient));
        Assert.Equal(10, d.Labels.Count(l => l == SyntheticData.Increasing));
        Assert.Equal(10, d.Labels.Count(l => l == SyntheticData.Decreasing));
        for (int j = 0; j < 50; j++)
        {
            var ys = d.Time.Select(t => d.Truth(j, t)).ToArray();
            var diffs = ys.Zip(ys.Skip(1), (a, b) => b - a).ToArray();
            switch (d.Labels[j])
            {
                case SyntheticData.Increasing: Assert.All(diffs, v => Assert.True(v > 0)); break;
                case SyntheticData.Decreasing: Assert.All(diffs, v => Assert.True(v < 0)); break;
                default:
                    // one interior maximum, value A in [0.4, 1.6] at t0 in [-1.5, 1.5]
                    int arg = Array.IndexOf(ys, ys.Max());
                    Assert.InRange(d.Time[arg], -1.52, 1.52);
                    Assert.InRange(ys.Max(), 0.399, 1.601);
                    break;
            }
        }
    }

    [Fact]
    public void GaussianAmplitudesAndCentresAreShuffledLinspaces()
    {
        var d = SyntheticData.Generate(seed: 3, samples: 6001); // fine grid: peaks located to 1e-3
        var peaks = Enumerable.Range(0, 30).Select(j => d.Time.Select(t => d.Truth(j, t)).Max()).OrderBy(v => v).ToArray();
        var expected = Rng.Linspace(0.4, 1.6, 30);
        for (int k = 0; k < 30; k++) Assert.Equal(expected[k], peaks[k], 6);
        var inc = Enumerable.Range(30, 10).Select(j => d.Truth(j, 0) / SyntheticData.Softplus(0)).ToArray();
        Assert.True(inc.All(v => v > 0));
    }

    [Fact]
    public void NoiseIsSeededAndHasSdPointOne()
    {
        var a = SyntheticData.Generate(seed: 7);
        var b = SyntheticData.Generate(seed: 7);
        var c = SyntheticData.Generate(seed: 8);
        Assert.Equal(a.Observed, b.Observed);
        Assert.NotEqual(a.Observed[0, 0], c.Observed[0, 0]);
        double ss = 0;
        int n = 0;
        for (int i = 0; i < a.Samples; i++)
            for (int j = 0; j < a.Features; j++)
            {
                double r = a.Observed[i, j] - a.Truth(j, a.Time[i]);
                ss += r * r;
                n++;
            }
        Assert.InRange(Math.Sqrt(ss / n), 0.097, 0.103); // 25 000 residuals: sd within ±3%
    }

    [Fact]
    public void RngPoissonAndGammaHaveTheRightMeans()
    {
        var r = new Rng(11);
        foreach (var lam in new[] { 0.3, 4.0, 25.0, 400.0 })
        {
            double s = 0;
            for (int i = 0; i < 20000; i++) s += r.Poisson(lam);
            Assert.InRange(s / 20000, lam * 0.97 - 0.01, lam * 1.03 + 0.01);
        }
        double g = 0;
        for (int i = 0; i < 20000; i++) g += r.Gamma(2.5);
        Assert.InRange(g / 20000, 2.5 * 0.97, 2.5 * 1.03);
    }
}

using System;
using DerivSpec.Runtime.Metrics;
using Xunit;

namespace DerivSpec.Runtime.Tests;

public class MetricsTests
{
    [Fact]
    public void AriOfHandComputedCase()
    {
        // Contingency [[2,1,0],[0,1,2]]: Σ C(n_ij,2) = 2, rows Σ C = 6, cols Σ C = 3, C(6,2) = 15,
        // E = 6·3/15 = 1.2, max = 4.5 → ARI = 0.8 / 3.3.
        var a = new[] { 0, 0, 0, 1, 1, 1 };
        var b = new[] { 0, 0, 1, 1, 2, 2 };
        Assert.Equal(0.8 / 3.3, Clustering.AdjustedRandIndex(a, b), 12);
        Assert.Equal(0.8 / 3.3, Clustering.AdjustedRandIndex(b, a), 12);
    }

    [Fact]
    public void AriIsOneForRelabelledPartitionAndIgnoresLabelNames()
    {
        var a = new[] { "inc", "inc", "dec", "tr", "tr", "dec" };
        var b = new[] { 7, 7, 3, 1, 1, 3 };
        Assert.Equal(1.0, Clustering.AdjustedRandIndex(a, b), 12);
    }

    [Fact]
    public void AriSecondHandCase()
    {
        // a = [0,0,1,1], b = [0,1,0,1]: cells all 1 → Σ=0; rows 2·1=2; cols 2; E = 2·2/6 = 2/3; max = 2
        // ARI = (0 − 2/3)/(2 − 2/3) = −0.5
        Assert.Equal(-0.5, Clustering.AdjustedRandIndex(new[] { 0, 0, 1, 1 }, new[] { 0, 1, 0, 1 }), 12);
    }

    [Fact]
    public void AriFromTableMatchesLabels()
    {
        var table = new long[,] { { 5, 1, 0 }, { 1, 4, 1 }, { 0, 0, 6 } };
        // hand: cells C: 10+0+0+0+6+0+0+0+15 = 31; rows 6,6,6 → 15·3 = 45; cols 6,5,7 → 15+10+21 = 46;
        // C(18,2) = 153; E = 45·46/153; max = 45.5
        double e = 45.0 * 46.0 / 153.0;
        Assert.Equal((31 - e) / (45.5 - e), Clustering.AdjustedRandIndex(table), 12);
    }

    [Fact]
    public void AriTrivialPartitions()
    {
        Assert.Equal(1.0, Clustering.AdjustedRandIndex(new[] { 1, 1, 1 }, new[] { 2, 2, 2 }));
        Assert.Equal(1.0, Clustering.AdjustedRandIndex(new[] { 1, 2, 3 }, new[] { 3, 1, 2 }));
        Assert.Equal(0.0, Clustering.AdjustedRandIndex(new[] { 1, 1, 1, 1 }, new[] { 1, 2, 3, 4 }), 12);
    }

    [Fact]
    public void AriRejectsLengthMismatch()
    {
        var ex = Assert.Throws<ArgumentException>(() => Clustering.AdjustedRandIndex(new[] { 1, 2 }, new[] { 1 }));
        Assert.Contains("2 and 1", ex.Message);
    }

    [Fact]
    public void RandIndexHandCase()
    {
        // a = [0,0,1,1], b = [0,1,0,1]: pairs (6): together-in-both 0, apart-in-both 2 ((0,3),(1,2)) → 2/6
        Assert.Equal(2.0 / 6.0, Clustering.RandIndex(new[] { 0, 0, 1, 1 }, new[] { 0, 1, 0, 1 }), 12);
    }

    [Fact]
    public void ArgMaxRowsPicksLargestLowestOnTies()
    {
        var phi = new double[,] { { 0.1, 0.7, 0.2 }, { 0.5, 0.5, 0 }, { 0, 0.2, 0.8 } };
        Assert.Equal(new[] { 1, 0, 2 }, Clustering.ArgMaxRows(phi));
    }

    [Fact]
    public void AverageRanksWithTies()
    {
        Assert.Equal(new[] { 2.5, 1.0, 2.5, 4.0 }, Ranks.Average(new[] { 5.0, 1.0, 5.0, 9.0 }));
        Assert.Equal(new[] { 2.0, 2.0, 2.0 }, Ranks.Average(new[] { 3.0, 3.0, 3.0 }));
    }

    [Fact]
    public void SpearmanWithTiesHandCase()
    {
        // ranks x = [1, 2.5, 2.5, 4], y = [1, 3, 2, 4] → r = 4.5 / sqrt(4.5 · 5) = 3 / sqrt(10)
        var r = Correlation.Spearman(new[] { 1.0, 2.0, 2.0, 3.0 }, new[] { 10.0, 30.0, 20.0, 40.0 });
        Assert.Equal(3.0 / Math.Sqrt(10.0), r, 12);
    }

    [Fact]
    public void SpearmanIsInvariantToMonotoneMapsAndFlipsSign()
    {
        var x = new double[50];
        var y = new double[50];
        for (int i = 0; i < 50; i++) { x[i] = i * 0.1 - 2; y[i] = Math.Exp(x[i]) ; }
        Assert.Equal(1.0, Correlation.Spearman(x, y), 12);
        var neg = Array.ConvertAll(y, v => -v * v * v);
        Assert.Equal(-1.0, Correlation.Spearman(x, neg), 12);
        Assert.True(Correlation.Pearson(x, y) < 0.99); // Pearson is not rank-based
    }

    [Fact]
    public void CorrelationOfConstantIsNaNAndBadInputThrows()
    {
        Assert.True(double.IsNaN(Correlation.Spearman(new[] { 1.0, 1.0, 1.0 }, new[] { 1.0, 2.0, 3.0 })));
        Assert.Throws<ArgumentException>(() => Correlation.Spearman(new[] { 1.0, double.NaN }, new[] { 1.0, 2.0 }));
        Assert.Throws<ArgumentException>(() => Correlation.Pearson(new[] { 1.0, 2.0 }, new[] { 1.0 }));
    }
}

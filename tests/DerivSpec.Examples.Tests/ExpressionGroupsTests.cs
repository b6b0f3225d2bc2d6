using System;
using System.Linq;
using DerivSpec.Examples;
using DerivSpec.Runtime.Metrics;
using Xunit;

namespace DerivSpec.Examples.Tests;

public class ExpressionGroupsTests
{
    [Fact]
    public void DecilesSplitGenesByMeanIntoEqualGroupsLowestFirst()
    {
        // 25 genes with distinct means in a scrambled order: gene j has mean (7j mod 25) + 0.5.
        var means = Enumerable.Range(0, 25).Select(j => (7 * j % 25) + 0.5).ToArray();
        var groups = ExpressionGroups.ByMean(means);
        Assert.Equal(10, groups.Length);
        Assert.Equal(Enumerable.Range(1, 10), groups.Select(g => g.Number));
        // Sizes ⌊(q+1)·25/10⌋ − ⌊q·25/10⌋: 2,3,2,3,2,3,2,3,2,3; every gene exactly once.
        Assert.Equal(new[] { 2, 3, 2, 3, 2, 3, 2, 3, 2, 3 }, groups.Select(g => g.Genes.Length));
        Assert.Equal(Enumerable.Range(0, 25), groups.SelectMany(g => g.Genes).OrderBy(j => j));
        for (int q = 0; q < groups.Length; q++)
        {
            var g = groups[q];
            Assert.Equal(g.Genes.OrderBy(j => j), g.Genes);                       // indices ascending within a group
            Assert.Equal(g.Genes.Min(j => means[j]), g.MinMean);
            Assert.Equal(g.Genes.Max(j => means[j]), g.MaxMean);
            if (q > 0) Assert.True(groups[q - 1].MaxMean < g.MinMean, $"group {q} overlaps group {q + 1}");
        }
        // The two lowest means (0.5 and 1.5) belong to genes 0 and 18 (7·18 = 126 ≡ 1 mod 25).
        Assert.Equal(new[] { 0, 18 }, groups[0].Genes);
    }

    [Fact]
    public void TiesGoToTheLowerIndexFirstAndFewGenesLeaveGroupsEmpty()
    {
        var groups = ExpressionGroups.ByMean(new[] { 1.0, 1.0, 1.0, 0.0 }, groups: 2);
        Assert.Equal(new[] { 0, 3 }, groups[0].Genes);   // sorted: gene 3 (0.0), then the ties 0, 1, 2 by index
        Assert.Equal(new[] { 1, 2 }, groups[1].Genes);
        Assert.Equal(0.0, groups[0].MinMean);
        Assert.Equal(1.0, groups[0].MaxMean);

        var sparse = ExpressionGroups.ByMean(new[] { 3.0, 1.0, 2.0 }, groups: 10);
        Assert.Equal(3, sparse.Count(g => g.Genes.Length == 1));
        Assert.Equal(7, sparse.Count(g => g.Genes.Length == 0));
        Assert.All(sparse.Where(g => g.Genes.Length == 0), g => Assert.True(double.IsNaN(g.MinMean) && double.IsNaN(g.MaxMean)));
        Assert.Equal(new[] { 1, 2, 0 }, sparse.Where(g => g.Genes.Length == 1).Select(g => g.Genes[0]));

        var bad = Assert.Throws<ArgumentException>(() => ExpressionGroups.ByMean(new[] { 1.0, double.NaN }));
        Assert.Contains("gene 1", bad.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionGroups.ByMean(new[] { 1.0 }, groups: 0));
    }

    [Fact]
    public void SubsetAriScoresOnlyTheGivenGenes()
    {
        var truth = new[] { "up", "up", "down", "down", "peak", "peak" };
        var assigned = new[] { 2, 2, 0, 1, 1, 1 };   // genes 3 and 4 wrong
        Assert.Equal(1.0, ExpressionGroups.SubsetAri(truth, assigned, new[] { 0, 1, 2, 5 }));
        Assert.Equal(Clustering.AdjustedRandIndex(truth, assigned), ExpressionGroups.SubsetAri(truth, assigned, Enumerable.Range(0, 6).ToArray()));
        Assert.True(ExpressionGroups.SubsetAri(truth, assigned, new[] { 2, 3, 4, 5 }) < 1.0);
        Assert.Null(ExpressionGroups.SubsetAri(truth, assigned, new[] { 4 }));
        Assert.Null(ExpressionGroups.SubsetAri(truth, assigned, Array.Empty<int>()));
        Assert.Contains("Gene index 6", Assert.Throws<ArgumentException>(() => ExpressionGroups.SubsetAri(truth, assigned, new[] { 0, 6 })).Message);
        Assert.Throws<ArgumentException>(() => ExpressionGroups.SubsetAri(truth, new[] { 0, 1 }, new[] { 0, 1 }));
    }

    [Fact]
    public void ConfidentGenesHaveTheirLargestPhiStrictlyAboveTheThreshold()
    {
        var phi = new double[,]
        {
            { 0.995, 0.003, 0.002 },
            { 0.2, 0.3, 0.5 },
            { 0.005, 0.005, 0.99 },    // exactly at the threshold: not confident
            { 0.0, 0.0001, 0.9999 },
        };
        Assert.Equal(new[] { 0, 3 }, ExpressionGroups.Confident(phi));
        Assert.Equal(new[] { 0, 2, 3 }, ExpressionGroups.Confident(phi, 0.9));
        Assert.Equal(new[] { 0, 1, 2, 3 }, ExpressionGroups.Confident(phi, 0.4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExpressionGroups.Confident(phi, 1.0));
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DerivSpec.Plots;
using ScottPlot;
using Xunit;

namespace DerivSpec.Plots.Tests;

/// <summary>The figure builders draw what they say: panels, titles, selections, orders and legends, read back from the SVG.</summary>
public class FigureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>The SVG's text, after checking that every text element is in the bundled family (colour bar and legend included).</summary>
    private static List<string> Texts(Figure f)
    {
        var texts = XDocument.Parse(f.ToSvg()).Descendants(Svg + "text").ToList();
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.Equal("DejaVu Sans", t.Attribute("font-family")?.Value));
        return texts.Select(t => t.Value.Trim()).ToList();
    }

    /// <summary>Text elements with their y position (from the translate transform), top to bottom.</summary>
    private static List<(string Text, double Y)> TextsWithY(Figure f) =>
        XDocument.Parse(f.ToSvg()).Descendants(Svg + "text")
            .Select(t => (t.Value.Trim(), Match: Regex.Match(t.Attribute("transform")?.Value ?? "", @"translate\(([-0-9.e]+)[ ,]+([-0-9.e]+)\)")))
            .Where(x => x.Match.Success)
            .Select(x => (x.Item1, double.Parse(x.Match.Groups[2].Value, CultureInfo.InvariantCulture)))
            .OrderBy(x => x.Item2).ToList();

    [Fact]
    public void TrajectoriesDrawOnePanelPerFamily()
    {
        var fit = Samples.Fitted(d: 9);
        using var fig = Figures.Trajectories(fit);
        Assert.Equal(3, fig.Panels.Count);
        Assert.Equal(3, fig.Columns);
        var texts = Texts(fig);
        foreach (var f in Samples.Families) Assert.Contains($"{f} (3 features)", texts);
        // each feature named once, in its family's panel legend
        foreach (var n in fit.FeatureNames) Assert.Single(texts, n);
    }

    [Fact]
    public void MaxFeaturesKeepsTheHighestPhiFeaturesOfEachFamily()
    {
        var (grid, curves, a, names) = Samples.Fit(d: 12);
        var fit = FittedCurves.FromFamilyCurves(grid, curves, a, Samples.Families, names);
        using var fig = Figures.Trajectories(fit, new TrajectoryOptions { Phi = Samples.Phi(a), MaxFeaturesPerFamily = 2 });
        var texts = Texts(fig);
        // φ rises with j, so each family keeps its last two features: 6,9 | 7,10 | 8,11 (well, 9,6 …)
        foreach (var kept in new[] { "gene6", "gene9", "gene7", "gene10", "gene8", "gene11" }) Assert.Contains(kept, texts);
        foreach (var dropped in new[] { "gene0", "gene3", "gene1", "gene4", "gene2", "gene5" }) Assert.DoesNotContain(dropped, texts);
        Assert.Contains("increasing: 2 of 4 features, highest φ", texts);
    }

    [Fact]
    public void ManyFeaturesAreDrawnInTheFamilyColourWithoutALegend()
    {
        var fit = Samples.Fitted(d: 36); // 12 per family
        using var fig = Figures.Trajectories(fit, new TrajectoryOptions { LegendLimit = 10 });
        var texts = Texts(fig);
        Assert.DoesNotContain("gene0", texts);
        Assert.Contains("increasing (12 features)", texts);
        var svg = fig.ToSvg();
        Assert.Contains(PlotPalette.HexColors[0], svg, StringComparison.OrdinalIgnoreCase); // increasing
        Assert.Contains(PlotPalette.HexColors[2], svg, StringComparison.OrdinalIgnoreCase); // transient
    }

    [Fact]
    public void EmptyFamilyGetsAPanelThatSaysSo()
    {
        var (grid, curves, _, names) = Samples.Fit(d: 4);
        var fit = FittedCurves.FromFamilyCurves(grid, curves, new[] { 0, 0, 1, 1 }, Samples.Families, names);
        using var fig = Figures.Trajectories(fit);
        var texts = Texts(fig);
        Assert.Contains("transient (0 features)", texts);
        Assert.Contains("no features assigned", texts);
    }

    [Fact]
    public void DataPointsAndRugAreDrawnAtTheLatentPositions()
    {
        var fit = Samples.Fitted(d: 3);
        var latent = new[] { -2.0, 0, 2 };
        var data = new double[3, 3];
        using var plain = Figures.Trajectories(fit);
        using var rich = Figures.Trajectories(fit, new TrajectoryOptions { Latent = latent, Data = data });
        int Circles(Figure f) => XDocument.Parse(f.ToSvg()).Descendants().Count(e => e.Name.LocalName is "ellipse" or "circle");
        Assert.Equal(0, Circles(plain));
        Assert.True(Circles(rich) >= 9, $"{Circles(rich)} markers"); // 3 samples × 3 features, plus legend symbols
    }

    [Fact]
    public void LegendGoesToTheCornerTheCurvesLeaveEmpty()
    {
        var risingToUpperRight = Enumerable.Range(0, 50).Select(i => (i / 49.0, Math.Pow(i / 49.0, 3)));
        Assert.Equal((Alignment.UpperLeft, 0), Figures.EmptiestCorner(risingToUpperRight, (0, 1), (0, 1), 0.3, 0.3));
        var falling = Enumerable.Range(0, 50).Select(i => (i / 49.0, 1 - i / 49.0));
        Assert.Equal((Alignment.UpperRight, 0), Figures.EmptiestCorner(falling, (0, 1), (0, 1), 0.3, 0.3));
        // a flat line through the middle is under every box taller than half the axes
        var flat = Enumerable.Range(0, 50).Select(i => (i / 49.0, 0.5));
        Assert.True(Figures.EmptiestCorner(flat, (0, 1), (0, 1), 0.3, 0.6).Hits > 0);
        // a lower box that starts above a reserved band misses points inside the band
        var low = Enumerable.Range(0, 50).Select(i => (i / 49.0, 0.05));
        Assert.Equal((Alignment.UpperRight, 0), Figures.EmptiestCorner(low, (0, 1), (0, 1), 0.3, 0.3));
        Assert.Equal(0, Figures.EmptiestCorner(low.Concat(new[] { (0.5, 0.9) }), (0, 1), (0, 1), 0.3, 0.3, bottomReserve: 0.1).Hits);
    }

    [Fact]
    public void CurvePanelsShareOneLegendOfTheGroupsUsed()
    {
        var x = new[] { 0.0, 1, 2 };
        var panels = new[]
        {
            new CurvePanel("Truth", x, new[] { new[] { 0.0, 1, 2 }, new[] { 2.0, 1, 0 } }, new[] { 0, 1 }, "t", "x"),
            new CurvePanel("Model", x, new[] { new[] { 0.0, 1, 2 }, new[] { 2.0, 1, 0 } }, new[] { 0, 3 }),
        };
        using var fig = Figures.CurvePanels(panels, new[] { "rise", "fall", "bump", "cluster 4" }, "Compare");
        Assert.Equal(2, fig.Panels.Count);
        Assert.Equal(new[] { "rise", "fall", "cluster 4" }, fig.Legend.Select(e => e.Label));
        Assert.Equal(PlotPalette.Get(3), fig.Legend[2].Color);
        var texts = Texts(fig);
        Assert.Contains("Compare", texts);
        Assert.Contains("Truth", texts);
        Assert.DoesNotContain("bump", texts);
    }

    [Fact]
    public void HistogramCountsEverySampleAndStacksByLabel()
    {
        var latent = Enumerable.Range(0, 200).Select(i => i / 199.0 * 4 - 2).ToArray();
        var labels = latent.Select(z => z < 0 ? "early" : "late").ToArray();
        using var plain = Figures.PseudotimeHistogram(latent, new PseudotimeOptions { Bins = 8 });
        Assert.Contains("200 samples, 8 bins", Texts(plain));
        var bars = plain.Panels[0].GetPlottables<ScottPlot.Plottables.BarPlot>().Single().Bars;
        Assert.Equal(8, bars.Count);
        Assert.Equal(200, bars.Sum(b => b.Value - b.ValueBase));

        using var stacked = Figures.PseudotimeHistogram(latent, new PseudotimeOptions { Labels = labels, Bins = 8, CountLabel = "cells" });
        var sb = stacked.Panels[0].GetPlottables<ScottPlot.Plottables.BarPlot>().Single().Bars;
        Assert.Equal(200, sb.Sum(b => b.Value - b.ValueBase));
        Assert.Equal(new[] { "early", "late" }, stacked.Legend.Select(e => e.Label));
        Assert.Equal(100, sb.Where(b => b.FillColor == PlotPalette.Get(0)).Sum(b => b.Value - b.ValueBase));
    }

    [Fact]
    public void HistogramPoolsRareLabelsBeyondTwenty()
    {
        var latent = Enumerable.Range(0, 300).Select(i => (double)i).ToArray();
        var labels = Enumerable.Range(0, 300).Select(i => i < 100 ? "big" : $"c{i % 25:D2}").ToArray();
        using var fig = Figures.PseudotimeHistogram(latent, new PseudotimeOptions { Labels = labels });
        Assert.Equal(20, fig.Legend.Count);
        Assert.Equal("big", fig.Legend[0].Label);
        Assert.Equal("other (7 labels)", fig.Legend[^1].Label);
        Assert.Equal(PlotPalette.Other, fig.Legend[^1].Color);
    }

    [Fact]
    public void TrueTimeAddsAPanelWithSpearman()
    {
        var latent = Enumerable.Range(0, 50).Select(i => (double)i).ToArray();
        using var fig = Figures.PseudotimeHistogram(latent, new PseudotimeOptions { TrueTime = latent.Select(v => -v * v).ToArray() });
        Assert.Equal(2, fig.Panels.Count);
        Assert.Contains("against the true time: Spearman ρ = -1.000", Texts(fig));
    }

    [Fact]
    public void SpearmanHandlesTies()
    {
        Assert.Equal(new[] { 1.5, 1.5, 3, 4 }, Stats.Ranks(new[] { 2.0, 2, 5, 9 }));
        // ranks x: 1.5 1.5 3 4; y: 1 2 3 4 → Pearson of ranks
        Assert.Equal(0.9486832980505138, Stats.Spearman(new[] { 2.0, 2, 5, 9 }, new[] { 1.0, 2, 3, 4 }), 12);
        Assert.True(double.IsNaN(Stats.Spearman(new[] { 1.0, 1 }, new[] { 1.0, 2 })));
    }

    [Fact]
    public void PhiHeatmapSortsFeaturesByFamilyThenConfidence()
    {
        var a = new[] { 2, 0, 1, 0, 2, 0 };
        var phi = Samples.Phi(a);
        var names = new[] { "f0", "f1", "f2", "f3", "f4", "f5" };
        using var fig = Figures.PhiHeatmap(phi, a, Samples.Families, new PhiHeatmapOptions { FeatureNames = names });
        var rows = TextsWithY(fig).Where(t => names.Contains(t.Text)).Select(t => t.Text).ToArray();
        // family 0 (f1, f3, f5: φ rises with index → f5, f3, f1), family 1 (f2), family 2 (f0, f4 → f4, f0)
        Assert.Equal(new[] { "f5", "f3", "f1", "f2", "f4", "f0" }, rows);
        Assert.Contains("φ of 6 features, sorted by family and φ", Texts(fig));
    }

    [Fact]
    public void PhiHeatmapLabelsBlocksWhenThereAreTooManyFeatures()
    {
        var a = Enumerable.Range(0, 90).Select(j => j % 3).ToArray();
        using var fig = Figures.PhiHeatmap(Samples.Phi(a), a, Samples.Families, new PhiHeatmapOptions { MaxFeatureLabels = 60 });
        var texts = Texts(fig);
        Assert.Contains("increasing (30)", texts);
        Assert.DoesNotContain("feature 1", texts);
    }

    [Fact]
    public void PhiHeatmapTruthStripUsesTheFamilyColoursForFamilyNames()
    {
        var a = new[] { 0, 1, 2, 0 };
        var truth = new[] { "increasing", "decreasing", "transient", "other kind" };
        using var fig = Figures.PhiHeatmap(Samples.Phi(a), a, Samples.Families, new PhiHeatmapOptions { TrueLabels = truth });
        var byLabel = fig.Legend.ToDictionary(e => e.Label, e => e.Color);
        Assert.Equal(PlotPalette.Get(0), byLabel["true: increasing"]);
        Assert.Equal(PlotPalette.Get(2), byLabel["true: transient"]);
        Assert.Equal(PlotPalette.Get(3), byLabel["true: other kind"]);
        Assert.Contains("truth", Texts(fig));
    }

    [Fact]
    public void PhiHeatmapAveragesRowsIntoBandsBeyondMaxRows()
    {
        int d = 1000;
        var a = Enumerable.Range(0, d).Select(j => j < 600 ? 0 : 1).ToArray();
        var phi = new double[d, 3];
        for (int j = 0; j < d; j++) { phi[j, a[j]] = 0.5 + 0.5 * j / d; phi[j, 2] = 1 - phi[j, a[j]]; }
        var truth = Enumerable.Range(0, d).Select(j => j % 10 == 0 ? "rare" : Samples.Families[a[j]]).ToArray();
        using var fig = Figures.PhiHeatmap(phi, a, Samples.Families, new PhiHeatmapOptions { MaxRows = 100, TrueLabels = truth });
        var map = fig.Panels[0].GetPlottables<ScottPlot.Plottables.Heatmap>().Single();
        Assert.Equal(100, map.Intensities.GetLength(0));
        // band 0 holds the 10 most confident family-0 features: j = 599 … 590
        double expected = Enumerable.Range(590, 10).Average(j => phi[j, 0]);
        Assert.Equal(expected, map.Intensities[0, 0], 12);
        Assert.Contains("φ of 1000 features, sorted by family and φ (100 bands)", Texts(fig));
        // every band is 90% its family's label, so "rare" labels no band
        Assert.DoesNotContain(fig.Legend, e => e.Label == "true: rare");
        Assert.Equal(2, fig.Panels[0].GetPlottables<ScottPlot.Plottables.Rectangle>().Count());
    }
}

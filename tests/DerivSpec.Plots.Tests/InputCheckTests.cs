using System;
using System.Linq;
using DerivSpec.Plots;
using Xunit;

namespace DerivSpec.Plots.Tests;

/// <summary>Bad input is an ArgumentException whose message names the array and the entry at fault.</summary>
public class InputCheckTests
{
    private static void Fails(Action act, params string[] parts)
    {
        var e = Assert.ThrowsAny<ArgumentException>(act);
        foreach (var p in parts) Assert.True(e.Message.Contains(p, StringComparison.Ordinal), $"'{p}' not in: {e.Message}");
    }

    [Fact]
    public void CurveShapesMustMatch()
    {
        var (grid, curves, a, names) = Samples.Fit(d: 6, g: 10);
        Fails(() => FittedCurves.FromFamilyCurves(grid.Take(9).ToArray(), curves, a, Samples.Families), "curves has 10 grid points", "grid has 9");
        Fails(() => FittedCurves.FromFamilyCurves(grid, curves, a, Samples.Families.Take(2).ToArray()), "curves has 3 families", "2 family names");
        Fails(() => FittedCurves.FromFamilyCurves(grid, curves, a.Take(5).ToArray(), Samples.Families), "curves has 6 features", "assignments has 5");
        Fails(() => FittedCurves.FromFamilyCurves(grid, curves, a, Samples.Families, names.Take(4).ToArray()), "4 feature names", "6 features");
        Fails(() => FittedCurves.FromAssignedCurves(grid, new[] { new double[10], new double[9] }, new[] { 0, 1 }, Samples.Families, new[] { "g1", "g2" }),
            "'g2'", "has 9 values", "grid has 10");
    }

    [Fact]
    public void NaNCurveNamesFeatureFamilyAndGridPoint()
    {
        var (grid, curves, a, names) = Samples.Fit(d: 6, g: 10);
        curves[4, a[3], 3] = double.NaN;
        Fails(() => FittedCurves.FromFamilyCurves(grid, curves, a, Samples.Families, names), "'gene3'", "family 'increasing'", "NaN", "grid point 4");
        // a NaN in a family the feature is not assigned to is never drawn and is fine
        var (g2, c2, a2, n2) = Samples.Fit(d: 6, g: 10);
        c2[4, (a2[3] + 1) % 3, 3] = double.NaN;
        Assert.Equal(6, FittedCurves.FromFamilyCurves(g2, c2, a2, Samples.Families, n2).Features);
        Fails(() => FittedCurves.FromAssignedCurves(grid, new[] { new double[10], Enumerable.Repeat(double.PositiveInfinity, 10).ToArray() }, new[] { 0, 1 }, Samples.Families),
            "'feature 2'", "Infinity", "grid point 0");
    }

    [Fact]
    public void EmptyAndOutOfRangeInputsAreNamed()
    {
        var (grid, curves, a, _) = Samples.Fit(d: 3, g: 10);
        Fails(() => FittedCurves.FromAssignedCurves(grid, Array.Empty<double[]>(), Array.Empty<int>(), Samples.Families), "assignments is empty");
        Fails(() => FittedCurves.FromFamilyCurves(new[] { 1.0 }, new double[1, 3, 3], a, Samples.Families), "grid has 1 point");
        Fails(() => FittedCurves.FromFamilyCurves(new[] { 1.0, 1.0 }, new double[2, 3, 3], a, Samples.Families), "spans no range");
        var badGrid = (double[])grid.Clone();
        badGrid[2] = double.NaN;
        Fails(() => FittedCurves.FromFamilyCurves(badGrid, curves, a, Samples.Families), "grid[2] is NaN");
        Fails(() => FittedCurves.FromFamilyCurves(grid, curves, new[] { 0, 3, 1 }, Samples.Families), "assignments[1]", "is 3", "[0, 3)");
        Fails(() => FittedCurves.FromFamilyCurves(grid, curves, a, new[] { "up", "", "bump" }), "familyNames[1]", "empty");
        Fails(() => FittedCurves.FromFamilyCurves(grid, curves, a, new[] { "up", "down", "up" }), "'up'", "familyNames[0]");
    }

    [Fact]
    public void TrajectoryOptionsAreChecked()
    {
        var fit = Samples.Fitted(d: 6);
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { Phi = new double[5, 3] }), "Phi is 5 × 3", "6 features");
        var phi = Samples.Phi(fit.Assignments.ToArray());
        phi[2, 1] = double.NaN;
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { Phi = phi }), "Phi[2, 1]", "'gene2'", "'decreasing'");
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { Data = new double[4, 6] }), "Data needs Latent");
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { Latent = new double[4], Data = new double[3, 6] }), "Data is 3 × 6", "4 samples");
        var data = new double[4, 6];
        data[1, 5] = double.NaN;
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { Latent = new double[4], Data = data }), "Data[1, 5]", "'gene5'");
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { Latent = new[] { 0, double.NaN } }), "Latent[1] is NaN");
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { LegendLimit = 21 }), "LegendLimit", "20");
        Fails(() => Figures.Trajectories(fit, new TrajectoryOptions { MaxFeaturesPerFamily = 0 }), "MaxFeaturesPerFamily");
    }

    [Fact]
    public void CurvePanelInputsAreChecked()
    {
        var x = new[] { 0.0, 1, 2 };
        Fails(() => new CurvePanel("VAE", x, new[] { new[] { 0.0, double.NaN, 1 } }, new[] { 0 }), "Panel 'VAE'", "curve 0", "NaN", "point 1");
        Fails(() => new CurvePanel("VAE", x, new[] { new[] { 0.0, 1 } }, new[] { 0 }), "curve 0 has 2 values", "x has 3");
        Fails(() => new CurvePanel("VAE", x, new[] { new[] { 0.0, 1, 2 } }, new[] { 0, 1 }), "1 curves but 2 group indices");
        Fails(() => new CurvePanel("VAE", x, Array.Empty<double[]>(), Array.Empty<int>()), "no curves");
        var ok = new CurvePanel("VAE", x, new[] { new[] { 0.0, 1, 2 } }, new[] { 4 });
        Fails(() => Figures.CurvePanels(new[] { ok }, new[] { "a", "b" }), "Panel 'VAE'", "group 4", "2 group names");
        Fails(() => Figures.CurvePanels(new[] { ok }, Enumerable.Range(0, 21).Select(i => "g" + i).ToArray()), "21 groups", "20 distinct colours");
        Fails(() => Figures.CurvePanels(Array.Empty<CurvePanel>(), new[] { "a" }), "No panels");
    }

    [Fact]
    public void HistogramInputsAreChecked()
    {
        Fails(() => Figures.PseudotimeHistogram(Array.Empty<double>()), "latent is empty");
        Fails(() => Figures.PseudotimeHistogram(new[] { 0, double.NegativeInfinity }), "latent[1]", "-Infinity");
        Fails(() => Figures.PseudotimeHistogram(new[] { 0.0, 1 }, new PseudotimeOptions { Labels = new[] { "a" } }), "Labels has 1", "2 samples");
        Fails(() => Figures.PseudotimeHistogram(new[] { 0.0, 1 }, new PseudotimeOptions { TrueTime = new[] { 0, double.NaN } }), "TrueTime[1] is NaN");
        Fails(() => Figures.PseudotimeHistogram(new[] { 0.0, 1 }, new PseudotimeOptions { Bins = -1 }), "Bins");
    }

    [Fact]
    public void HeatmapInputsAreChecked()
    {
        var a = new[] { 0, 1, 2 };
        var phi = Samples.Phi(a);
        Fails(() => Figures.PhiHeatmap(new double[0, 3], Array.Empty<int>(), Samples.Families), "no rows");
        Fails(() => Figures.PhiHeatmap(phi, a, new[] { "a", "b" }), "3 columns", "2 family names");
        Fails(() => Figures.PhiHeatmap(phi, new[] { 0, 1 }, Samples.Families), "3 rows", "assignments has 2");
        Fails(() => Figures.PhiHeatmap(phi, new[] { 0, 1, -1 }, Samples.Families), "assignments[2]", "is -1");
        var bad = (double[,])phi.Clone();
        bad[1, 2] = 1.5;
        Fails(() => Figures.PhiHeatmap(bad, a, Samples.Families), "phi[1, 2]", "'transient'", "1.5", "[0, 1]");
        Fails(() => Figures.PhiHeatmap(phi, a, Samples.Families, new PhiHeatmapOptions { FeatureNames = new[] { "x" } }), "FeatureNames has 1");
        Fails(() => Figures.PhiHeatmap(phi, a, Samples.Families, new PhiHeatmapOptions { TrueLabels = new[] { "x", "y" } }), "TrueLabels has 2");
    }
}

using System;
using System.Linq;
using DerivSpec.Plots;
using Xunit;

namespace DerivSpec.Plots.Tests;

public class PaletteTests
{
    private static (double L, double A, double B) Lab(ScottPlot.Color c)
    {
        static double Lin(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        double r = Lin(c.R / 255.0), g = Lin(c.G / 255.0), b = Lin(c.B / 255.0);
        double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, y = 0.2126 * r + 0.7152 * g + 0.0722 * b, z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        static double F(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116;
        return (116 * F(y) - 16, 500 * (F(x) - F(y)), 200 * (F(y) - F(z)));
    }

    [Fact]
    public void TwentyColoursThatAllDifferClearly()
    {
        Assert.Equal(20, PlotPalette.Count);
        Assert.Equal(20, PlotPalette.Colors.Select(c => c.ARGB).Distinct().Count());
        double min = double.MaxValue;
        for (int i = 0; i < 20; i++)
            for (int j = i + 1; j < 20; j++)
            {
                var (l1, a1, b1) = Lab(PlotPalette.Get(i));
                var (l2, a2, b2) = Lab(PlotPalette.Get(j));
                min = Math.Min(min, Math.Sqrt((l1 - l2) * (l1 - l2) + (a1 - a2) * (a1 - a2) + (b1 - b2) * (b1 - b2)));
            }
        Assert.True(min > 25, $"closest pair ΔE76 = {min:F1}");
        Assert.All(PlotPalette.Colors, c => Assert.True(Lab(c).L < 85, $"{c.ToHex()} is too pale on white"));
    }

    [Fact]
    public void FirstColoursAreOkabeItoInTheFamilyOrder()
    {
        Assert.Equal(new[] { "#D55E00", "#0072B2", "#009E73" }, PlotPalette.HexColors.Take(3));
        Assert.Equal(PlotPalette.HexColors, PlotPalette.Colors.Select(c => c.ToHex().ToUpperInvariant()));
    }

    [Fact]
    public void AnIndexPastThePaletteIsAnErrorNotARepeat()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PlotPalette.Get(20));
        Assert.Contains("20 distinct colours", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => PlotPalette.Get(-1));
        Assert.DoesNotContain(PlotPalette.Other.ARGB, PlotPalette.Colors.Select(c => c.ARGB));
    }
}

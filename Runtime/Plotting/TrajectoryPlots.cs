using System;
using System.Collections.Generic;

namespace DerivSpec.Runtime.Plotting;

/// <summary>One feature's curve and the family it belongs to (index into the figure's family names).</summary>
public sealed record FamilyCurve(IReadOnlyList<double> X, IReadOnlyList<double> Y, int Family);

/// <summary>A panel of curves coloured by family.</summary>
public sealed record TrajectoryPanel(string Title, string XLabel, string YLabel, IReadOnlyList<FamilyCurve> Curves);

/// <summary>
/// The paper's Fig. 4 style: side-by-side panels of per-feature trajectories (truth, and each model's fitted curves)
/// coloured by family, with one legend.
/// </summary>
public static class TrajectoryPlots
{
    /// <summary>Default family colours: red, blue, green (as in the paper's Fig. 6: increasing, decreasing, transient), then more.</summary>
    public static IReadOnlyList<Rgb> Palette { get; } = new[]
    {
        Rgb.Hex("#d62728"), Rgb.Hex("#1f77b4"), Rgb.Hex("#2ca02c"), Rgb.Hex("#9467bd"), Rgb.Hex("#ff7f0e"),
        Rgb.Hex("#8c564b"), Rgb.Hex("#e377c2"), Rgb.Hex("#17becf"), Rgb.Hex("#bcbd22"), Rgb.Hex("#7f7f7f"),
    };

    /// <summary>Builds the figure; <paramref name="colors"/> defaults to <see cref="Palette"/> in family order.</summary>
    public static Figure Build(IReadOnlyList<TrajectoryPanel> panels, IReadOnlyList<string> familyNames,
        string? title = null, IReadOnlyList<Rgb>? colors = null, int columns = 0)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentNullException.ThrowIfNull(familyNames);
        colors ??= Palette;
        Rgb Color(int k) => k >= 0 ? colors[k % colors.Count] : new Rgb(128, 128, 128);
        var f = new Figure { Title = title, Columns = columns };
        for (int k = 0; k < familyNames.Count; k++) f.Legend.Add((familyNames[k], Color(k)));
        foreach (var p in panels)
        {
            var panel = new Panel(p.Title, p.XLabel, p.YLabel);
            foreach (var c in p.Curves)
            {
                if (c.Family >= familyNames.Count)
                    throw new ArgumentException($"Panel '{p.Title}': family index {c.Family} but only {familyNames.Count} families are named.");
                panel.Series.Add(new Series(c.X, c.Y, Color(c.Family), 1.4, 0.8));
            }
            f.Panels.Add(panel);
        }
        return f;
    }
}

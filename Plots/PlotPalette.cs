using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;

namespace DerivSpec.Plots;

/// <summary>
/// Twenty categorical colours that read on white. The first seven are Okabe and Ito's colour-blind-safe set (vermillion,
/// blue, bluish green, reddish purple, orange, sky blue, black; their yellow is left out, too pale on white), in an
/// order that keeps the paper's Fig. 6 reading — increasing red, decreasing blue, transient green. The other thirteen
/// were picked from the Tableau 20 and Tsitsulin sets so that every pair differs by a CIE76 ΔE of more than 25.
/// </summary>
public static class PlotPalette
{
    private static readonly string[] Hex =
    {
        "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
        "#5954D6", "#7F7F7F", "#DDCC77", "#B80058", "#2CA02C", "#FF9287", "#D163E6",
        "#878500", "#D62728", "#9467BD", "#8C564B", "#C5B0D5", "#FF5CAA",
    };

    private static readonly Color[] ColorArray = Hex.Select(Color.FromHex).ToArray();

    /// <summary>The number of distinct colours (20).</summary>
    public static int Count => ColorArray.Length;

    /// <summary>The colours, in order.</summary>
    public static IReadOnlyList<Color> Colors { get; } = Array.AsReadOnly(ColorArray);

    /// <summary>The colours as <c>#RRGGBB</c>.</summary>
    public static IReadOnlyList<string> HexColors { get; } = Array.AsReadOnly(Hex);

    /// <summary>
    /// Colour <paramref name="index"/> (0-based). An index past the palette is an error rather than a repeated colour:
    /// a figure that needs more than <see cref="Count"/> categories must group them first.
    /// </summary>
    public static Color Get(int index)
    {
        if (index < 0 || index >= ColorArray.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"The palette has {ColorArray.Length} distinct colours (indices 0..{ColorArray.Length - 1}); colour {index} would repeat one.");
        return ColorArray[index];
    }

    /// <summary>Light grey for an "other" category (not one of the 20).</summary>
    public static Color Other { get; } = Color.FromHex("#BBBBBB");
}

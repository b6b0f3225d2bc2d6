using System;
using System.IO;
using System.Reflection;
using System.Threading;
using ScottPlot;
using SkiaSharp;

namespace DerivSpec.Plots;

/// <summary>
/// The typeface every DerivSpec figure uses: DejaVu Sans (regular and bold), shipped inside this assembly and
/// registered with ScottPlot under its own family name, so text is drawn the same on every machine — also on one with
/// no fonts installed, where ScottPlot would otherwise draw no text at all. DejaVu's licence is in
/// <c>Plots/Fonts/LICENSE</c>.
/// </summary>
public static class PlotFonts
{
    /// <summary>
    /// The family name the bundled faces are registered under. It is not the name of any system font, so asking ScottPlot
    /// for it can only give the bundled faces.
    /// </summary>
    public const string Family = "DerivSpec DejaVu Sans";

    private static readonly Lazy<SKData> RegularData = new(() => Load("DejaVuSans.ttf"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<SKData> BoldData = new(() => Load("DejaVuSans-Bold.ttf"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<SKTypeface> RegularFace = new(() => NewTypeface(bold: false), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<SKTypeface> BoldFace = new(() => NewTypeface(bold: true), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly object Gate = new();
    private static bool _registered;

    /// <summary>
    /// Registers the bundled faces with ScottPlot (first in its resolver list). Called by every figure builder; safe to
    /// call more than once and from several threads.
    /// </summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            _ = RegularFace.Value;
            _ = BoldFace.Value;
            ScottPlot.Fonts.FontResolvers.Insert(0, new BundledResolver());
            _registered = true;
        }
    }

    /// <summary>
    /// Sets the bundled family on every piece of text <paramref name="plot"/> holds now: title, axis labels, tick labels,
    /// legend and legend items, colour-bar labels, and text plottables. Bold stays as each label asks (the bold face is
    /// registered too). <see cref="Figure"/> calls this before each render.
    /// </summary>
    public static void Apply(Plot plot)
    {
        ArgumentNullException.ThrowIfNull(plot);
        Register();
        plot.Axes.Title.Label.FontName = Family;
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontName = Family;
            axis.TickLabelStyle.FontName = Family;
        }
        foreach (var panel in plot.Axes.GetPanels())
        {
            if (panel is ScottPlot.Panels.ColorBar bar)
            {
                bar.LabelStyle.FontName = Family;
                bar.Axis.Label.FontName = Family;
                bar.Axis.TickLabelStyle.FontName = Family;
            }
        }
        plot.Legend.FontName = Family;
        foreach (var item in plot.Legend.ManualItems) item.LabelStyle.FontName = Family;
        foreach (var p in plot.GetPlottables())
        {
            if (p is LabelStyleProperties labelled) labelled.LabelStyle.FontName = Family;
            if (p is ScottPlot.Plottables.BarPlot bars) bars.ValueLabelStyle.FontName = Family;
        }
    }

    /// <summary>The bundled regular (<paramref name="bold"/> false) or bold face, for text drawn outside ScottPlot.</summary>
    internal static SKTypeface Typeface(bool bold)
    {
        Register();
        return bold ? BoldFace.Value : RegularFace.Value;
    }

    private static SKTypeface NewTypeface(bool bold)
    {
        var data = bold ? BoldData.Value : RegularData.Value;
        return SKTypeface.FromData(data)
            ?? throw new InvalidOperationException($"SkiaSharp could not read the bundled font DejaVuSans{(bold ? "-Bold" : "")}.ttf.");
    }

    private static SKData Load(string file)
    {
        string name = "DerivSpec.Plots.Fonts." + file;
        using var stream = typeof(PlotFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font resource '{name}' is missing from {typeof(PlotFonts).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return SKData.CreateCopy(copy.ToArray());
    }

    /// <summary>
    /// Answers only for <see cref="Family"/>: weights from semi-bold up get the bold face, lighter ones the regular face.
    /// There is no italic face; italic requests get the upright one. ScottPlot caches what a resolver returns, and each
    /// call returns a new typeface object, so a caller that disposes its copy cannot break the next figure.
    /// </summary>
    private sealed class BundledResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing)
            => string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase) ? NewTypeface(weight >= FontWeight.SemiBold) : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic)
            => string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase) ? NewTypeface(bold) : null;
    }
}

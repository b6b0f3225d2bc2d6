using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace DerivSpec.Runtime.Plotting;

/// <summary>An sRGB colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Parses "#rrggbb".</summary>
    public static Rgb Hex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var h = hex.TrimStart('#');
        if (h.Length != 6 || !int.TryParse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int v))
            throw new FormatException($"'{hex}' is not a #rrggbb colour.");
        return new Rgb((byte)(v >> 16), (byte)(v >> 8), (byte)v);
    }

    /// <summary>"#rrggbb".</summary>
    public string ToHex() => $"#{R:x2}{G:x2}{B:x2}";

    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>Black.</summary>
    public static Rgb Black => new(0, 0, 0);
}

/// <summary>A polyline (or, with <see cref="Markers"/>, a set of dots) in data coordinates.</summary>
public sealed record Series(IReadOnlyList<double> X, IReadOnlyList<double> Y, Rgb Color, double Width = 1.5,
    double Opacity = 0.85, bool Markers = false)
{
    /// <summary>Checks lengths.</summary>
    public void Validate()
    {
        if (X.Count != Y.Count) throw new ArgumentException($"A series has {X.Count} x values and {Y.Count} y values.");
    }
}

/// <summary>One set of axes: title, axis labels and series; axis ranges from the data unless given.</summary>
public sealed class Panel
{
    /// <summary>Creates an empty panel.</summary>
    public Panel(string title, string xLabel, string yLabel)
    {
        Title = title;
        XLabel = xLabel;
        YLabel = yLabel;
    }

    /// <summary>Title above the axes.</summary>
    public string Title { get; }

    /// <summary>Label under the x axis.</summary>
    public string XLabel { get; }

    /// <summary>Label left of the y axis (drawn vertically).</summary>
    public string YLabel { get; }

    /// <summary>The series, drawn in order.</summary>
    public List<Series> Series { get; } = new();

    /// <summary>Fixed x range, or null for the data's.</summary>
    public (double Min, double Max)? XRange { get; set; }

    /// <summary>Fixed y range, or null for the data's.</summary>
    public (double Min, double Max)? YRange { get; set; }
}

/// <summary>
/// A grid of panels with an optional title and a legend row; rendered to SVG (text) or PNG (own anti-aliasing
/// rasterizer and encoder, no native dependencies), so plots work headless on any machine.
/// </summary>
public sealed class Figure
{
    /// <summary>Figure title, or null.</summary>
    public string? Title { get; set; }

    /// <summary>Panels, laid out row by row.</summary>
    public List<Panel> Panels { get; } = new();

    /// <summary>Legend entries shown in one row under the title.</summary>
    public List<(string Label, Rgb Color)> Legend { get; } = new();

    /// <summary>Panels per row (0: all in one row).</summary>
    public int Columns { get; set; }

    /// <summary>Width of one panel in SVG units (PNG pixels are twice as many).</summary>
    public double PanelWidth { get; set; } = 420;

    /// <summary>Height of one panel in SVG units.</summary>
    public double PanelHeight { get; set; } = 330;

    /// <summary>The SVG document.</summary>
    public string ToSvg()
    {
        var (w, h) = Size();
        var c = new SvgCanvas(w, h);
        Layout.Draw(this, c);
        return c.ToString();
    }

    /// <summary>PNG bytes at <paramref name="scale"/> pixels per SVG unit.</summary>
    public byte[] ToPng(double scale = 2.0)
    {
        if (!(scale > 0) || scale > 8) throw new ArgumentOutOfRangeException(nameof(scale), "Scale must be in (0, 8].");
        var (w, h) = Size();
        var c = new RasterCanvas(w, h, scale);
        Layout.Draw(this, c);
        return c.ToPng();
    }

    /// <summary>Writes <c>{pathWithoutExtension}.svg</c> and <c>.png</c>.</summary>
    public void Save(string pathWithoutExtension)
    {
        File.WriteAllText(pathWithoutExtension + ".svg", ToSvg());
        File.WriteAllBytes(pathWithoutExtension + ".png", ToPng());
    }

    internal int ColumnCount => Columns <= 0 ? Math.Max(1, Panels.Count) : Math.Min(Columns, Math.Max(1, Panels.Count));

    internal int RowCount => (Panels.Count + ColumnCount - 1) / ColumnCount;

    internal double HeaderHeight => (Title is null ? 0 : 30) + LegendRows().Count * 26 + 6;

    /// <summary>Legend entry width estimate shared by both renderers (generous, so entries never overlap).</summary>
    internal static double LegendEntryWidth(string label) => 26 + label.Length * 12 * 0.8 + 14;

    /// <summary>Legend entries split into rows that fit the figure's width.</summary>
    internal List<List<(string Label, Rgb Color)>> LegendRows()
    {
        var rows = new List<List<(string Label, Rgb Color)>>();
        double width = ColumnCount * PanelWidth - 16, used = 0;
        foreach (var e in Legend)
        {
            double w = LegendEntryWidth(e.Label);
            if (rows.Count == 0 || (used + w > width && rows[^1].Count > 0)) { rows.Add(new()); used = 0; }
            rows[^1].Add(e);
            used += w;
        }
        return rows;
    }

    internal (double W, double H) Size() => (ColumnCount * PanelWidth, HeaderHeight + Math.Max(1, RowCount) * PanelHeight);
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DerivSpec.Runtime.Plotting;

internal enum Anchor { Start, Middle, End }

/// <summary>Drawing primitives in figure units; implemented by the SVG writer and the rasterizer.</summary>
internal interface ICanvas
{
    void FillRect(double x, double y, double w, double h, Rgb color);
    void Line(double x1, double y1, double x2, double y2, Rgb color, double width);
    void Polyline(double[] xs, double[] ys, Rgb color, double width, double opacity, (double X, double Y, double W, double H) clip);
    void Dots(double[] xs, double[] ys, Rgb color, double radius, double opacity, (double X, double Y, double W, double H) clip);
    void Text(double x, double y, string text, double size, Rgb color, Anchor anchor, bool vertical = false);
    double TextWidth(string text, double size);
}

/// <summary>Lays out a figure (title, legend, panels with axes, ticks and labels) on any canvas.</summary>
internal static class Layout
{
    private static readonly Rgb Axis = new(60, 60, 60);
    private static readonly Rgb Grid = new(228, 228, 228);
    private static readonly Rgb TextColor = new(30, 30, 30);

    public static void Draw(Figure f, ICanvas c)
    {
        var (w, _) = f.Size();
        c.FillRect(0, 0, w, f.Size().H, Rgb.White);
        double y = 6;
        if (f.Title is not null)
        {
            c.Text(w / 2, y + 12, f.Title, 15, TextColor, Anchor.Middle);
            y += 30;
        }
        foreach (var row in f.LegendRows())
        {
            double total = row.Sum(e => Figure.LegendEntryWidth(e.Label));
            double x = Math.Max(8, (w - total) / 2);
            foreach (var (label, color) in row)
            {
                c.Line(x, y + 10, x + 20, y + 10, color, 3);
                c.Text(x + 26, y + 10, label, 12, TextColor, Anchor.Start);
                x += Figure.LegendEntryWidth(label);
            }
            y += 26;
        }
        double top = f.HeaderHeight;
        for (int i = 0; i < f.Panels.Count; i++)
        {
            int row = i / f.ColumnCount, col = i % f.ColumnCount;
            DrawPanel(f.Panels[i], c, col * f.PanelWidth, top + row * f.PanelHeight, f.PanelWidth, f.PanelHeight);
        }
    }

    private static void DrawPanel(Panel p, ICanvas c, double x0, double y0, double w, double h)
    {
        const double left = 58, right = 14, titleH = 24, bottom = 44;
        double px = x0 + left, py = y0 + titleH, pw = w - left - right, ph = h - titleH - bottom;
        c.Text(x0 + left + pw / 2, y0 + 12, p.Title, 13, TextColor, Anchor.Middle);

        foreach (var s in p.Series) s.Validate();
        var (xmin, xmax) = p.XRange ?? Range(p.Series, true);
        var (ymin, ymax) = p.YRange ?? Range(p.Series, false);
        var xt = Ticks(xmin, xmax);
        var yt = Ticks(ymin, ymax);
        if (p.XRange is null) { xmin = Math.Min(xmin, xt.First); xmax = Math.Max(xmax, xt.Last); }
        if (p.YRange is null) { ymin = Math.Min(ymin, yt.First); ymax = Math.Max(ymax, yt.Last); }
        double Sx(double v) => px + (v - xmin) / (xmax - xmin) * pw;
        double Sy(double v) => py + ph - (v - ymin) / (ymax - ymin) * ph;

        foreach (var t in xt.Values)
        {
            if (t < xmin - 1e-12 || t > xmax + 1e-12) continue;
            c.Line(Sx(t), py, Sx(t), py + ph, Grid, 1);
            c.Line(Sx(t), py + ph, Sx(t), py + ph + 4, Axis, 1);
            c.Text(Sx(t), py + ph + 13, Format(t, xt.Step), 11, TextColor, Anchor.Middle);
        }
        foreach (var t in yt.Values)
        {
            if (t < ymin - 1e-12 || t > ymax + 1e-12) continue;
            c.Line(px, Sy(t), px + pw, Sy(t), Grid, 1);
            c.Line(px - 4, Sy(t), px, Sy(t), Axis, 1);
            c.Text(px - 7, Sy(t), Format(t, yt.Step), 11, TextColor, Anchor.End);
        }
        var clip = (px, py, pw, ph);
        foreach (var s in p.Series)
        {
            var xs = new double[s.X.Count];
            var ys = new double[s.Y.Count];
            for (int i = 0; i < xs.Length; i++) { xs[i] = Sx(s.X[i]); ys[i] = Sy(s.Y[i]); }
            if (s.Markers) c.Dots(xs, ys, s.Color, s.Width, s.Opacity, clip);
            else c.Polyline(xs, ys, s.Color, s.Width, s.Opacity, clip);
        }
        c.Line(px, py + ph, px + pw, py + ph, Axis, 1.2);
        c.Line(px, py, px, py + ph, Axis, 1.2);
        c.Text(px + pw / 2, py + ph + 32, p.XLabel, 12, TextColor, Anchor.Middle);
        c.Text(x0 + 13, py + ph / 2, p.YLabel, 12, TextColor, Anchor.Middle, vertical: true);
    }

    internal static (double Min, double Max) Range(List<Series> series, bool x)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var s in series)
            foreach (var v in x ? s.X : s.Y)
                if (double.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (double.IsInfinity(lo)) return (0, 1);
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        return (lo, hi);
    }

    internal sealed record TickSet(double First, double Last, double Step, IReadOnlyList<double> Values);

    /// <summary>"Nice" ticks: a step of 1, 2 or 5 × 10^k giving about five intervals, covering [lo, hi].</summary>
    internal static TickSet Ticks(double lo, double hi)
    {
        double raw = (hi - lo) / 5;
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
        double first = Math.Floor(lo / step + 1e-9) * step, last = Math.Ceiling(hi / step - 1e-9) * step;
        var values = new List<double>();
        for (int k = 0; first + k * step <= last + step * 1e-9 && k < 100; k++)
        {
            double v = first + k * step;
            values.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        }
        return new TickSet(first, last, step, values);
    }

    internal static string Format(double v, double step)
    {
        int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(step) + 1e-9));
        return v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture).Replace("-", "\u2212");
    }
}

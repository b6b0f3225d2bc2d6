using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ScottPlot;
using SkiaSharp;

namespace DerivSpec.Plots;

/// <summary>One entry of a figure-wide legend: a line swatch in <see cref="Color"/> and its label.</summary>
/// <param name="Label">The text shown beside the swatch.</param>
/// <param name="Color">The swatch colour.</param>
public readonly record struct LegendEntry(string Label, Color Color);

/// <summary>
/// A figure: an optional bold title, an optional legend shared by all panels (wrapped into rows under the title), and a
/// grid of ScottPlot panels. It renders to PNG and SVG with the bundled DejaVu Sans (<see cref="PlotFonts"/>), so both
/// look the same on every machine. The builders in <see cref="Figures"/> make one; a caller may also compose their own
/// from ScottPlot <see cref="Plot"/>s, or restyle <see cref="Panels"/> before saving.
/// </summary>
public sealed class Figure : IDisposable
{
    private const float Margin = 10, TitleSize = 18, LegendSize = 13, LegendRowHeight = 22, SwatchWidth = 24, SwatchGap = 6, EntryGap = 20;
    private readonly List<Plot> _panels;
    private bool _disposed;

    /// <summary>Creates a figure from <paramref name="panels"/>, laid out row by row.</summary>
    /// <param name="panels">At least one panel; the figure owns them from now on and disposes them with itself.</param>
    /// <param name="title">Figure title, or null for none.</param>
    /// <param name="columns">Panels per row; 0 chooses (all in one row up to 3, else a near-square grid).</param>
    /// <param name="panelWidth">Width of one panel in pixels (at PNG scale 1; SVG units).</param>
    /// <param name="panelHeight">Height of one panel.</param>
    public Figure(IEnumerable<Plot> panels, string? title = null, int columns = 0, int panelWidth = 440, int panelHeight = 340)
    {
        ArgumentNullException.ThrowIfNull(panels);
        _panels = panels.ToList();
        if (_panels.Count == 0) throw new ArgumentException("A figure needs at least one panel.", nameof(panels));
        for (int i = 0; i < _panels.Count; i++)
            if (_panels[i] is null) throw new ArgumentException($"Panel {i} is null.", nameof(panels));
        if (columns < 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be 0 (automatic) or positive.");
        if (panelWidth < 120 || panelWidth > 4000) throw new ArgumentOutOfRangeException(nameof(panelWidth), panelWidth, "Panel width must be in [120, 4000] pixels.");
        if (panelHeight < 100 || panelHeight > 4000) throw new ArgumentOutOfRangeException(nameof(panelHeight), panelHeight, "Panel height must be in [100, 4000] pixels.");
        Title = title;
        PanelWidth = panelWidth;
        PanelHeight = panelHeight;
        Columns = columns == 0 ? AutoColumns(_panels.Count) : Math.Min(columns, _panels.Count);
        PlotFonts.Register();
    }

    /// <summary>Figure title (bold, centred), or null.</summary>
    public string? Title { get; set; }

    /// <summary>Legend shared by all panels, drawn under the title; empty for none.</summary>
    public List<LegendEntry> Legend { get; } = new();

    /// <summary>The panels, row by row; restyle them before saving if you like.</summary>
    public IReadOnlyList<Plot> Panels => _panels;

    /// <summary>Panels per row.</summary>
    public int Columns { get; }

    /// <summary>Rows of panels.</summary>
    public int Rows => (_panels.Count + Columns - 1) / Columns;

    /// <summary>Width of one panel (pixels at PNG scale 1; SVG units).</summary>
    public int PanelWidth { get; }

    /// <summary>Height of one panel.</summary>
    public int PanelHeight { get; }

    /// <summary>Width of the whole figure (PNG scale 1; SVG units).</summary>
    public int Width => Columns * PanelWidth;

    /// <summary>Height of the whole figure: header (title and legend rows) plus the panel rows.</summary>
    public int Height => (int)Math.Ceiling(HeaderHeight()) + Rows * PanelHeight;

    /// <summary>The figure as PNG bytes, <paramref name="scale"/> pixels per unit (2 gives a sharp image on high-density screens).</summary>
    public byte[] ToPng(double scale = 2)
    {
        ThrowIfDisposed();
        if (!(scale >= 0.25 && scale <= 8)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "PNG scale must be in [0.25, 8].");
        int w = (int)Math.Round(Width * scale), h = (int)Math.Round(Height * scale);
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul))
            ?? throw new InvalidOperationException($"SkiaSharp could not allocate a {w}×{h} image.");
        var canvas = surface.Canvas;
        canvas.Scale((float)scale);
        Render(canvas);
        canvas.Flush();
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new InvalidOperationException("SkiaSharp could not encode the figure as PNG.");
        return data.ToArray();
    }

    /// <summary>The figure as an SVG document; text stays text (<c>&lt;text&gt;</c> elements in DejaVu Sans).</summary>
    public string ToSvg()
    {
        ThrowIfDisposed();
        using var stream = new MemoryStream();
        using (var skStream = new SKManagedWStream(stream))
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, Width, Height), skStream))
        {
            Render(canvas);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the PNG to <paramref name="path"/>.</summary>
    public void SavePng(string path, double scale = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, ToPng(scale));
    }

    /// <summary>Writes the SVG to <paramref name="path"/>.</summary>
    public void SaveSvg(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllText(path, ToSvg(), new UTF8Encoding(false));
    }

    /// <summary>Writes <c>{pathWithoutExtension}.png</c> and <c>{pathWithoutExtension}.svg</c>.</summary>
    public void Save(string pathWithoutExtension, double pngScale = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(pathWithoutExtension);
        SavePng(pathWithoutExtension + ".png", pngScale);
        SaveSvg(pathWithoutExtension + ".svg");
    }

    /// <summary>Disposes the panels.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var p in _panels) p.Dispose();
    }

    private static int AutoColumns(int n) => n <= 3 ? n : (int)Math.Ceiling(Math.Sqrt(n));

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static SKFont NewFont(bool bold, float size) => new(PlotFonts.Typeface(bold), size) { Subpixel = true, Edging = SKFontEdging.Antialias };

    private float TitleHeight => string.IsNullOrEmpty(Title) ? 0 : TitleSize + 16;

    private float HeaderHeight()
    {
        var rows = LegendRows();
        float h = TitleHeight + rows.Count * LegendRowHeight;
        return h == 0 ? 0 : h + Margin;
    }

    /// <summary>Legend entries packed into rows no wider than the figure, each with its measured width.</summary>
    private List<List<(LegendEntry Entry, float Width)>> LegendRows()
    {
        var rows = new List<List<(LegendEntry, float)>>();
        if (Legend.Count == 0) return rows;
        using var font = NewFont(false, LegendSize);
        float max = Width - 2 * Margin, used = 0;
        foreach (var e in Legend)
        {
            float w = SwatchWidth + SwatchGap + font.MeasureText(e.Label ?? "") + EntryGap;
            if (rows.Count == 0 || (used + w > max && rows[^1].Count > 0)) { rows.Add(new()); used = 0; }
            rows[^1].Add((e, w));
            used += w;
        }
        return rows;
    }

    private void Render(SKCanvas canvas)
    {
        canvas.Clear(SKColors.White);
        float y = Margin;
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        if (!string.IsNullOrEmpty(Title))
        {
            using var font = NewFont(true, TitleSize);
            canvas.DrawText(Title, Width / 2f, y + TitleSize, SKTextAlign.Center, font, paint);
            y += TitleHeight;
        }
        var rows = LegendRows();
        if (rows.Count > 0)
        {
            using var font = NewFont(false, LegendSize);
            using var line = new SKPaint { IsAntialias = true, StrokeWidth = 3, Style = SKPaintStyle.Stroke, StrokeCap = SKStrokeCap.Round };
            foreach (var row in rows)
            {
                float rowWidth = row.Sum(r => r.Width) - EntryGap, x = (Width - rowWidth) / 2f, mid = y + LegendRowHeight / 2f;
                foreach (var (entry, w) in row)
                {
                    line.Color = entry.Color.ToSKColor();
                    canvas.DrawLine(x + 2, mid, x + SwatchWidth - 2, mid, line);
                    canvas.DrawText(entry.Label ?? "", x + SwatchWidth + SwatchGap, mid + LegendSize * 0.36f, SKTextAlign.Left, font, paint);
                    x += w;
                }
                y += LegendRowHeight;
            }
        }
        float top = (float)Math.Ceiling(HeaderHeight());
        for (int i = 0; i < _panels.Count; i++)
        {
            int r = i / Columns, c = i % Columns;
            float left = c * PanelWidth, t = top + r * PanelHeight;
            PlotFonts.Apply(_panels[i]);
            // ScottPlot draws a plot twice on a render that changes its layout (first render, new fonts or limits): on
            // the SVG canvas that duplicates every element, and on the PNG it doubles translucent points. A render in
            // memory at the same size settles the layout first, so the real render draws everything once.
            _panels[i].RenderInMemory(PanelWidth, PanelHeight);
            _panels[i].RenderManager.ClearCanvasBeforeEachRender = false; // the canvas holds the header and the other panels
            _panels[i].Render(canvas, new PixelRect(left, left + PanelWidth, t + PanelHeight, t));
        }
    }
}

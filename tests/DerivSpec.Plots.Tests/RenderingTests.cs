using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Xml.Linq;
using DerivSpec.Plots;
using ScottPlot;
using Xunit;

namespace DerivSpec.Plots.Tests;

/// <summary>What comes out: PNG that decodes to the stated size, SVG that parses with its text as text, and text that is really drawn.</summary>
public class RenderingTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static Plot Panel(string title, bool bold = true, string xLabel = "z")
    {
        var p = new Plot();
        p.Add.ScatterLine(new[] { 0.0, 1, 2 }, new[] { 0.0, 1, 0.5 });
        p.Title(title);
        p.Axes.Title.Label.Bold = bold;
        p.XLabel(xLabel);
        p.YLabel("value");
        p.Layout.Fixed(new PixelPadding(60, 10, 50, 40)); // same data area with or without text, so only the text differs
        return p;
    }

    [Fact]
    public void BundledFacesAreWhatScottPlotGetsForTheFamily()
    {
        PlotFonts.Register();
        PlotFonts.Register(); // idempotent
        foreach (var (bold, file) in new[] { (false, "DejaVuSans.ttf"), (true, "DejaVuSans-Bold.ttf") })
        {
            var face = ScottPlot.Fonts.GetTypeface(PlotFonts.Family, bold, italic: false);
            Assert.Equal("DejaVu Sans", face.FamilyName);
            Assert.Equal(bold ? 700 : 400, face.FontStyle.Weight);
            using var stream = face.OpenStream();
            using var data = SkiaSharp.SKData.Create(stream);
            var bytes = data.ToArray();
            using var res = typeof(PlotFonts).Assembly.GetManifestResourceStream("DerivSpec.Plots.Fonts." + file)!;
            using var copy = new MemoryStream();
            res.CopyTo(copy);
            Assert.Equal(copy.ToArray(), bytes); // the embedded file itself, not a system font of the same name
        }
    }

    [Fact]
    public void PngDecodesToTheFigureSize()
    {
        using var fig = new Figure(new[] { Panel("a"), Panel("b") }, "Two panels", panelWidth: 300, panelHeight: 220);
        var png = fig.ToPng(scale: 1);
        Assert.Equal((600, fig.Height), Samples.PngHeader(png));
        using var bmp = Samples.Decode(png);
        Assert.Equal(600, bmp.Width);
        Assert.Equal(fig.Height, bmp.Height);
        var png2 = fig.ToPng(scale: 2);
        Assert.Equal((1200, 2 * fig.Height), Samples.PngHeader(png2));
    }

    [Fact]
    public void FigureTitleIsReallyDrawn()
    {
        using var with = new Figure(new[] { Panel("") }, "Fitted trajectories", panelWidth: 300, panelHeight: 220);
        using var without = new Figure(new[] { Panel("") }, "                   ", panelWidth: 300, panelHeight: 220);
        Assert.Equal(with.Height, without.Height);
        using var a = Samples.Decode(with.ToPng(1));
        using var b = Samples.Decode(without.ToPng(1));
        int header = (with.Height - 220) - 4;
        Assert.Equal(0, Samples.Ink(b, 0, 0, 300, header));
        Assert.True(Samples.Ink(a, 0, 0, 300, header) > 150, $"title ink {Samples.Ink(a, 0, 0, 300, header)}");
    }

    [Fact]
    public void BoldPanelTitleIsDrawnAndBolderThanRegular()
    {
        const string text = "Bold panel title";
        string blank = new(' ', text.Length);
        int Ink(Plot p)
        {
            using var fig = new Figure(new[] { p }, panelWidth: 360, panelHeight: 260);
            using var bmp = Samples.Decode(fig.ToPng(1));
            return Samples.Ink(bmp, 0, 0, 360, 38); // the band above the data area (top padding 40)
        }
        int none = Ink(Panel(blank)), bold = Ink(Panel(text)), regular = Ink(Panel(text, bold: false));
        Assert.True(bold - none > 150, $"bold title ink {bold} vs blank {none}");
        Assert.True(regular - none > 100, $"regular title ink {regular} vs blank {none}");
        Assert.True(bold - none > 1.15 * (regular - none), $"bold {bold - none} not heavier than regular {regular - none}");
    }

    [Fact]
    public void AxisLabelIsReallyDrawn()
    {
        int Ink(string label)
        {
            using var fig = new Figure(new[] { Panel("t", xLabel: label) }, panelWidth: 360, panelHeight: 260);
            using var bmp = Samples.Decode(fig.ToPng(1));
            return Samples.Ink(bmp, 0, 260 - 22, 360, 260); // under the tick labels
        }
        Assert.True(Ink("latent position z") - Ink("                 ") > 80);
    }

    [Fact]
    public void SvgIsWellFormedWithTitleAndLabelsAsTextInTheBundledFamily()
    {
        using var fig = Figures.Trajectories(Samples.Fitted(), new TrajectoryOptions
        {
            Title = "Fitted <trajectories> & more", XLabel = "latent z", YLabel = "expression",
        });
        var doc = XDocument.Parse(fig.ToSvg());
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal(fig.Width.ToString(CultureInfo.InvariantCulture), doc.Root.Attribute("width")!.Value);
        var texts = doc.Descendants(Svg + "text").ToList();
        var values = texts.Select(t => t.Value.Trim()).ToList();
        Assert.Contains("Fitted <trajectories> & more", values);
        Assert.Contains("increasing (3 features)", values);
        Assert.Contains("transient (3 features)", values);
        Assert.Equal(3, values.Count(v => v == "latent z"));
        Assert.Equal(3, values.Count(v => v == "expression"));
        Assert.Contains("gene4", values); // legend entry
        Assert.All(texts, t => Assert.Equal("DejaVu Sans", t.Attribute("font-family")?.Value));
        var title = texts.First(t => t.Value.Trim() == "increasing (3 features)");
        Assert.True(int.Parse(title.Attribute("font-weight")?.Value ?? "400", CultureInfo.InvariantCulture) >= 600, "panel title is not bold in SVG");
    }

    [Fact]
    public void SaveWritesPngAndSvg()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dspec-plots-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var fig = new Figure(new[] { Panel("a") }, panelWidth: 200, panelHeight: 160);
            fig.Save(Path.Combine(dir, "fig"), pngScale: 1);
            Assert.Equal((200, 160), Samples.PngHeader(File.ReadAllBytes(Path.Combine(dir, "fig.png"))));
            XDocument.Load(Path.Combine(dir, "fig.svg"));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void FigureChecksItsArguments()
    {
        Assert.Contains("at least one panel", Assert.Throws<ArgumentException>(() => new Figure(Array.Empty<Plot>())).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Figure(new[] { Panel("a") }, panelWidth: 10));
        using var fig = new Figure(new[] { Panel("a") });
        Assert.Throws<ArgumentOutOfRangeException>(() => fig.ToPng(scale: 0));
        fig.Dispose();
        Assert.Throws<ObjectDisposedException>(() => fig.ToSvg());
    }

    [Fact]
    public void ColumnsWrapPanelsIntoRows()
    {
        using var fig = new Figure(Enumerable.Range(0, 5).Select(i => Panel("p" + i)), columns: 2, panelWidth: 200, panelHeight: 150);
        Assert.Equal(3, fig.Rows);
        Assert.Equal(400, fig.Width);
        Assert.Equal(450, fig.Height);
        using var auto = new Figure(Enumerable.Range(0, 4).Select(i => Panel("p" + i)), panelWidth: 200, panelHeight: 150);
        Assert.Equal(2, auto.Columns);
    }

    [Fact]
    public void LongLegendsWrapIntoRowsThatAddHeight()
    {
        using var one = new Figure(new[] { Panel("a") }, "t", panelWidth: 300, panelHeight: 200);
        one.Legend.Add(new LegendEntry("only", PlotPalette.Get(0)));
        using var many = new Figure(new[] { Panel("a") }, "t", panelWidth: 300, panelHeight: 200);
        for (int i = 0; i < 12; i++) many.Legend.Add(new LegendEntry($"region number {i}", PlotPalette.Get(i)));
        Assert.True(many.Height - one.Height >= 3 * 20, $"{many.Height} vs {one.Height}");
        var texts = XDocument.Parse(many.ToSvg()).Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
        Assert.All(Enumerable.Range(0, 12), i => Assert.Contains($"region number {i}", texts));
    }
}

using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Xml.Linq;
using DerivSpec.Runtime.Plotting;
using Xunit;

namespace DerivSpec.Runtime.Tests;

public class PlottingTests
{
    [Fact]
    public void Crc32MatchesCheckValue()
    {
        Assert.Equal(0xCBF43926u, PngEncoder.Crc32(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void PngRoundTripsPixelsAndHasValidChunks()
    {
        var rgb = new byte[4 * 3 * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(i * 7);
        var png = PngEncoder.Encode(4, 3, rgb);
        var (w, h, pixels) = DecodePng(png);
        Assert.Equal(4, w);
        Assert.Equal(3, h);
        Assert.Equal(rgb, pixels);
    }

    [Fact]
    public void RasterDrawsAntiAliasedLineWhereExpected()
    {
        var f = new Figure { PanelWidth = 200, PanelHeight = 160 };
        var p = new Panel("t", "x", "y") { XRange = (0, 1), YRange = (0, 1) };
        p.Series.Add(new Series(new[] { 0.0, 1.0 }, new[] { 0.5, 0.5 }, new Rgb(255, 0, 0), Width: 3, Opacity: 1));
        f.Panels.Add(p);
        var (w, h, px) = DecodePng(f.ToPng(scale: 1));
        Assert.Equal(200, w);
        Assert.Equal(160 + (int)f.HeaderHeight, h);
        // plot area: left 58, right 14, title 24, bottom 44 → y = header + 24 + (160 − 68)/2
        int yMid = (int)(f.HeaderHeight + 24 + (160 - 68) / 2.0);
        int xMid = 58 + (200 - 72) / 2;
        var c = Px(px, w, xMid, yMid);
        Assert.True(c.R > 240 && c.G < 40 && c.B < 40, $"line pixel is {c}");
        var far = Px(px, w, xMid, yMid + 20);
        Assert.True(far.R > 200 && far.G > 200, $"background pixel is {far}");
        // anti-aliasing: some pixel at the line's edge is partially covered
        bool partial = Enumerable.Range(yMid - 4, 9).Select(y => Px(px, w, xMid, y)).Any(q => q.G > 40 && q.G < 215 && q.R > 200);
        Assert.True(partial, "no partially covered edge pixel found");
    }

    [Fact]
    public void SeriesOutsideAxesIsClipped()
    {
        var f = new Figure { PanelWidth = 200, PanelHeight = 160 };
        var p = new Panel("", "", "") { XRange = (0, 1), YRange = (0, 1) };
        p.Series.Add(new Series(new[] { 0.0, 1.0 }, new[] { 5.0, 5.0 }, new Rgb(255, 0, 0), Width: 3, Opacity: 1));
        f.Panels.Add(p);
        var (w, h, px) = DecodePng(f.ToPng(scale: 1));
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var c = Px(px, w, x, y);
                Assert.False(c.R > 200 && c.G < 100, $"red pixel at ({x},{y}) outside the axes");
            }
    }

    [Fact]
    public void SvgIsWellFormedWithOnePolylinePerCurveAndLegend()
    {
        var z = Enumerable.Range(0, 50).Select(i => -3 + 6.0 * i / 49).ToArray();
        var curves = new[]
        {
            new FamilyCurve(z, z.Select(v => Math.Exp(-v * v)).ToArray(), 2),
            new FamilyCurve(z, z.Select(v => v).ToArray(), 0),
            new FamilyCurve(z, z.Select(v => -v).ToArray(), 1),
        };
        var fig = TrajectoryPlots.Build(
            new[] { new TrajectoryPanel("Truth", "t", "x", curves), new TrajectoryPanel("Fit <&>", "z", "x", curves) },
            new[] { "increasing", "decreasing", "transient" }, title: "Synthetic");
        var svg = fig.ToSvg();
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(6, doc.Descendants(ns + "polyline").Count());
        var texts = doc.Descendants(ns + "text").Select(t => t.Value).ToList();
        Assert.Contains("increasing", texts);
        Assert.Contains("Fit <&>", texts);
        Assert.Contains("Synthetic", texts);
        Assert.Contains("#2ca02c", svg); // transient colour used
        Assert.Throws<ArgumentException>(() => TrajectoryPlots.Build(
            new[] { new TrajectoryPanel("x", "z", "x", new[] { new FamilyCurve(z, z, 5) }) }, new[] { "a" }));
    }

    [Fact]
    public void LongLegendsWrapIntoRowsThatFit()
    {
        var f = new Figure { PanelWidth = 300 };
        f.Panels.Add(new Panel("", "", ""));
        for (int i = 0; i < 13; i++) f.Legend.Add(($"region_number_{i}", new Rgb(0, 0, 0)));
        var rows = f.LegendRows();
        Assert.True(rows.Count > 1);
        Assert.Equal(13, rows.Sum(r => r.Count));
        Assert.All(rows, r => Assert.True(r.Sum(e => Figure.LegendEntryWidth(e.Label)) <= 300));
        Assert.Equal(6 + 26 * rows.Count, f.HeaderHeight);
        var svg = XDocument.Parse(f.ToSvg());
        XNamespace ns = "http://www.w3.org/2000/svg";
        var ys = svg.Descendants(ns + "text").Where(t => t.Value.StartsWith("region", StringComparison.Ordinal))
            .Select(t => t.Attribute("y")!.Value).Distinct().Count();
        Assert.Equal(rows.Count, ys);
    }

    [Fact]
    public void NiceTicksCoverTheRange()
    {
        var t = Layout.Ticks(-3, 3);
        Assert.Equal(new[] { -3.0, -2, -1, 0, 1, 2, 3 }, t.Values);
        var u = Layout.Ticks(0.013, 0.087);
        Assert.Equal(0.01, u.Step, 12);
        Assert.True(u.First <= 0.013 && u.Last >= 0.087);
        Assert.Equal("\u22120.5", Layout.Format(-0.5, 0.5));
        Assert.Equal("1.00", Layout.Format(1, 0.05));
    }

    [Fact]
    public void SaveWritesBothFiles()
    {
        var dir = Path.Combine(Path.GetTempPath(), "dspec-plot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var f = new Figure();
            f.Panels.Add(new Panel("a", "b", "c"));
            f.Save(Path.Combine(dir, "fig"));
            Assert.StartsWith("<?xml", File.ReadAllText(Path.Combine(dir, "fig.svg")));
            Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(dir, "fig.png"))[0]);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static (byte R, byte G, byte B) Px(byte[] px, int w, int x, int y)
    {
        int k = (y * w + x) * 3;
        return (px[k], px[k + 1], px[k + 2]);
    }

    /// <summary>Independent reader: checks signature, chunk CRCs, IHDR; inflates IDAT; undoes None/Sub/Up filters.</summary>
    private static (int W, int H, byte[] Rgb) DecodePng(byte[] png)
    {
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray());
        int pos = 8, w = 0, h = 0;
        var idat = new MemoryStream();
        bool end = false;
        while (!end)
        {
            int len = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string type = Encoding.ASCII.GetString(png, pos + 4, 4);
            var data = png.AsSpan(pos + 8, len);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + len));
            Assert.Equal(PngEncoder.Crc32(png.AsSpan(pos + 4, 4 + len)), crc);
            if (type == "IHDR")
            {
                w = BinaryPrimitives.ReadInt32BigEndian(data);
                h = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                Assert.Equal(2, data[9]);
            }
            else if (type == "IDAT") idat.Write(data);
            else if (type == "IEND") end = true;
            pos += 12 + len;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var raw = new MemoryStream();
        z.CopyTo(raw);
        var bytes = raw.ToArray();
        int stride = w * 3;
        Assert.Equal((stride + 1) * h, bytes.Length);
        var rgb = new byte[stride * h];
        for (int y = 0; y < h; y++)
        {
            byte f = bytes[y * (stride + 1)];
            for (int i = 0; i < stride; i++)
            {
                byte v = bytes[y * (stride + 1) + 1 + i];
                byte left = i >= 3 ? rgb[y * stride + i - 3] : (byte)0;
                byte up = y > 0 ? rgb[(y - 1) * stride + i] : (byte)0;
                rgb[y * stride + i] = f switch
                {
                    0 => v,
                    1 => (byte)(v + left),
                    2 => (byte)(v + up),
                    _ => throw new InvalidDataException($"filter {f} not expected"),
                };
            }
        }
        return (w, h, rgb);
    }
}

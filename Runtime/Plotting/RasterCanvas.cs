using System;

namespace DerivSpec.Runtime.Plotting;

/// <summary>
/// Software rasterizer onto an RGB buffer: anti-aliased wide lines by exact distance-to-segment coverage (each
/// polyline accumulated in a coverage mask first, so joints are not blended twice), filled dots, bitmap text.
/// </summary>
internal sealed class RasterCanvas : ICanvas
{
    private readonly int _w, _h;
    private readonly double _s;
    private readonly byte[] _rgb;
    private float[] _mask = Array.Empty<float>();

    public RasterCanvas(double width, double height, double scale)
    {
        _s = scale;
        _w = Math.Max(1, (int)Math.Ceiling(width * scale));
        _h = Math.Max(1, (int)Math.Ceiling(height * scale));
        _rgb = new byte[_w * _h * 3];
    }

    public int PixelWidth => _w;

    public int PixelHeight => _h;

    public byte[] ToPng() => PngEncoder.Encode(_w, _h, _rgb);

    public void FillRect(double x, double y, double w, double h, Rgb color)
    {
        int x0 = Clamp((int)Math.Round(x * _s), 0, _w), x1 = Clamp((int)Math.Round((x + w) * _s), 0, _w);
        int y0 = Clamp((int)Math.Round(y * _s), 0, _h), y1 = Clamp((int)Math.Round((y + h) * _s), 0, _h);
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++) Blend(xx, yy, color, 1f);
    }

    public void Line(double x1, double y1, double x2, double y2, Rgb color, double width) =>
        Polyline(new[] { x1, x2 }, new[] { y1, y2 }, color, width, 1.0, (0, 0, _w / _s, _h / _s));

    public void Polyline(double[] xs, double[] ys, Rgb color, double width, double opacity, (double X, double Y, double W, double H) clip)
    {
        double hw = Math.Max(0.5, width * _s / 2);
        var (cx0, cy0, cx1, cy1) = ClipPixels(clip);
        if (cx1 <= cx0 || cy1 <= cy0) return;
        // bounding box of the finite points, limited to the clip rectangle
        double bx0 = double.MaxValue, by0 = double.MaxValue, bx1 = double.MinValue, by1 = double.MinValue;
        for (int i = 0; i < xs.Length; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) continue;
            bx0 = Math.Min(bx0, xs[i] * _s); bx1 = Math.Max(bx1, xs[i] * _s);
            by0 = Math.Min(by0, ys[i] * _s); by1 = Math.Max(by1, ys[i] * _s);
        }
        if (bx0 == double.MaxValue) return;
        int mx0 = Math.Max(cx0, (int)Math.Floor(bx0 - hw - 1)), mx1 = Math.Min(cx1, (int)Math.Ceiling(bx1 + hw + 1));
        int my0 = Math.Max(cy0, (int)Math.Floor(by0 - hw - 1)), my1 = Math.Min(cy1, (int)Math.Ceiling(by1 + hw + 1));
        if (mx1 <= mx0 || my1 <= my0) return;
        int mw = mx1 - mx0, mh = my1 - my0;
        if (_mask.Length < mw * mh) _mask = new float[mw * mh];
        Array.Clear(_mask, 0, mw * mh);

        for (int i = 0; i + 1 < xs.Length; i++)
        {
            double ax = xs[i] * _s, ay = ys[i] * _s, bx = xs[i + 1] * _s, by = ys[i + 1] * _s;
            if (!double.IsFinite(ax) || !double.IsFinite(ay) || !double.IsFinite(bx) || !double.IsFinite(by)) continue;
            Segment(ax, ay, bx, by, hw, mx0, my0, mw, mh);
        }
        if (xs.Length == 1 && double.IsFinite(xs[0]) && double.IsFinite(ys[0]))
            Segment(xs[0] * _s, ys[0] * _s, xs[0] * _s, ys[0] * _s, hw, mx0, my0, mw, mh);

        float op = (float)Math.Clamp(opacity, 0, 1);
        for (int y = 0; y < mh; y++)
            for (int x = 0; x < mw; x++)
            {
                float m = _mask[y * mw + x];
                if (m > 0) Blend(mx0 + x, my0 + y, color, m * op);
            }
    }

    private void Segment(double ax, double ay, double bx, double by, double hw, int mx0, int my0, int mw, int mh)
    {
        int x0 = Math.Max(mx0, (int)Math.Floor(Math.Min(ax, bx) - hw - 1)), x1 = Math.Min(mx0 + mw, (int)Math.Ceiling(Math.Max(ax, bx) + hw + 1));
        int y0 = Math.Max(my0, (int)Math.Floor(Math.Min(ay, by) - hw - 1)), y1 = Math.Min(my0 + mh, (int)Math.Ceiling(Math.Max(ay, by) + hw + 1));
        double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        for (int y = y0; y < y1; y++)
        {
            double py = y + 0.5;
            for (int x = x0; x < x1; x++)
            {
                double px = x + 0.5;
                double t = len2 > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
                double ex = ax + t * dx - px, ey = ay + t * dy - py;
                double dist = Math.Sqrt(ex * ex + ey * ey);
                double cov = hw + 0.5 - dist;
                if (cov <= 0) continue;
                if (cov > 1) cov = 1;
                int k = (y - my0) * mw + (x - mx0);
                if (_mask[k] < cov) _mask[k] = (float)cov;
            }
        }
    }

    public void Dots(double[] xs, double[] ys, Rgb color, double radius, double opacity, (double X, double Y, double W, double H) clip)
    {
        var (cx0, cy0, cx1, cy1) = ClipPixels(clip);
        double r = radius * _s;
        for (int i = 0; i < xs.Length; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) continue;
            double px = xs[i] * _s, py = ys[i] * _s;
            int x0 = Math.Max(cx0, (int)Math.Floor(px - r - 1)), x1 = Math.Min(cx1, (int)Math.Ceiling(px + r + 1));
            int y0 = Math.Max(cy0, (int)Math.Floor(py - r - 1)), y1 = Math.Min(cy1, (int)Math.Ceiling(py + r + 1));
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                {
                    double dx = x + 0.5 - px, dy = y + 0.5 - py;
                    double cov = Math.Clamp(r + 0.5 - Math.Sqrt(dx * dx + dy * dy), 0, 1);
                    if (cov > 0) Blend(x, y, color, (float)(cov * opacity));
                }
        }
    }

    public double TextWidth(string text, double size) => text.Length * BitmapFont.Advance * Pixel(size) / _s;

    public void Text(double x, double y, string text, double size, Rgb color, Anchor anchor, bool vertical = false)
    {
        int p = Pixel(size);
        int len = text.Length * BitmapFont.Advance * p - p; // no trailing gap
        int tall = BitmapFont.Height * p;
        double ox = x * _s, oy = y * _s;
        double start = anchor switch { Anchor.Start => 0, Anchor.End => -len, _ => -len / 2.0 };
        for (int c = 0; c < text.Length; c++)
        {
            var g = BitmapFont.Glyph(text[c]);
            for (int row = 0; row < g.Length; row++)
                for (int col = 0; col < BitmapFont.Width; col++)
                {
                    if ((g[row] & (1 << (BitmapFont.Width - 1 - col))) == 0) continue;
                    // position along the text (u) and across it (v), in pixels
                    double u = start + (c * BitmapFont.Advance + col) * p;
                    double v = -tall / 2.0 + row * p;
                    int px, py, w, h;
                    if (!vertical) { px = (int)Math.Round(ox + u); py = (int)Math.Round(oy + v); w = p; h = p; }
                    else { px = (int)Math.Round(ox + v); py = (int)Math.Round(oy - u - p); w = p; h = p; }
                    for (int yy = py; yy < py + h; yy++)
                        for (int xx = px; xx < px + w; xx++)
                            if (xx >= 0 && yy >= 0 && xx < _w && yy < _h) Blend(xx, yy, color, 1f);
                }
        }
    }

    private int Pixel(double size) => Math.Max(1, (int)Math.Round(size * _s / 9.0));

    private (int, int, int, int) ClipPixels((double X, double Y, double W, double H) c) =>
        (Clamp((int)Math.Floor(c.X * _s), 0, _w), Clamp((int)Math.Floor(c.Y * _s), 0, _h),
         Clamp((int)Math.Ceiling((c.X + c.W) * _s), 0, _w), Clamp((int)Math.Ceiling((c.Y + c.H) * _s), 0, _h));

    private void Blend(int x, int y, Rgb c, float a)
    {
        if (a <= 0) return;
        if (a > 1) a = 1;
        int k = (y * _w + x) * 3;
        _rgb[k] = (byte)(_rgb[k] + (c.R - _rgb[k]) * a + 0.5f);
        _rgb[k + 1] = (byte)(_rgb[k + 1] + (c.G - _rgb[k + 1]) * a + 0.5f);
        _rgb[k + 2] = (byte)(_rgb[k + 2] + (c.B - _rgb[k + 2]) * a + 0.5f);
    }

    internal (byte R, byte G, byte B) Pixel(int x, int y)
    {
        int k = (y * _w + x) * 3;
        return (_rgb[k], _rgb[k + 1], _rgb[k + 2]);
    }

    private static int Clamp(int v, int lo, int hi) => v < lo ? lo : v > hi ? hi : v;
}

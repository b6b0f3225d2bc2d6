using System;
using System.Globalization;
using System.Text;

namespace DerivSpec.Runtime.Plotting;

/// <summary>Writes the primitives as an SVG 1.1 document.</summary>
internal sealed class SvgCanvas : ICanvas
{
    private readonly StringBuilder _sb = new();
    private int _clipId;

    public SvgCanvas(double w, double h)
    {
        _sb.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        _sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{N(w)}\" height=\"{N(h)}\" viewBox=\"0 0 {N(w)} {N(h)}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n");
    }

    public void FillRect(double x, double y, double w, double h, Rgb color) =>
        _sb.Append($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(w)}\" height=\"{N(h)}\" fill=\"{color.ToHex()}\"/>\n");

    public void Line(double x1, double y1, double x2, double y2, Rgb color, double width) =>
        _sb.Append($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{color.ToHex()}\" stroke-width=\"{N(width)}\"/>\n");

    public void Polyline(double[] xs, double[] ys, Rgb color, double width, double opacity, (double X, double Y, double W, double H) clip)
    {
        string id = Clip(clip);
        // non-finite points split the line into pieces
        var pts = new StringBuilder();
        void Flush()
        {
            if (pts.Length == 0) return;
            _sb.Append($"<polyline clip-path=\"url(#{id})\" fill=\"none\" stroke=\"{color.ToHex()}\" stroke-width=\"{N(width)}\" stroke-opacity=\"{N(opacity)}\" stroke-linejoin=\"round\" stroke-linecap=\"round\" points=\"{pts}\"/>\n");
            pts.Clear();
        }
        for (int i = 0; i < xs.Length; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) { Flush(); continue; }
            if (pts.Length > 0) pts.Append(' ');
            pts.Append(N(xs[i])).Append(',').Append(N(ys[i]));
        }
        Flush();
    }

    public void Dots(double[] xs, double[] ys, Rgb color, double radius, double opacity, (double X, double Y, double W, double H) clip)
    {
        string id = Clip(clip);
        _sb.Append($"<g clip-path=\"url(#{id})\" fill=\"{color.ToHex()}\" fill-opacity=\"{N(opacity)}\">");
        for (int i = 0; i < xs.Length; i++)
            if (double.IsFinite(xs[i]) && double.IsFinite(ys[i]))
                _sb.Append($"<circle cx=\"{N(xs[i])}\" cy=\"{N(ys[i])}\" r=\"{N(radius)}\"/>");
        _sb.Append("</g>\n");
    }

    public void Text(double x, double y, string text, double size, Rgb color, Anchor anchor, bool vertical = false)
    {
        string a = anchor switch { Anchor.Start => "start", Anchor.End => "end", _ => "middle" };
        string rot = vertical ? $" transform=\"rotate(-90 {N(x)} {N(y)})\"" : "";
        _sb.Append($"<text x=\"{N(x)}\" y=\"{N(y)}\" font-size=\"{N(size)}\" fill=\"{color.ToHex()}\" text-anchor=\"{a}\" dominant-baseline=\"central\"{rot}>{Escape(text)}</text>\n");
    }

    public double TextWidth(string text, double size) => text.Length * size * 0.58;

    public override string ToString() => _sb.ToString() + "</svg>\n";

    private string Clip((double X, double Y, double W, double H) c)
    {
        string id = "c" + (++_clipId).ToString(CultureInfo.InvariantCulture);
        _sb.Append($"<clipPath id=\"{id}\"><rect x=\"{N(c.X)}\" y=\"{N(c.Y)}\" width=\"{N(c.W)}\" height=\"{N(c.H)}\"/></clipPath>\n");
        return id;
    }

    private static string N(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string s) =>
        s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}

using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using DerivSpec.Plots;
using SkiaSharp;
using Xunit;

namespace DerivSpec.Plots.Tests;

/// <summary>Small synthetic fits and image helpers shared by the tests.</summary>
internal static class Samples
{
    public static readonly string[] Families = { "increasing", "decreasing", "transient" };

    /// <summary>d features on a 40-point grid over [−3, 3], feature j in family j mod 3: rise, fall or bump.</summary>
    public static (double[] Grid, double[,,] Curves, int[] Assignments, string[] Names) Fit(int d = 9, int g = 40)
    {
        var grid = Enumerable.Range(0, g).Select(i => -3 + 6.0 * i / (g - 1)).ToArray();
        var curves = new double[g, 3, d];
        for (int i = 0; i < g; i++)
            for (int j = 0; j < d; j++)
            {
                double z = grid[i], s = 0.2 * j - 1;
                curves[i, 0, j] = Math.Log(1 + Math.Exp(z + s));
                curves[i, 1, j] = -Math.Log(1 + Math.Exp(z + s));
                curves[i, 2, j] = 2 * Math.Exp(-0.5 * (z - s) * (z - s));
            }
        return (grid, curves, Enumerable.Range(0, d).Select(j => j % 3).ToArray(), Enumerable.Range(0, d).Select(j => $"gene{j}").ToArray());
    }

    public static FittedCurves Fitted(int d = 9)
    {
        var (grid, curves, a, names) = Fit(d);
        return FittedCurves.FromFamilyCurves(grid, curves, a, Families, names);
    }

    /// <summary>φ with the assigned family at 0.5 + 0.05·j (so within a family later features are more confident).</summary>
    public static double[,] Phi(int[] assignments)
    {
        var phi = new double[assignments.Length, 3];
        for (int j = 0; j < assignments.Length; j++)
        {
            double a = Math.Min(0.98, 0.5 + 0.05 * j);
            for (int k = 0; k < 3; k++) phi[j, k] = k == assignments[j] ? a : (1 - a) / 2;
        }
        return phi;
    }

    /// <summary>Width and height from the PNG signature and IHDR chunk (read by hand, not by the encoder's library).</summary>
    public static (int Width, int Height) PngHeader(byte[] png)
    {
        Assert.True(png.Length > 33, "PNG too short");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png.Take(8).ToArray());
        Assert.Equal("IHDR", Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <summary>Decoded pixels.</summary>
    public static SKBitmap Decode(byte[] png) => SKBitmap.Decode(png) ?? throw new InvalidOperationException("PNG did not decode");

    /// <summary>Pixels in the rectangle darker than mid-grey (text, lines).</summary>
    public static int Ink(SKBitmap bmp, int x0, int y0, int x1, int y1)
    {
        int n = 0;
        for (int y = Math.Max(0, y0); y < Math.Min(bmp.Height, y1); y++)
            for (int x = Math.Max(0, x0); x < Math.Min(bmp.Width, x1); x++)
            {
                var c = bmp.GetPixel(x, y);
                if (0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue < 128) n++;
            }
        return n;
    }
}

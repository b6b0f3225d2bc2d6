using System;

namespace DerivSpec.Examples;

/// <summary>Seeded random numbers for the simulators: uniform, standard normal (Box–Muller), shuffles, gamma, Poisson.</summary>
public sealed class Rng
{
    private readonly Random _r;
    private double? _spare;

    /// <summary>Creates a generator; the same seed gives the same stream on every machine.</summary>
    public Rng(int seed) => _r = new Random(seed);

    /// <summary>Uniform on [0, 1).</summary>
    public double Uniform() => _r.NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => _r.Next(n);

    /// <summary>Standard normal.</summary>
    public double Normal()
    {
        if (_spare is double s) { _spare = null; return s; }
        double u1 = 1.0 - _r.NextDouble(), u2 = _r.NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spare = r * Math.Sin(2 * Math.PI * u2);
        return r * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle in place; returns the array.</summary>
    public T[] Shuffle<T>(T[] a)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = _r.Next(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
        return a;
    }

    /// <summary>Gamma(shape, 1) by Marsaglia–Tsang.</summary>
    public double Gamma(double shape)
    {
        if (shape <= 0) throw new ArgumentOutOfRangeException(nameof(shape));
        if (shape < 1) return Gamma(shape + 1) * Math.Pow(Uniform() + 1e-300, 1.0 / shape);
        double d = shape - 1.0 / 3.0, c = 1.0 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do { x = Normal(); v = 1 + c * x; } while (v <= 0);
            v = v * v * v;
            double u = Uniform();
            if (u < 1 - 0.0331 * x * x * x * x) return d * v;
            if (Math.Log(u) < 0.5 * x * x + d * (1 - v + Math.Log(v))) return d * v;
        }
    }

    /// <summary>Poisson(λ): multiplication method for small λ, transformed rejection (PTRS, Hörmann) otherwise.</summary>
    public int Poisson(double lambda)
    {
        if (lambda < 0 || double.IsNaN(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda));
        if (lambda == 0) return 0;
        if (lambda < 10)
        {
            double l = Math.Exp(-lambda), p = 1;
            int k = 0;
            do { k++; p *= Uniform(); } while (p > l);
            return k - 1;
        }
        double slam = Math.Sqrt(lambda), loglam = Math.Log(lambda);
        double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b, invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            double u = Uniform() - 0.5, v = Uniform();
            double us = 0.5 - Math.Abs(u);
            int k = (int)Math.Floor((2 * a / us + b) * u + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return k;
            if (k < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + Math.Log(invalpha) - Math.Log(a / (us * us) + b) <= -lambda + k * loglam - LogFactorial(k)) return k;
        }
    }

    private static double LogFactorial(int k)
    {
        if (k < 2) return 0;
        if (k < 20) { double s = 0; for (int i = 2; i <= k; i++) s += Math.Log(i); return s; }
        double x = k + 1.0; // Stirling series for log Γ(x)
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + 1.0 / (12 * x) - 1.0 / (360 * x * x * x);
    }

    /// <summary>n evenly spaced values from a to b inclusive.</summary>
    public static double[] Linspace(double a, double b, int n)
    {
        var r = new double[n];
        for (int i = 0; i < n; i++) r[i] = n == 1 ? a : a + (b - a) * i / (n - 1);
        return r;
    }
}

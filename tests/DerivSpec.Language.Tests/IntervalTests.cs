using System;
using System.Collections.Generic;
using DerivSpec.Language.Semantics;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>The interval arithmetic under the proofs: results must contain every value the operation can produce
/// (sampled, including the ends that are attained), and strict ends must never be attained.</summary>
public class IntervalTests
{
    private static readonly double[] Ends = { double.NegativeInfinity, -3, -1, 0, 0.5, 2, double.PositiveInfinity };

    private static IEnumerable<Interval> AllIntervals()
    {
        foreach (var lo in Ends)
            foreach (var hi in Ends)
            {
                if (lo > hi || double.IsPositiveInfinity(lo) || double.IsNegativeInfinity(hi)) continue;
                foreach (var lo_open in new[] { false, true })
                    foreach (var hi_open in new[] { false, true })
                    {
                        if (lo == hi && (lo_open || hi_open)) continue;
                        yield return new Interval(lo, lo_open, hi, hi_open);
                    }
            }
    }

    private static IEnumerable<double> Samples(Interval i, Random rng)
    {
        if (i.Attains(i.Lo)) yield return i.Lo;
        if (i.Attains(i.Hi)) yield return i.Hi;
        double lo = double.IsInfinity(i.Lo) ? Math.Min(-1e6, i.Hi - 1e6) : i.Lo;
        double hi = double.IsInfinity(i.Hi) ? Math.Max(1e6, i.Lo + 1e6) : i.Hi;
        for (int k = 0; k < 12; k++)
        {
            double t = k < 2 ? (k == 0 ? 1e-9 : 1 - 1e-9) : rng.NextDouble();
            double v = lo + (hi - lo) * t;
            if (i.Attains(v)) yield return v;
        }
        if (i.Attains(0)) yield return 0;
    }

    /// <summary>For a rounded value (1/x): within the ends; the exact checks are in IntervalPropertyTests.</summary>
    private static void AssertContainsRounded(Interval result, double value, Func<string> what)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || result.Lo <= value && value <= result.Hi) return;
        Assert.Fail($"{what()} = {value} is outside {result}");
    }

    private static void AssertContains(Interval result, double value, Func<string> what)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || result.Attains(value)) return;
        Assert.Fail($"{what()} = {value} is outside {result}");
    }

    [Fact]
    public void SumsProductsAndReciprocalsContainEverySampledValue()
    {
        var rng = new Random(3);
        foreach (var a in AllIntervals())
            foreach (var b in AllIntervals())
            {
                var sum = a + b;
                var product = a * b;
                foreach (var x in Samples(a, rng))
                    foreach (var y in Samples(b, rng))
                    {
                        AssertContains(sum, x + y, () => $"{x} + {y} ({a} + {b})");
                        AssertContains(product, x * y, () => $"{x} * {y} ({a} * {b})");
                    }
            }
    }

    [Fact]
    public void UnaryOperationsContainEverySampledValue()
    {
        var rng = new Random(5);
        foreach (var a in AllIntervals())
        {
            var neg = -a;
            var sq = a.Square();
            var abs = a.Abs();
            var rec = a.Reciprocal();
            foreach (var x in Samples(a, rng))
            {
                AssertContains(neg, -x, () => $"-{x} ({a})");
                AssertContains(sq, x * x, () => $"{x}² ({a})");
                AssertContains(abs, Math.Abs(x), () => $"|{x}| ({a})");
                if (x != 0) AssertContainsRounded(rec, 1 / x, () => $"1/{x} ({a})");
            }
        }
    }

    [Fact]
    public void StrictSignsAreKept()
    {
        var pos = Interval.Positive;
        Assert.True((pos + new Interval(0, false, double.PositiveInfinity, true)).Positive_);
        Assert.True((pos * pos).Positive_);
        Assert.False((pos * new Interval(0, false, 1, false)).Positive_);
        Assert.True((pos * new Interval(0, false, 1, false)).NonNegative);
        Assert.True(new Interval(-1, false, 1, false).Square().Attains(0));
        Assert.Equal("(0, ∞)", pos.Reciprocal().ToString());
        Assert.Equal("(-∞, ∞)", new Interval(-1, false, 1, false).Reciprocal().ToString());
    }

    [Fact]
    public void SignSetsFollowTheProductAndSumRules()
    {
        Assert.Equal(Signs.Pos, SignMath.Mul(Signs.Neg, Signs.Neg));
        Assert.Equal(Signs.Zero | Signs.Pos, SignMath.Mul(Signs.Zero | Signs.Pos, Signs.Pos));
        Assert.Equal(Signs.Pos, SignMath.Add(Signs.Pos, Signs.Zero | Signs.Pos));
        Assert.Equal(Signs.Any, SignMath.Add(Signs.Pos, Signs.Neg));
        Assert.Equal(Signs.Pos, Mono.StrictlyIncreasing.DeltaSigns());
        Assert.True(Mono.FromDelta(Signs.Zero).IsConstant);
        Assert.True(Mono.FromDelta(Signs.Any).IsUnknown);
    }
}

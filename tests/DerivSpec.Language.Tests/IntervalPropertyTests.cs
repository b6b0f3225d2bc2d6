using System;
using System.Numerics;
using CsCheck;
using DerivSpec.Language.Semantics;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>
/// Property tests of the interval library (CsCheck): for random intervals (ends from all scales, the subnormals,
/// the overflow range and ±∞) and random points inside them, the exact result of each operation — computed with
/// big rationals, since every double is an integer multiple of 2⁻¹⁰⁷⁴ — lies inside the computed interval, an open
/// end is never a value, and the sign flags never lie. For the transcendental functions the double value at the point
/// (within a few ulps of the true one) must lie within the computed ends.
/// </summary>
public class IntervalPropertyTests
{
    private static readonly double[] Specials =
    {
        double.NegativeInfinity, double.PositiveInfinity, 0, 1, -1, 2, 0.5, double.MaxValue, -double.MaxValue,
        double.Epsilon, -double.Epsilon, 1e-300, -1e-300, 1e300, -1e300, 40, -40, 800, -800, 1e-20, 3,
    };

    private static readonly Gen<double> End =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, Specials.Length - 1], Gen.Double[-1e3, 1e3], Gen.Double[-323, 308], Gen.Bool)
            .Select((kind, i, u, e, neg) => kind switch
            {
                0 => Specials[i],
                1 => u,
                2 => Math.Round(u),
                _ => (neg ? -1 : 1) * Math.Pow(10, e),
            });

    private static readonly Gen<Interval> AnInterval =
        Gen.Select(End, End, Gen.Bool, Gen.Bool, Gen.Int[0, 5]).Where(t => !(double.IsInfinity(t.Item1) && t.Item1 == t.Item2))
            .Select((a, b, lo_open, hi_open, point) =>
            {
                double lo = Math.Min(a, b), hi = Math.Max(a, b);
                if (point == 0 && !double.IsInfinity(lo)) return Interval.Point(lo);
                if (lo == hi) return Interval.Point(lo);
                return new Interval(lo, lo_open, hi, hi_open);
            });

    /// <summary>A point of the interval (ends included when closed, 0 when possible).</summary>
    private static Gen<double> PointOf(Interval i) =>
        Gen.Select(Gen.Int[0, 5], Gen.Double.Unit, Gen.Double[-308, 308]).Select((kind, t, e) =>
        {
            double lo = double.IsNegativeInfinity(i.Lo) ? -Math.Pow(10, Math.Abs(e)) : i.Lo;
            double hi = double.IsPositiveInfinity(i.Hi) ? Math.Pow(10, Math.Abs(e)) : i.Hi;
            if (lo > hi) { lo = i.Lo; hi = i.Hi; }
            double v = kind switch
            {
                0 => i.Lo,
                1 => i.Hi,
                2 => 0,
                3 => double.IsInfinity(i.Lo) ? hi - Math.Pow(10, Math.Abs(e)) : Fp.NextUp(i.Lo),
                4 => double.IsInfinity(i.Hi) ? lo + Math.Pow(10, Math.Abs(e)) : Fp.NextDown(i.Hi),
                _ => lo + (hi - lo) * t,
            };
            if (double.IsNaN(v) || double.IsInfinity(v) || !i.Attains(v)) v = double.IsInfinity(lo) || double.IsInfinity(hi) ? double.NaN : lo / 2 + hi / 2;
            return i.Attains(v) ? v : double.NaN;
        });

    private static readonly Gen<(Interval, double)> IntervalAndPoint = AnInterval.SelectMany(i => PointOf(i).Select(x => (i, x)));

    // ---- exact rationals: a double d is Scaled(d)·2⁻¹⁰⁷⁴
    private static readonly BigInteger Two1074 = BigInteger.Pow(2, 1074);

    private static BigInteger Scaled(double d)
    {
        long bits = BitConverter.DoubleToInt64Bits(d);
        int exp = (int)((bits >> 52) & 0x7FF);
        long man = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1; else man |= 1L << 52;
        var v = new BigInteger(man) << (exp - 1);
        return d < 0 ? -v : v;
    }

    /// <summary>Checks that the exact value num/2^(1074·scale) is inside r, open ends excluded, and that the sign flags hold.</summary>
    private static void AssertExactInside(Interval r, BigInteger num, int scale, Func<string> what)
    {
        BigInteger Bound(double b) => Scaled(b) * BigInteger.Pow(Two1074, scale - 1);
        if (!double.IsInfinity(r.Lo))
        {
            int c = num.CompareTo(Bound(r.Lo));
            Assert.True(c > 0 || c == 0 && !r.LoOpen, $"{what()}: below the lower end of {r}");
        }
        if (!double.IsInfinity(r.Hi))
        {
            int c = num.CompareTo(Bound(r.Hi));
            Assert.True(c < 0 || c == 0 && !r.HiOpen, $"{what()}: above the upper end of {r}");
        }
        if (r.Positive_) Assert.True(num.Sign > 0, $"{what()}: {r} claims positive");
        if (r.Negative_) Assert.True(num.Sign < 0, $"{what()}: {r} claims negative");
        if (r.NonNegative) Assert.True(num.Sign >= 0, $"{what()}: {r} claims nonnegative");
        if (r.NonPositive) Assert.True(num.Sign <= 0, $"{what()}: {r} claims nonpositive");
        if (!r.ContainsZero) Assert.True(num.Sign != 0, $"{what()}: {r} claims nonzero");
    }

    private static bool Ok(double x) => !double.IsNaN(x);

    [Fact]
    public void SumsDifferencesAndProductsContainTheExactResult()
    {
        Gen.Select(IntervalAndPoint, IntervalAndPoint).Sample((p, q) =>
        {
            var (a, x) = p; var (b, y) = q;
            var sum = a + b; var diff = a - b; var prod = a * b;
            if (!Ok(x) || !Ok(y)) return;
            AssertExactInside(sum, Scaled(x) + Scaled(y), 1, () => $"{x:R} + {y:R} ({a} + {b})");
            AssertExactInside(diff, Scaled(x) - Scaled(y), 1, () => $"{x:R} - {y:R} ({a} - {b})");
            AssertExactInside(prod, Scaled(x) * Scaled(y), 2, () => $"{x:R} * {y:R} ({a} * {b})");
        }, iter: 20000);
    }

    [Fact]
    public void NegationSquareAbsAndReciprocalContainTheExactResult()
    {
        IntervalAndPoint.Sample(p =>
        {
            var (a, x) = p;
            var neg = -a; var sq = a.Square(); var abs = a.Abs(); var rec = a.Reciprocal();
            if (!Ok(x)) return;
            AssertExactInside(neg, -Scaled(x), 1, () => $"-{x:R} ({a})");
            AssertExactInside(sq, Scaled(x) * Scaled(x), 2, () => $"{x:R}² ({a})");
            AssertExactInside(abs, BigInteger.Abs(Scaled(x)), 1, () => $"|{x:R}| ({a})");
            if (x != 0 && !a.ContainsZero)
            {
                // 1/x against an end b: compare 1 with b·x (x ≠ 0), flipping for x < 0.
                int sx = Math.Sign(x);
                BigInteger one = Two1074 * Two1074;
                if (!double.IsInfinity(rec.Lo))
                {
                    int c = (sx * (one - Scaled(rec.Lo) * Scaled(x))).Sign; // sign of (1/x − lo)·x²... = sign(1 − lo·x)·sign(x)
                    Assert.True(c > 0 || c == 0 && !rec.LoOpen, $"1/{x:R} below {rec} ({a})");
                }
                if (!double.IsInfinity(rec.Hi))
                {
                    int c = (sx * (Scaled(rec.Hi) * Scaled(x) - one)).Sign;
                    Assert.True(c > 0 || c == 0 && !rec.HiOpen, $"1/{x:R} above {rec} ({a})");
                }
                if (rec.Positive_) Assert.True(x > 0);
                if (rec.Negative_) Assert.True(x < 0);
            }
        }, iter: 20000);
    }

    [Fact]
    public void FunctionImagesContainTheValueAtEveryPoint()
    {
        foreach (var facts in FunctionFacts.All())
        {
            var f = facts;
            IntervalAndPoint.Sample(p =>
            {
                var (a, x) = p;
                var r = f.Image(a);
                if (!Ok(x) || f.MayBeUndefined(Interval.Point(x))) return;
                double y = f.Fn switch
                {
                    Function.Softplus => Fp.Softplus(x),
                    Function.Sigmoid => Fp.Sigmoid(x),
                    Function.Exp => Math.Exp(x),
                    Function.Log => Math.Log(x),
                    Function.Tanh => Math.Tanh(x),
                    Function.Square => x * x,
                    Function.Abs => Math.Abs(x),
                    _ => throw new InvalidOperationException(),
                };
                Assert.True(r.Lo <= y && y <= r.Hi, $"{f.Name}({x:R}) = {y:R} outside {r} ({a})");
                // Exact signs from the facts: the function is positive, or has the sign of (x − its zero).
                int sign = f.HasZero ? (f.Shape == FunctionShape.Even ? (x == 0 ? 0 : 1) : Math.Sign(x - f.ZeroAt)) : 1;
                if (r.Positive_) Assert.True(sign > 0, $"{f.Name}({x:R}): {r} claims positive");
                if (r.Negative_) Assert.True(sign < 0, $"{f.Name}({x:R}): {r} claims negative");
                if (!r.ContainsZero) Assert.True(sign != 0, $"{f.Name}({x:R}): {r} claims nonzero");
                Assert.True(r.Lo >= facts.Codomain.Lo && r.Hi <= facts.Codomain.Hi, $"{f.Name}: {r} leaves the codomain");
            }, iter: 5000);
        }
    }

    [Fact]
    public void EveryFunctionHasProverFacts()
    {
        foreach (Function fn in Enum.GetValues<Function>())
        {
            var f = FunctionFacts.For(fn);
            Assert.Equal(fn, f.Fn);
            Assert.Equal(fn.ToString().ToLowerInvariant(), f.Name);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => FunctionFacts.For((Function)999));
    }
}

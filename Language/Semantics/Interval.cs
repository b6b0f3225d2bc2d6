using System;
using System.Globalization;

namespace DerivSpec.Language.Semantics
{
    /// <summary>
    /// IEEE-754 double helpers for outward rounding (netstandard2.0 has no Math.BitIncrement or FusedMultiplyAdd).
    /// Every basic operation is round-to-nearest, so its true result lies within one ulp of the computed one; the
    /// error-free transformations (TwoSum, Dekker's TwoProduct) tell when a result is exact and on which side the
    /// true value lies, so exact results keep their closed ends.
    /// </summary>
    internal static class Fp
    {
        /// <summary>The next double above x (−0 and +0 both go to the smallest subnormal; +∞ and NaN stay).</summary>
        public static double NextUp(double x)
        {
            if (double.IsNaN(x) || double.IsPositiveInfinity(x)) return x;
            if (x == 0) return double.Epsilon;
            long bits = BitConverter.DoubleToInt64Bits(x);
            return BitConverter.Int64BitsToDouble(x > 0 ? bits + 1 : bits - 1);
        }

        /// <summary>The next double below x (−∞ and NaN stay).</summary>
        public static double NextDown(double x) => -NextUp(-x);

        /// <summary>Moves x down by <paramref name="ulps"/> ulps.</summary>
        public static double Down(double x, int ulps) { for (int i = 0; i < ulps; i++) x = NextDown(x); return x; }

        /// <summary>Moves x up by <paramref name="ulps"/> ulps.</summary>
        public static double Up(double x, int ulps) { for (int i = 0; i < ulps; i++) x = NextUp(x); return x; }

        /// <summary>Knuth's TwoSum: s = fl(a + b) and a + b = s + err exactly (a, b, s finite).</summary>
        public static double TwoSum(double a, double b, out double err)
        {
            double s = a + b;
            double bb = s - a;
            err = (a - (s - bb)) + (b - bb);
            return s;
        }

        private const double Splitter = 134217729.0; // 2^27 + 1

        /// <summary>Dekker's TwoProduct: p = fl(a·b) and, when <c>true</c> is returned, a·b = p + err exactly.
        /// Returns false (err unknown) when the operands or the product are too large or too small for the split.</summary>
        public static bool TwoProduct(double a, double b, out double p, out double err)
        {
            p = a * b;
            err = 0;
            double aa = Math.Abs(a), ab = Math.Abs(b), ap = Math.Abs(p);
            if (!(aa < 1e290 && ab < 1e290 && ap < 1e300) || ap != 0 && ap < 1e-270 || (aa != 0 && aa < 1e-270) || (ab != 0 && ab < 1e-270))
                return false;
            if (p == 0) return a == 0 || b == 0; // otherwise the product underflowed
            Split(a, out double ah, out double al);
            Split(b, out double bh, out double bl);
            err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
            return true;
        }

        private static void Split(double a, out double hi, out double lo)
        {
            double t = Splitter * a;
            hi = t - (t - a);
            lo = a - hi;
        }

        /// <summary>A lower bound of a + b (not both infinite with opposite signs); exact when the sum is.</summary>
        public static double AddDown(double a, double b, out bool exact)
        {
            exact = true;
            if (double.IsInfinity(a) || double.IsInfinity(b)) return a + b;
            double s = TwoSum(a, b, out double err);
            if (double.IsPositiveInfinity(s)) { exact = false; return double.MaxValue; }
            if (double.IsNegativeInfinity(s)) { exact = false; return s; }
            if (err >= 0) { exact = err == 0; return s; }
            exact = false;
            return NextDown(s);
        }

        /// <summary>An upper bound of a + b.</summary>
        public static double AddUp(double a, double b, out bool exact) => -AddDown(-a, -b, out exact);

        /// <summary>A lower bound of a·b for finite a, b; exact when the product is.</summary>
        public static double MulDown(double a, double b, out bool exact)
        {
            exact = true;
            if (a == 0 || b == 0) return 0;
            if (TwoProduct(a, b, out double p, out double err))
            {
                if (err >= 0) { exact = err == 0; return p; }
                exact = false;
                return NextDown(p);
            }
            exact = false;
            if (double.IsPositiveInfinity(p)) return double.MaxValue; // overflow: the true product is finite and > MaxValue
            if (double.IsNegativeInfinity(p)) return p;
            return NextDown(p);
        }

        /// <summary>An upper bound of a·b for finite a, b.</summary>
        public static double MulUp(double a, double b, out bool exact) => -MulDown(-a, b, out exact);

        /// <summary>A lower bound of 1/x for finite nonzero x.</summary>
        public static double RecipDown(double x, out bool exact)
        {
            double q = 1 / x;
            exact = false;
            if (double.IsInfinity(q)) return x > 0 ? double.MaxValue : q;
            // Exact iff q·x = 1 exactly; otherwise the sign of 1 − q·x tells the side (for the split's range).
            if (q != 0 && TwoProduct(q, x, out double p, out double err))
            {
                // 1/x − q = (1 − q·x)/x, and 1 − q·x = (1 − p) − err exactly (Sterbenz: p is close to 1).
                double rem = (1 - p) - err;
                double side = x > 0 ? rem : -rem;
                if (side == 0) { exact = true; return q; }
                if (side > 0) return q;
            }
            return NextDown(q);
        }

        /// <summary>An upper bound of 1/x for finite nonzero x.</summary>
        public static double RecipUp(double x, out bool exact) => -RecipDown(-x, out exact);

        /// <summary>
        /// The relative error bound assumed for an approximate transcendental value (a library exp, log, log1p-by-Kahan,
        /// tanh, pow, or a composition of at most a few of them): |computed − true| ≤ 2⁻⁴⁰·|true| + 2⁻¹⁰²². Real libraries
        /// are within a few ulps (2⁻⁵⁰ relative); the bound leaves a margin of about a thousand ulps.
        /// </summary>
        public const double TranscendentalRelativeError = 1.0 / (1L << 40);

        /// <summary>A lower bound of the true value whose approximation is <paramref name="y"/>.</summary>
        public static double WidenDown(double y)
        {
            if (double.IsNaN(y)) return double.NegativeInfinity;
            if (double.IsInfinity(y)) return y > 0 ? double.MaxValue : y;
            double m = Math.Abs(y) * TranscendentalRelativeError * 1.0000001 + 2.2250738585072014E-308;
            return NextDown(y - m);
        }

        /// <summary>An upper bound of the true value whose approximation is <paramref name="y"/>.</summary>
        public static double WidenUp(double y) => -WidenDown(-y);

        /// <summary>log(1 + x) for x &gt; −1, accurate also for tiny x (Kahan's method).</summary>
        public static double Log1p(double x)
        {
            if (double.IsPositiveInfinity(x)) return x;
            double u = 1 + x;
            if (u == 1) return x;
            return Math.Log(u) * x / (u - 1);
        }

        /// <summary>softplus(x) = log(1 + eˣ) without overflow or early underflow.</summary>
        public static double Softplus(double x) => x > 0 ? x + Log1p(Math.Exp(-x)) : Log1p(Math.Exp(x));

        /// <summary>sigmoid(x) = 1/(1 + e⁻ˣ) without overflow.</summary>
        public static double Sigmoid(double x)
        {
            if (x >= 0) return 1 / (1 + Math.Exp(-x));
            double e = Math.Exp(x);
            return e / (1 + e);
        }
    }

    /// <summary>
    /// A nonempty real interval with open or closed ends, used as an enclosure: every operation returns an interval
    /// that contains the exact real image of its operands (the hull of the true image, with each computed end
    /// rounded outward). Infinite ends are always open (every value is a finite real). An open end is a claim
    /// ("this end is not a value"); a closed end claims nothing, so marking an end closed is always sound. An end that
    /// was rounded outward lies strictly beyond every value and is therefore open. Sign facts (<see cref="Positive_"/>
    /// and friends) are read from the ends; operations clamp their results with the exact sign rules (a product of
    /// positives is positive even when it underflows), so rounding never loses or invents a strict sign.
    /// An empty interval cannot be built: the constructor throws (a compiler bug, reported as DSPEC9001 — the build
    /// fails rather than accept a proof).
    /// </summary>
    internal readonly struct Interval
    {
        public Interval(double lo, bool loOpen, double hi, bool hiOpen)
        {
            if (double.IsNaN(lo) || double.IsNaN(hi) || double.IsPositiveInfinity(lo) || double.IsNegativeInfinity(hi)
                || lo > hi || lo == hi && (loOpen || hiOpen))
                throw new InvalidOperationException($"empty or undefined interval ({lo}, {loOpen}, {hi}, {hiOpen})");
            Lo = lo == 0 ? 0.0 : lo; Hi = hi == 0 ? 0.0 : hi; // no −0
            LoOpen = loOpen || double.IsInfinity(lo);
            HiOpen = hiOpen || double.IsInfinity(hi);
            Overflowed = false;
        }

        private Interval(Interval i, bool overflowed)
        {
            Lo = i.Lo; Hi = i.Hi; LoOpen = i.LoOpen; HiOpen = i.HiOpen;
            Overflowed = overflowed && !i.IsFinite;
        }

        /// <summary>
        /// An infinite end stands for a finite value beyond the double range (an overflow: 1e300 * 1e300, exp(1000)), not
        /// only for a limit. The exact value is finite but the decoder's floating-point value is not, so such a quantity is
        /// never taken as bounded. Kept while an end stays infinite.
        /// </summary>
        public bool Overflowed { get; }

        /// <summary>This interval, marked as overflowed when <paramref name="overflowed"/> and an end is infinite.</summary>
        public Interval MarkOverflow(bool overflowed) => overflowed || Overflowed ? new Interval(this, true) : this;

        private static bool Inf(double v) => double.IsInfinity(v);

        public double Lo { get; }
        public bool LoOpen { get; }
        public double Hi { get; }
        public bool HiOpen { get; }

        public static Interval All => new Interval(double.NegativeInfinity, true, double.PositiveInfinity, true);
        public static Interval Point(double v) => new Interval(v, false, v, false);
        public static Interval Positive => new Interval(0, true, double.PositiveInfinity, true);
        public static Interval Negative => new Interval(double.NegativeInfinity, true, 0, true);
        public static Interval NonNegativeReals => new Interval(0, false, double.PositiveInfinity, true);
        public static Interval Open(double lo, double hi) => new Interval(lo, true, hi, true);

        public bool IsPoint => Lo == Hi;
        public bool IsZero => IsPoint && Lo == 0;
        public bool IsFinite => !double.IsInfinity(Lo) && !double.IsInfinity(Hi);
        /// <summary>Every value ≥ 0.</summary>
        public bool NonNegative => Lo >= 0;
        /// <summary>Every value &gt; 0.</summary>
        public bool Positive_ => Lo > 0 || Lo == 0 && LoOpen;
        public bool NonPositive => Hi <= 0;
        public bool Negative_ => Hi < 0 || Hi == 0 && HiOpen;
        /// <summary>0 may be a value.</summary>
        public bool ContainsZero => !Positive_ && !Negative_;
        /// <summary>Bounded away from 0: some ε &gt; 0 with |v| ≥ ε for all v.</summary>
        public bool AwayFromZero => Lo > 0 || Hi < 0;

        /// <summary>v is within the ends (v may be a value; false means it certainly is not).</summary>
        public bool Attains(double v) => (v > Lo || v == Lo && !LoOpen) && (v < Hi || v == Hi && !HiOpen);

        public static Interval operator +(Interval a, Interval b)
        {
            double lo = Fp.AddDown(a.Lo, b.Lo, out bool loExact);
            double hi = Fp.AddUp(a.Hi, b.Hi, out bool hiExact);
            bool overflow = a.Overflowed || b.Overflowed || Inf(lo) && !Inf(a.Lo) && !Inf(b.Lo) || Inf(hi) && !Inf(a.Hi) && !Inf(b.Hi);
            return new Interval(lo, a.LoOpen || b.LoOpen || !loExact, hi, a.HiOpen || b.HiOpen || !hiExact)
                .WithSigns(SignMath.Add(SignMath.Of(a), SignMath.Of(b))).MarkOverflow(overflow);
        }

        public static Interval operator -(Interval a, Interval b) => a + -b;

        public static Interval operator -(Interval a) => new Interval(-a.Hi, a.HiOpen, -a.Lo, a.LoOpen).MarkOverflow(a.Overflowed);

        public static Interval operator *(Interval a, Interval b)
        {
            if (a.IsZero || b.IsZero) return Point(0); // every value is finite, so 0·v = 0
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            bool loAttained = false, hiAttained = false, overflow = a.Overflowed || b.Overflowed;
            void Candidate(double l, double h, bool attained)
            {
                if (l < lo) { lo = l; loAttained = attained; } else if (l == lo) loAttained |= attained;
                if (h > hi) { hi = h; hiAttained = attained; } else if (h == hi) hiAttained |= attained;
            }
            foreach (var (x, xOpen, xIsLo) in new[] { (a.Lo, a.LoOpen, true), (a.Hi, a.HiOpen, false) })
                foreach (var (y, yOpen, yIsLo) in new[] { (b.Lo, b.LoOpen, true), (b.Hi, b.HiOpen, false) })
                {
                    bool xInf = double.IsInfinity(x), yInf = double.IsInfinity(y);
                    if (!xInf && !yInf)
                    {
                        double l = Fp.MulDown(x, y, out bool le), h = Fp.MulUp(x, y, out bool he);
                        Candidate(l, h, !xOpen && !yOpen && le && he);
                        overflow |= Inf(l) || Inf(h);
                    }
                    else if (x == 0 || y == 0)
                    {
                        // A factor near its end 0 times one near ±∞: the products approach 0 and also grow without
                        // bound, with the sign of (the side of 0 the first factor lies on)·(the sign of ∞).
                        bool zeroIsLo = x == 0 ? xIsLo : yIsLo;
                        double inf = x == 0 ? y : x;
                        double sign = (zeroIsLo ? 1 : -1) * Math.Sign(inf);
                        Candidate(0, 0, false);
                        double big = sign > 0 ? double.PositiveInfinity : double.NegativeInfinity;
                        Candidate(big, big, false);
                    }
                    else
                    {
                        double v = Math.Sign(x) * Math.Sign(y) > 0 ? double.PositiveInfinity : double.NegativeInfinity;
                        Candidate(v, v, false);
                    }
                }
            bool zeroAttained = a.Attains(0) || b.Attains(0);
            if (lo == 0 && zeroAttained) loAttained = true;
            if (hi == 0 && zeroAttained) hiAttained = true;
            return new Interval(lo, !loAttained, hi, !hiAttained).WithSigns(SignMath.Mul(SignMath.Of(a), SignMath.Of(b))).MarkOverflow(overflow);
        }

        /// <summary>1/a when 0 is not a possible value; otherwise all reals (the caller reports the pole).</summary>
        public Interval Reciprocal()
        {
            if (Positive_)
            {
                double lo = 0, hi = double.PositiveInfinity;
                bool loExact = true, hiExact = true;
                if (!double.IsPositiveInfinity(Hi)) lo = Fp.RecipDown(Hi, out loExact);
                if (Lo > 0) hi = Fp.RecipUp(Lo, out hiExact);
                return new Interval(lo, HiOpen || !loExact, hi, LoOpen || !hiExact).WithSigns(Signs.Pos).MarkOverflow(Overflowed || Lo > 0 && Inf(hi));
            }
            if (Negative_) return -(-this).Reciprocal();
            return All.MarkOverflow(Overflowed);
        }

        /// <summary>{v² : v ∈ a}.</summary>
        public Interval Square()
        {
            var m = Abs();
            double lo = Fp.MulDown(m.Lo, m.Lo, out bool le);
            bool hiExact = true;
            double hi = double.IsPositiveInfinity(m.Hi) ? m.Hi : Fp.MulUp(m.Hi, m.Hi, out hiExact);
            var signs = (Attains(0) ? Signs.Zero : Signs.None) | (IsZero ? Signs.None : Signs.Pos);
            return new Interval(lo, m.LoOpen || !le, hi, m.HiOpen || !hiExact).WithSigns(signs).MarkOverflow(Overflowed || Inf(hi) && !Inf(m.Hi));
        }

        /// <summary>{|v| : v ∈ a} (exact).</summary>
        public Interval Abs()
        {
            if (NonNegative) return this;
            if (NonPositive) return -this;
            double top = Math.Max(-Lo, Hi);
            bool topOpen = -Lo > Hi ? LoOpen : Hi > -Lo ? HiOpen : LoOpen && HiOpen;
            return new Interval(0, false, top, topOpen).MarkOverflow(Overflowed);
        }

        /// <summary>Smallest interval containing both.</summary>
        public Interval Hull(Interval o)
        {
            double lo = Math.Min(Lo, o.Lo), hi = Math.Max(Hi, o.Hi);
            bool loOpen = Lo < o.Lo ? LoOpen : o.Lo < Lo ? o.LoOpen : LoOpen && o.LoOpen;
            bool hiOpen = Hi > o.Hi ? HiOpen : o.Hi > Hi ? o.HiOpen : HiOpen && o.HiOpen;
            return new Interval(lo, loOpen, hi, hiOpen).MarkOverflow(Overflowed || o.Overflowed);
        }

        /// <summary>The intersection of two intervals, or null when it is empty.</summary>
        public static Interval? Overlap(Interval a, Interval b)
        {
            double lo = Math.Max(a.Lo, b.Lo), hi = Math.Min(a.Hi, b.Hi);
            bool loOpen = a.Lo > b.Lo ? a.LoOpen : b.Lo > a.Lo ? b.LoOpen : a.LoOpen || b.LoOpen;
            bool hiOpen = a.Hi < b.Hi ? a.HiOpen : b.Hi < a.Hi ? b.HiOpen : a.HiOpen || b.HiOpen;
            if (lo > hi || lo == hi && (loOpen || hiOpen)) return null;
            return new Interval(lo, loOpen, hi, hiOpen).MarkOverflow(a.Overflowed || b.Overflowed);
        }

        /// <summary>The intersection of two enclosures of the same set (both contain it, so it is not empty).</summary>
        public Interval Intersect(Interval o)
        {
            double lo = Math.Max(Lo, o.Lo), hi = Math.Min(Hi, o.Hi);
            bool loOpen = Lo > o.Lo ? LoOpen : o.Lo > Lo ? o.LoOpen : LoOpen || o.LoOpen;
            bool hiOpen = Hi < o.Hi ? HiOpen : o.Hi < Hi ? o.HiOpen : HiOpen || o.HiOpen;
            return new Interval(lo, loOpen, hi, hiOpen).MarkOverflow(Overflowed || o.Overflowed);
        }

        /// <summary>Clamps the ends with the exact set of possible signs (computed from the operands' signs).</summary>
        public Interval WithSigns(Signs s)
        {
            if (s == Signs.Zero) return Point(0);
            double lo = Lo, hi = Hi;
            bool loOpen = LoOpen, hiOpen = HiOpen;
            if ((s & Signs.Neg) == 0 && lo <= 0)
            {
                if (lo < 0) { lo = 0; loOpen = (s & Signs.Zero) == 0; }
                else loOpen |= (s & Signs.Zero) == 0;
            }
            if ((s & Signs.Pos) == 0 && hi >= 0)
            {
                if (hi > 0) { hi = 0; hiOpen = (s & Signs.Zero) == 0; }
                else hiOpen |= (s & Signs.Zero) == 0;
            }
            return new Interval(lo, loOpen, hi, hiOpen).MarkOverflow(Overflowed);
        }

        /// <summary>n·I for a positive integer n (the Minkowski sum of n copies of an interval).</summary>
        public Interval Times(int n) => this * Point(n);

        public override string ToString()
        {
            if (IsPoint) return "{" + F(Lo, "G6") + "}";
            // Ends that look equal at 6 digits (a value rounded outward) are printed in full.
            string format = F(Lo, "G6") == F(Hi, "G6") ? "R" : "G6";
            return (LoOpen ? "(" : "[") + F(Lo, format) + ", " + F(Hi, format) + (HiOpen ? ")" : "]");
        }

        private static string F(double v, string format) =>
            double.IsPositiveInfinity(v) ? "∞" : double.IsNegativeInfinity(v) ? "-∞" : v.ToString(format, CultureInfo.InvariantCulture);
    }

    /// <summary>How a quantity varies with the variable of analysis (z, τ or x).</summary>
    internal readonly struct Mono
    {
        public Mono(bool nonDecreasing, bool nonIncreasing, bool strict)
        {
            NonDecreasing = nonDecreasing; NonIncreasing = nonIncreasing;
            Strict = strict && nonDecreasing != nonIncreasing;
        }

        public bool NonDecreasing { get; }
        public bool NonIncreasing { get; }
        public bool Strict { get; }
        public bool IsConstant => NonDecreasing && NonIncreasing;
        public bool IsUnknown => !NonDecreasing && !NonIncreasing;

        public static Mono Constant => new Mono(true, true, false);
        public static Mono Unknown => new Mono(false, false, false);
        public static Mono StrictlyIncreasing => new Mono(true, false, true);
        public Mono Flip() => new Mono(NonIncreasing, NonDecreasing, Strict);

        /// <summary>The possible signs of f(z2) − f(z1) for z1 &lt; z2.</summary>
        public Signs DeltaSigns() =>
            IsConstant ? Signs.Zero
            : NonDecreasing ? (Strict ? Signs.Pos : Signs.Pos | Signs.Zero)
            : NonIncreasing ? (Strict ? Signs.Neg : Signs.Neg | Signs.Zero)
            : Signs.Any;

        public static Mono FromDelta(Signs s)
        {
            if (s == Signs.Zero) return Constant;
            if ((s & Signs.Neg) == 0) return new Mono(true, false, (s & Signs.Zero) == 0);
            if ((s & Signs.Pos) == 0) return new Mono(false, true, (s & Signs.Zero) == 0);
            return Unknown;
        }

        public override string ToString() =>
            IsConstant ? "constant" : NonDecreasing ? (Strict ? "strictly increasing" : "nondecreasing")
            : NonIncreasing ? (Strict ? "strictly decreasing" : "nonincreasing") : "not monotone";
    }

    /// <summary>A set of possible signs.</summary>
    [Flags]
    internal enum Signs
    {
        None = 0, Neg = 1, Zero = 2, Pos = 4, Any = 7,
    }

    internal static class SignMath
    {
        public static Signs Of(Interval i)
        {
            var s = Signs.None;
            if (i.Lo < 0) s |= Signs.Neg;
            if (i.Hi > 0) s |= Signs.Pos;
            if (i.Attains(0)) s |= Signs.Zero;
            return s == Signs.None ? Signs.Any : s;
        }

        public static Signs Mul(Signs a, Signs b)
        {
            var r = Signs.None;
            foreach (var x in Each(a))
                foreach (var y in Each(b))
                    r |= x == Signs.Zero || y == Signs.Zero ? Signs.Zero : x == y ? Signs.Pos : Signs.Neg;
            return r;
        }

        public static Signs Add(Signs a, Signs b)
        {
            var r = Signs.None;
            foreach (var x in Each(a))
                foreach (var y in Each(b))
                    r |= x == Signs.Zero ? y : y == Signs.Zero ? x : x == y ? x : Signs.Any;
            return r;
        }

        private static Signs[] Each(Signs s)
        {
            var list = new System.Collections.Generic.List<Signs>(3);
            if ((s & Signs.Neg) != 0) list.Add(Signs.Neg);
            if ((s & Signs.Zero) != 0) list.Add(Signs.Zero);
            if ((s & Signs.Pos) != 0) list.Add(Signs.Pos);
            return list.ToArray();
        }
    }
}

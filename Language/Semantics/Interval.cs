using System;
using System.Globalization;

namespace DerivSpec.Language.Semantics
{
    /// <summary>
    /// A real interval with open or closed ends; infinite ends are always open. Used for sign/range facts:
    /// an open end at 0 records a strict sign (softplus(·) ∈ (0, ∞)).
    /// </summary>
    internal readonly struct Interval
    {
        public Interval(double lo, bool loOpen, double hi, bool hiOpen)
        {
            Lo = lo; Hi = hi;
            LoOpen = loOpen || double.IsInfinity(lo);
            HiOpen = hiOpen || double.IsInfinity(hi);
        }

        public double Lo { get; }
        public bool LoOpen { get; }
        public double Hi { get; }
        public bool HiOpen { get; }

        public static Interval All => new Interval(double.NegativeInfinity, true, double.PositiveInfinity, true);
        public static Interval Point(double v) => new Interval(v, false, v, false);
        public static Interval Positive => new Interval(0, true, double.PositiveInfinity, true);
        public static Interval Negative => new Interval(double.NegativeInfinity, true, 0, true);
        public static Interval Open(double lo, double hi) => new Interval(lo, true, hi, true);

        public bool IsPoint => Lo == Hi && !LoOpen && !HiOpen;
        public bool IsZero => IsPoint && Lo == 0;
        public bool IsFinite => !double.IsInfinity(Lo) && !double.IsInfinity(Hi);
        /// <summary>Every value ≥ 0.</summary>
        public bool NonNegative => Lo >= 0;
        /// <summary>Every value &gt; 0.</summary>
        public bool Positive_ => Lo > 0 || Lo == 0 && LoOpen;
        public bool NonPositive => Hi <= 0;
        public bool Negative_ => Hi < 0 || Hi == 0 && HiOpen;
        /// <summary>0 is a possible value.</summary>
        public bool ContainsZero => !Positive_ && !Negative_;
        /// <summary>Bounded away from 0: some ε &gt; 0 with |v| ≥ ε for all v.</summary>
        public bool AwayFromZero => Lo > 0 || Hi < 0;

        public static Interval operator +(Interval a, Interval b)
            => new Interval(a.Lo + b.Lo, a.LoOpen || b.LoOpen, a.Hi + b.Hi, a.HiOpen || b.HiOpen);

        public static Interval operator -(Interval a) => new Interval(-a.Hi, a.HiOpen, -a.Lo, a.LoOpen);

        public static Interval operator *(Interval a, Interval b)
        {
            // Extremes are attained at end-point pairs (with 0·∞ = 0). An extreme is closed when some pair reaching it
            // is made of two attained ends, or when it is 0 and either factor attains 0.
            var ends = new (double V, bool Attained)[4];
            int k = 0;
            foreach (var (x, xa) in new[] { (a.Lo, !a.LoOpen), (a.Hi, !a.HiOpen) })
                foreach (var (y, ya) in new[] { (b.Lo, !b.LoOpen), (b.Hi, !b.HiOpen) })
                    ends[k++] = (Mul(x, y), xa && ya);
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (var e in ends) { lo = Math.Min(lo, e.V); hi = Math.Max(hi, e.V); }
            bool loAttained = false, hiAttained = false;
            foreach (var e in ends)
            {
                if (e.V == lo && e.Attained) loAttained = true;
                if (e.V == hi && e.Attained) hiAttained = true;
            }
            bool zeroAttained = a.Attains(0) || b.Attains(0);
            if (lo == 0 && zeroAttained) loAttained = true;
            if (hi == 0 && zeroAttained) hiAttained = true;
            return new Interval(lo, !loAttained, hi, !hiAttained);
        }

        public bool Attains(double v) => (v > Lo || v == Lo && !LoOpen) && (v < Hi || v == Hi && !HiOpen);

        private static double Mul(double x, double y) => x == 0 || y == 0 ? 0 : x * y;

        /// <summary>1/a when 0 is not a possible value; otherwise all reals.</summary>
        public Interval Reciprocal()
        {
            if (Positive_)
                return new Interval(double.IsPositiveInfinity(Hi) ? 0 : 1 / Hi, double.IsPositiveInfinity(Hi) || HiOpen,
                                    Lo == 0 ? double.PositiveInfinity : 1 / Lo, Lo == 0 || LoOpen);
            if (Negative_) return -(-this).Reciprocal();
            return All;
        }

        /// <summary>Image under an increasing function f, with f(±∞) given as limits (not attained).</summary>
        public Interval MapIncreasing(Func<double, double> f) => new Interval(f(Lo), LoOpen, f(Hi), HiOpen);

        public Interval Square()
        {
            if (NonNegative) return new Interval(Lo * Lo, LoOpen, Hi * Hi, HiOpen);
            if (NonPositive) return new Interval(Hi * Hi, HiOpen, Lo * Lo, LoOpen);
            bool fromLo = Lo * Lo >= Hi * Hi;
            double top = Math.Max(Lo * Lo, Hi * Hi);
            bool topOpen = fromLo ? (LoOpen && (Lo * Lo > Hi * Hi || HiOpen)) : (HiOpen && (Hi * Hi > Lo * Lo || LoOpen));
            return new Interval(0, false, top, topOpen);
        }

        public Interval Abs()
        {
            if (NonNegative) return this;
            if (NonPositive) return -this;
            double top = Math.Max(-Lo, Hi);
            bool topOpen = -Lo > Hi ? LoOpen : Hi > -Lo ? HiOpen : LoOpen && HiOpen;
            return new Interval(0, false, top, topOpen);
        }

        /// <summary>Smallest interval containing both.</summary>
        public Interval Hull(Interval o)
        {
            double lo = Math.Min(Lo, o.Lo), hi = Math.Max(Hi, o.Hi);
            bool loOpen = Lo < o.Lo ? LoOpen : o.Lo < Lo ? o.LoOpen : LoOpen && o.LoOpen;
            bool hiOpen = Hi > o.Hi ? HiOpen : o.Hi > Hi ? o.HiOpen : HiOpen && o.HiOpen;
            return new Interval(lo, loOpen, hi, hiOpen);
        }

        /// <summary>n·I for a positive integer n (the Minkowski sum of n copies).</summary>
        public Interval Times(int n) => new Interval(Lo * n, LoOpen, Hi * n, HiOpen);

        public override string ToString()
        {
            if (IsPoint) return "{" + F(Lo) + "}";
            return (LoOpen ? "(" : "[") + F(Lo) + ", " + F(Hi) + (HiOpen ? ")" : "]");
        }

        private static string F(double v) =>
            double.IsPositiveInfinity(v) ? "∞" : double.IsNegativeInfinity(v) ? "-∞" : v.ToString("G6", CultureInfo.InvariantCulture);
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

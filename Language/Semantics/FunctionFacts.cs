using System;
using System.Collections.Generic;

namespace DerivSpec.Language.Semantics
{
    /// <summary>How a built-in function varies with its argument.</summary>
    internal enum FunctionShape
    {
        /// <summary>Strictly increasing on its domain.</summary>
        Increasing,
        /// <summary>Even: f(v) = g(|v|) with g strictly increasing on [0, ∞) and f(0) = 0 (square, abs).</summary>
        Even,
    }

    /// <summary>
    /// What the prover knows about one built-in <see cref="Function"/>: its domain, its exact range over the domain
    /// (with the limits at the ends), where it vanishes, how it varies, a bound of its derivative, and a range map that
    /// rounds outward. Strict signs come from these facts (softplus &gt; 0 everywhere), never from evaluating the
    /// function in floating point. <see cref="For"/> has one entry per member of <see cref="Function"/> and throws for
    /// any other value, so a new function cannot be analysed before its facts are written here (a test checks that
    /// every member has facts).
    /// </summary>
    internal sealed class FunctionFacts
    {
        private FunctionFacts(Function fn, FunctionShape shape, Interval domain, Interval codomain,
            double zeroAt, bool alwaysBounded, Func<double, double> approx, (double X, double Y)[] exactPoints,
            double limitAtDomainLo, double limitAtDomainHi, Func<Interval, Interval> derivative)
        {
            Fn = fn; Shape = shape; Domain = domain; Codomain = codomain; ZeroAt = zeroAt;
            AlwaysBounded = alwaysBounded; _approx = approx; _exactPoints = exactPoints;
            _limitLo = limitAtDomainLo; _limitHi = limitAtDomainHi; _derivative = derivative;
        }

        private readonly Func<double, double> _approx;
        private readonly (double X, double Y)[] _exactPoints;
        private readonly double _limitLo, _limitHi;
        private readonly Func<Interval, Interval> _derivative;

        public Function Fn { get; }
        /// <summary>Its name in .dspec text, from the vocabulary entry (<see cref="FunctionVocabulary"/>).</summary>
        public string Name => FunctionVocabulary.Of(Fn).Name;
        public FunctionShape Shape { get; }
        /// <summary>Where the function is defined (an argument outside makes the value undefined).</summary>
        public Interval Domain { get; }
        /// <summary>The exact image of the whole domain.</summary>
        public Interval Codomain { get; }
        /// <summary>The single zero of the function, or NaN when it has none.</summary>
        public double ZeroAt { get; }
        public bool HasZero => !double.IsNaN(ZeroAt);
        /// <summary>Bounded whatever the argument (sigmoid, tanh).</summary>
        public bool AlwaysBounded { get; }
        /// <summary>Strictly increasing with f(0) = 0: keeps crossings and sign changes at the same anchor.</summary>
        public bool KeepsCrossings => Shape == FunctionShape.Increasing && ZeroAt == 0;
        /// <summary>The domain is all reals.</summary>
        public bool Total => double.IsNegativeInfinity(Domain.Lo) && double.IsPositiveInfinity(Domain.Hi);

        /// <summary>The argument's possible values may leave the domain.</summary>
        public bool MayBeUndefined(Interval arg) => !InsideDomain(arg);

        private bool InsideDomain(Interval arg) =>
            (arg.Lo > Domain.Lo || arg.Lo == Domain.Lo && (arg.LoOpen || !Domain.LoOpen))
            && (arg.Hi < Domain.Hi || arg.Hi == Domain.Hi && (arg.HiOpen || !Domain.HiOpen));

        /// <summary>An enclosure of f(a) for the values of a within the domain (all reals when none is).</summary>
        public Interval Image(Interval a)
        {
            if (Shape == FunctionShape.Even) return Fn == Function.Square ? a.Square() : a.Abs();
            Interval arg;
            if (InsideDomain(a)) arg = a;
            else if (Interval.Overlap(Domain, a) is Interval i) arg = i;
            else return Interval.All;
            double lo, hi;
            bool loOpen, hiOpen;
            if (arg.Lo == Domain.Lo) { lo = _limitLo; loOpen = arg.LoOpen; }
            else if (Exact(arg.Lo, out double ylo)) { lo = ylo; loOpen = arg.LoOpen; }
            else { lo = Fp.WidenDown(_approx(arg.Lo)); loOpen = true; }
            if (arg.Hi == Domain.Hi) { hi = _limitHi; hiOpen = arg.HiOpen; }
            else if (Exact(arg.Hi, out double yhi)) { hi = yhi; hiOpen = arg.HiOpen; }
            else { hi = Fp.WidenUp(_approx(arg.Hi)); hiOpen = true; }
            bool overflow = a.Overflowed || double.IsInfinity(lo) && !double.IsInfinity(arg.Lo) && arg.Lo != Domain.Lo
                || double.IsInfinity(hi) && !double.IsInfinity(arg.Hi) && arg.Hi != Domain.Hi;
            var r = new Interval(lo, loOpen, hi, hiOpen).Intersect(Codomain);
            if (HasZero)
            {
                var s = Signs.None;
                if (arg.Lo < ZeroAt) s |= Signs.Neg;
                if (arg.Hi > ZeroAt) s |= Signs.Pos;
                if (arg.Attains(ZeroAt)) s |= Signs.Zero;
                r = r.WithSigns(s);
            }
            return r.MarkOverflow(overflow);
        }

        /// <summary>An enclosure of f′(v) for v in the argument's range (where f is differentiable).</summary>
        public Interval Derivative(Interval argRange) => _derivative(argRange);

        private bool Exact(double x, out double y)
        {
            foreach (var p in _exactPoints)
                if (p.X == x) { y = p.Y; return true; }
            y = double.NaN;
            return false;
        }

        private static readonly Interval R = Interval.All;
        private static readonly Interval Pos = Interval.Positive;

        /// <summary>The facts of <paramref name="fn"/>: those of its vocabulary entry (<see cref="FunctionInfo.Facts"/>, the one
        /// list of functions); throws for a value that is not a member of the enum.</summary>
        public static FunctionFacts For(Function fn) => Enum.IsDefined(typeof(Function), fn)
            ? FunctionVocabulary.Of(fn).Facts
            : throw new ArgumentOutOfRangeException(nameof(fn), fn, "not a function of the language");

        // softplus(v) = log(1 + eᵛ): (0, ∞), no zero; derivative sigmoid(v) ∈ (0, 1).
        internal static readonly FunctionFacts Softplus = new FunctionFacts(Function.Softplus, FunctionShape.Increasing,
            R, Pos, double.NaN, false, Fp.Softplus, Array.Empty<(double, double)>(), 0, double.PositiveInfinity,
            _ => Interval.Open(0, 1));

        // sigmoid(v) = 1/(1 + e⁻ᵛ): (0, 1), sigmoid(0) = 1/2; derivative σ(1 − σ) ∈ (0, 1/4].
        internal static readonly FunctionFacts Sigmoid = new FunctionFacts(Function.Sigmoid, FunctionShape.Increasing,
            R, Interval.Open(0, 1), double.NaN, true, Fp.Sigmoid, new[] { (0.0, 0.5) }, 0, 1,
            _ => new Interval(0, true, 0.25, false));

        // exp: (0, ∞), exp(0) = 1; derivative exp(v).
        internal static readonly FunctionFacts Exp = new FunctionFacts(Function.Exp, FunctionShape.Increasing,
            R, Pos, double.NaN, false, Math.Exp, new[] { (0.0, 1.0) }, 0, double.PositiveInfinity,
            a => For(Function.Exp).Image(a));

        // log: defined on (0, ∞), onto ℝ, log(1) = 0; derivative 1/v.
        internal static readonly FunctionFacts Log = new FunctionFacts(Function.Log, FunctionShape.Increasing,
            Pos, R, 1, false, Math.Log, new[] { (1.0, 0.0) }, double.NegativeInfinity, double.PositiveInfinity,
            a => a.Positive_ ? a.Reciprocal() : Interval.All);

        // tanh: (−1, 1), tanh(0) = 0 (odd); derivative 1 − tanh² ∈ (0, 1].
        internal static readonly FunctionFacts Tanh = new FunctionFacts(Function.Tanh, FunctionShape.Increasing,
            R, Interval.Open(-1, 1), 0, true, Math.Tanh, new[] { (0.0, 0.0) }, -1, 1,
            _ => new Interval(0, true, 1, false));

        // square: [0, ∞), zero at 0, even; derivative 2v.
        internal static readonly FunctionFacts Square = new FunctionFacts(Function.Square, FunctionShape.Even,
            R, Interval.NonNegativeReals, 0, false, v => v * v, new[] { (0.0, 0.0) }, double.PositiveInfinity, double.PositiveInfinity,
            a => Interval.Point(2) * a);

        // abs: [0, ∞), zero at 0, even; derivative sign(v) ∈ [−1, 1] (almost everywhere; abs is 1-Lipschitz).
        internal static readonly FunctionFacts Abs = new FunctionFacts(Function.Abs, FunctionShape.Even,
            R, Interval.NonNegativeReals, 0, false, Math.Abs, new[] { (0.0, 0.0) }, double.PositiveInfinity, double.PositiveInfinity,
            _ => new Interval(-1, false, 1, false));

        /// <summary>Every member of <see cref="Function"/> with its facts (for tests and tables).</summary>
        public static IEnumerable<FunctionFacts> All()
        {
            foreach (Function fn in Enum.GetValues(typeof(Function))) yield return For(fn);
        }
    }
}

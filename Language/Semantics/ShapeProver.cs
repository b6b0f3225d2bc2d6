using System;
using System.Collections.Generic;
using System.Linq;
using DerivSpec.Language.Printing;
using DerivSpec.Language.Syntax;

namespace DerivSpec.Language.Semantics
{
    internal enum ShapeKind { None, Crossing, SignChange, Valley, Peak }

    /// <summary>
    /// A structural fact about f(v) on all of ℝ, anchored at a point a (an expression constant in v):
    /// Crossing(d): strictly monotone (increasing if d = +1) with f(a) = 0;
    /// SignChange(d): sign f(v) = d·sign(v − a);
    /// Valley: nonincreasing on (−∞, a], nondecreasing on [a, ∞) (strictly when Strict);
    /// Peak: the mirror image (strict Peak = one interior maximum at a).
    /// </summary>
    internal sealed class Shape
    {
        public Shape(ShapeKind kind, Expr anchor, int dir, bool strict) { Kind = kind; Anchor = anchor; Dir = dir; Strict = strict; }
        public ShapeKind Kind { get; }
        public Expr Anchor { get; }
        public int Dir { get; }
        public bool Strict { get; }
        public bool IsCrossingLike => Kind == ShapeKind.Crossing || Kind == ShapeKind.SignChange;
    }

    /// <summary>Everything known about an expression as a function of the variable of analysis.</summary>
    internal sealed class Fact
    {
        public Fact(Interval range, Mono mono, bool bounded, Shape? shape = null, bool awayFromZero = false)
            : this(range, mono, bounded, shape, awayFromZero, Interval.All, false)
        {
        }

        // A separate constructor (no optional struct argument), so the many call sites in the recursive analysis do not
        // each reserve stack for an Interval? temporary (the analysis must run on a 256 KiB stack, see RobustnessTests).
        private Fact(Interval range, Mono mono, bool bounded, Shape? shape, bool awayFromZero, Interval slope, bool affine)
        {
            // The slope is not a source of monotonicity: a direction that only the derivative enclosure shows (terms
            // pulling in opposite directions whose derivatives cancel or dominate, as in z - tanh(z) or (c - z) + z)
            // holds for the exact values, but the decoder rounds each term before they meet, and that rounding can be
            // far larger than the result. Only the direction rules (monotone operations composed in consistent
            // directions) survive rounding, which is monotone. The slope serves the explanations (SlopeNote).
            Slope = slope;
            Affine = affine || mono.IsConstant;
            Range = range; Mono = mono; Bounded = (bounded || mono.IsConstant || range.IsFinite) && !range.Overflowed; Shape = shape;
            AwayFromZero = awayFromZero || range.AwayFromZero || mono.IsConstant && !range.ContainsZero;
        }
        public Interval Range { get; }
        public Mono Mono { get; }
        /// <summary>For every fixed value of the parameters (and net), bounded over the variable.</summary>
        public bool Bounded { get; }
        public Shape? Shape { get; }
        /// <summary>For every fixed value of the parameters, |e| ≥ ε &gt; 0 over the variable (so 1/e is bounded).</summary>
        public bool AwayFromZero { get; }
        /// <summary>An enclosure of the derivative in the variable wherever it exists (ℝ when unknown).</summary>
        public Interval Slope { get; }
        /// <summary>α + β·v with α, β constant in the variable v (for fixed parameters).</summary>
        public bool Affine { get; }
        public Fact WithSlope(Interval slope, bool affine) => new Fact(Range, Mono, Bounded, Shape, AwayFromZero, slope, affine);
    }

    /// <summary>
    /// Sign/range + monotonicity analysis of the checked expressions, and the proofs of declared properties.
    /// The rules are documented in spec/README.md ("Proof rules"); this class is their implementation.
    /// </summary>
    internal sealed class ShapeProver
    {
        private readonly DiagnosticBag _d;
        private readonly Dictionary<Expr, TextSpan> _spans;
        private readonly CheckedFamily _family;
        private readonly int _latent;
        private readonly TextSpan _bodySpan;
        private readonly TextSpan? _mapSpan;
        private readonly List<Name> _propertyNames;
        private readonly Dictionary<string, CheckedParameter> _params;
        private Dictionary<Expr, Fact> _memo = new Dictionary<Expr, Fact>(ReferenceComparer<Expr>.Instance);
        private Fact? _xFact; // in a map: the value before the map
        private bool _integrandVar; // true while analysing an integrand (z is τ)

        public ShapeProver(DiagnosticBag d, Dictionary<Expr, TextSpan> spans, CheckedFamily family, int latent,
            TextSpan bodySpan, TextSpan? mapSpan, List<Name> propertyNames)
        {
            _d = d; _spans = spans; _family = family; _latent = latent; _bodySpan = bodySpan; _mapSpan = mapSpan;
            _propertyNames = propertyNames;
            _params = family.Parameters.ToDictionary(p => p.Name);
        }

        /// <summary>The facts about the family's output, per latent coordinate (other coordinates fixed).</summary>
        internal sealed class FamilyFacts
        {
            public FamilyFacts(Fact body, Fact shapeFn, Fact preMap, Fact? map, Fact final)
            { Body = body; ShapeFn = shapeFn; PreMap = preMap; Map = map; Final = final; }
            public Fact Body { get; }
            public Fact ShapeFn { get; }
            public Fact PreMap { get; }
            public Fact? Map { get; }
            public Fact Final { get; }
        }

        public FamilyFacts Analyze()
        {
            var f = _family;
            Fact body;
            Fact s;
            switch (f.Kind)
            {
                case FamilyKind.FirstOrder:
                    {
                        _integrandVar = true;
                        body = Eval(f.Body);
                        _integrandVar = false;
                        // s(z) = ∫₀ᶻ e: s' = e.
                        s = IntegralOf(body);
                        break;
                    }
                case FamilyKind.SecondOrder:
                    {
                        _integrandVar = true;
                        body = Eval(f.Body);
                        _integrandVar = false;
                        // s'(z) = v0 + ∫₀ᶻ e. Only when e ≡ 0 is the sign of s' known (that of v0).
                        var v0 = ParamRange(_params["v0"]);
                        if (body.Range.IsZero)
                        {
                            var m = Mono.FromDelta(SignMath.Of(v0));
                            s = new Fact(v0.IsZero ? Interval.Point(0) : Interval.All, m, v0.IsZero);
                        }
                        else s = new Fact(Interval.All, Mono.Unknown, false);
                        break;
                    }
                default:
                    body = Eval(f.Body);
                    s = body;
                    break;
            }
            // x = x0 + Σ_p s(z_p): per coordinate, the other terms are constants.
            var x0 = ParamRange(_params["x0"]);
            var pre = new Fact(x0 + s.Range.Times(_latent), s.Mono, s.Bounded,
                s.Shape != null && (s.Shape.Kind == ShapeKind.Peak || s.Shape.Kind == ShapeKind.Valley) ? s.Shape : null);
            if (f.OutputMap == null) return new FamilyFacts(body, s, pre, null, pre);
            _xFact = new Fact(pre.Range, Mono.StrictlyIncreasing, pre.Bounded);
            _memo = new Dictionary<Expr, Fact>(ReferenceComparer<Expr>.Instance);
            var map = Eval(f.OutputMap);
            _xFact = null;
            // Compose: final(z) = g(pre(z)).
            Mono mono;
            if (map.Mono.IsConstant || pre.Mono.IsConstant) mono = Mono.Constant;
            else if (map.Mono.IsUnknown || pre.Mono.IsUnknown) mono = Mono.Unknown;
            else mono = map.Mono.NonDecreasing ? pre.Mono : pre.Mono.Flip();
            if (!mono.IsUnknown && !mono.IsConstant) mono = new Mono(mono.NonDecreasing, mono.NonIncreasing, map.Mono.Strict && pre.Mono.Strict);
            Shape? shape = null;
            if (pre.Shape != null && map.Mono.Strict)
            {
                var kind = map.Mono.NonDecreasing ? pre.Shape.Kind : pre.Shape.Kind == ShapeKind.Peak ? ShapeKind.Valley : ShapeKind.Peak;
                shape = new Shape(kind, pre.Shape.Anchor, 0, pre.Shape.Strict);
            }
            return new FamilyFacts(body, s, pre, map, new Fact(map.Range, mono, map.Bounded, shape));
        }

        public bool ProveDeclared()
        {
            var declared = _family.Declared;
            FamilyFacts facts = Analyze();
            bool ok = WarnDomains();
            if (declared == ShapeProperties.None) return true;
            var fin = facts.Final;
            string name = _family.Name;
            bool first = _family.Kind == FamilyKind.FirstOrder, second = _family.Kind == FamilyKind.SecondOrder;
            string bodyText = Printer.Print(_family.Body);
            string equation = first ? "dx/dz = " : second ? "d2x/dz2 = " : "x = ";

            if ((declared & ShapeProperties.Increasing) != 0 && !fin.Mono.NonDecreasing)
            {
                ok = false;
                var (span, why) = WhyNotMonotone(facts, increasing: true, equation, bodyText);
                _d.Report(DiagnosticCatalog.CannotProveIncreasing, span, name, why);
            }
            if ((declared & ShapeProperties.Decreasing) != 0 && !fin.Mono.NonIncreasing)
            {
                ok = false;
                var (span, why) = WhyNotMonotone(facts, increasing: false, equation, bodyText);
                _d.Report(DiagnosticCatalog.CannotProveDecreasing, span, name, why);
            }
            if ((declared & ShapeProperties.Transient) != 0 && !(fin.Shape != null && fin.Shape.Kind == ShapeKind.Peak && fin.Shape.Strict))
            {
                ok = false;
                var (span, why) = WhyNotTransient(facts, equation, bodyText);
                _d.Report(DiagnosticCatalog.CannotProveTransient, span, name, why);
            }
            if ((declared & ShapeProperties.Nonnegative) != 0 && !fin.Range.NonNegative)
            {
                ok = false;
                string why;
                TextSpan span;
                if (facts.Map != null)
                {
                    span = _mapSpan!.Value;
                    why = $"the output map ranges over {fin.Range} (for x in {facts.PreMap.Range})";
                }
                else
                {
                    span = _bodySpan;
                    var x0 = ParamRange(_params["x0"]);
                    if (first || second)
                        why = $"x = x0 + Σ_p s(z_p) ranges over {fin.Range}: s(z) = "
                            + (first ? "∫₀ᶻ e(τ) dτ" : "v0·z + ∫₀ᶻ (z − τ) e(τ) dτ")
                            + " takes both signs over z ∈ ℝ unless e is identically 0; add an output map such as 'map softplus(x)'";
                    else
                        why = $"x = x0 + Σ_p s(z_p) ranges over {fin.Range} (x0 in {x0}, s in {facts.ShapeFn.Range}); "
                            + (x0.NonNegative ? "" : "constrain x0 (e.g. 'param x0 > 0') and ")
                            + "make s nonnegative, or add an output map such as 'map softplus(x)'";
                }
                _d.Report(DiagnosticCatalog.CannotProveNonnegative, span, name, why);
            }
            if ((declared & ShapeProperties.Bounded) != 0 && !fin.Bounded)
            {
                ok = false;
                TextSpan span;
                string why;
                if (facts.Map != null)
                {
                    span = _mapSpan!.Value;
                    why = "the output map is not bounded for unbounded x; use a bounded map such as 'map lo + (hi - lo) * sigmoid(x)'";
                }
                else if (first || second)
                {
                    span = _bodySpan;
                    why = (first ? "s(z) = ∫₀ᶻ e(τ) dτ" : "s(z) = v0·z + ∫₀ᶻ (z − τ) e(τ) dτ")
                        + " is unbounded over z ∈ ℝ unless e is identically 0; add a bounded output map such as 'map sigmoid(x)'";
                }
                else
                {
                    var (blame, detail) = BlameUnbounded(_family.Body);
                    span = SpanOf(blame);
                    why = $"'{Short(blame)}' is not bounded in z{detail}";
                }
                _d.Report(DiagnosticCatalog.CannotProveBounded, span, name, why);
            }
            return ok;
        }

        // ------------------------------------------------------------------ explanations

        private (TextSpan, string) WhyNotMonotone(FamilyFacts facts, bool increasing, string equation, string bodyText)
        {
            string word = increasing ? "nondecreasing" : "nonincreasing";
            if (facts.Map != null && !facts.PreMap.Mono.IsUnknown)
            {
                // The value before the map is monotone (or constant); the map spoils or flips it.
                if (facts.Map.Mono.IsUnknown)
                {
                    _xFact = facts.PreMap; // the map's variable of analysis, for the wording of the note
                    string note = ExactDirection(facts.Map.Slope) is string exact ? "; " + exact + RoundingNote : "";
                    _xFact = null;
                    return (_mapSpan!.Value, $"the output map is not monotone in x (x ranges over {facts.PreMap.Range}), so it does not preserve the monotonicity of x{note}");
                }
                return (_mapSpan!.Value, $"x before the map is {facts.PreMap.Mono} in z and the output map is {facts.Map.Mono} in x, so the output is {facts.Final.Mono} in z");
            }
            switch (_family.Kind)
            {
                case FamilyKind.FirstOrder:
                    {
                        string need = increasing ? "≥ 0" : "≤ 0";
                        return (_bodySpan, $"{equation}{bodyText} must be {need} for every z, but its range is {facts.Body.Range}");
                    }
                case FamilyKind.SecondOrder:
                    return (_bodySpan, "dx/dz = v0 + ∫₀ᶻ e(τ) dτ takes both signs over z ∈ ℝ unless e is identically 0 "
                        + $"(here e = {bodyText} ranges over {facts.Body.Range}); use a first-order family 'dx/dz = …' instead");
                default:
                    {
                        if (!facts.Body.Mono.IsUnknown)
                            return (_bodySpan, $"x = {bodyText} is {facts.Body.Mono} in z");
                        var (blame, detail) = BlameMonotone(_family.Body);
                        return (SpanOf(blame), $"x = {Short(_family.Body)} is not provably {word} in z: {detail}");
                    }
            }
        }

        private (TextSpan, string) WhyNotTransient(FamilyFacts facts, string equation, string bodyText)
        {
            if (facts.Map != null && facts.PreMap.Shape != null && facts.PreMap.Shape.Kind == ShapeKind.Peak && facts.PreMap.Shape.Strict)
                return (_mapSpan!.Value, $"the output map must be strictly increasing in x to keep a single maximum, but it is {facts.Map.Mono}");
            var shape = facts.Final.Shape;
            if (shape != null && shape.Kind == ShapeKind.Valley)
                return (_bodySpan, "the output has a single minimum, not a maximum");
            switch (_family.Kind)
            {
                case FamilyKind.FirstOrder:
                    return (_bodySpan, $"{equation}{bodyText} must be positive before one point a and negative after it, "
                        + "as in '-(z - a) * softplus(net)' (a constant in z)");
                case FamilyKind.SecondOrder:
                    return (_bodySpan, "a second-order family gives no control over where dx/dz changes sign; "
                        + "use 'x = A * exp(-square(h))' with h = (z - a) * u (see the transient rule)");
                default:
                    return (_bodySpan, $"x = {Short(_family.Body)} does not have the form A·exp(−h²) (or g of it, g strictly increasing) "
                        + "with A > 0 and h = (z − a)·u, where u > 0 and u is constant in z or nonincreasing before a and nondecreasing after a "
                        + "(e.g. u = softplus(c + integral((z - a) * softplus(net))))");
            }
        }

        /// <summary>Finds the smallest subexpression whose monotonicity is unknown although its operands' are known.</summary>
        private (Expr, string) BlameMonotone(Expr e)
        {
            var node = e;
            for (int guard = 0; guard < 10000; guard++)
            {
                // A node monotone for exact values (by its slope) but not by the direction rules is the culprit itself.
                if (ExactDirection(Get(node).Slope) != null) break;
                Expr? child = Children(node).FirstOrDefault(c => Get(c).Mono.IsUnknown && !(c is Var v && v.Kind == VarKind.Net));
                if (child == null) break;
                node = child;
            }
            string detail = node switch
            {
                Binary b when b.Op == BinaryOp.Add => $"'{Short(node)}' combines a term that is {Get(b.Left).Mono} with one that is {Get(b.Right).Mono}{SlopeNote(node)}",
                Binary b when b.Op == BinaryOp.Subtract => $"'{Short(node)}' subtracts a term that is {Get(b.Right).Mono} from one that is {Get(b.Left).Mono}{SlopeNote(node)}",
                Binary b when b.Op == BinaryOp.Multiply || b.Op == BinaryOp.Divide => $"in '{Short(node)}' the factors range over {Get(b.Left).Range} and {Get(b.Right).Range}, so the product's direction is unknown{ExactNote(node)}",
                Call c when c.Fn == Function.Square || c.Fn == Function.Abs => $"the argument of '{Short(node)}' ranges over {Get(c.Arg).Range}, which contains both signs{ExactNote(node)}",
                Integral i => $"the integrand of '{Short(node)}' ranges over {IntegrandRange(i)}, which contains both signs",
                _ => $"'{Short(node)}' is not monotone in z{ExactNote(node)}",
            };
            return (node, detail);
        }

        private string SlopeNote(Expr e)
        {
            var slope = Get(e).Slope;
            if (double.IsInfinity(slope.Lo) && double.IsInfinity(slope.Hi)) return "";
            return ExactDirection(slope) is string exact ? ", and " + exact + RoundingNote : $", and its derivative ranges over {slope}, which contains both signs";
        }

        private string ExactNote(Expr e) => ExactDirection(Get(e).Slope) is string exact ? "; " + exact + RoundingNote : "";

        /// <summary>
        /// What the slope says about the exact values when it has one sign (null otherwise): true for the real values, but
        /// not a proof for the decoder (see the Fact constructor).
        /// </summary>
        private string? ExactDirection(Interval slope)
        {
            string v = _xFact != null ? "x" : "z";
            if (slope.IsZero) return $"its exact value does not change with {v} (its derivative is 0)";
            if (slope.NonNegative) return $"its derivative ranges over {slope}, so its exact value is nondecreasing in {v}";
            if (slope.NonPositive) return $"its derivative ranges over {slope}, so its exact value is nonincreasing in {v}";
            return null;
        }

        private const string RoundingNote = ", but the decoder rounds each term before they are combined, and the rounding of terms that "
            + "pull in opposite directions can be far larger than the result and move it either way; write it with terms that all move "
            + "in one direction, or as the integral of its derivative ('dx/dz = …' with an integrand of one sign)";

        private Interval IntegrandRange(Integral i) => Get(i).Range.IsZero ? Interval.Point(0) : _integrandRanges.TryGetValue(i, out var r) ? r : Interval.All;

        private readonly Dictionary<Expr, Interval> _integrandRanges = new Dictionary<Expr, Interval>(ReferenceComparer<Expr>.Instance);

        private readonly Dictionary<Expr, Expr> _integralAnchors = new Dictionary<Expr, Expr>(ReferenceComparer<Expr>.Instance);

        /// <summary>
        /// <paramref name="e"/> with every integral whose integrand was found to change sign at an anchor a (a Crossing or
        /// SignChange shape) marked with that a (<see cref="Integral.Anchor"/>), so the generated decoder can integrate in a
        /// way that turns exactly at a. Call after <see cref="Analyze"/>/<see cref="ProveDeclared"/>.
        /// </summary>
        public Expr AnnotateIntegrals(Expr e) => StackGuard.HasRoom() ? AnnotateCore(e) : StackGuard.OnFreshStack(AnnotateCore, e);

        private Expr AnnotateCore(Expr e) => e switch
        {
            Integral i => _integralAnchors.TryGetValue(i, out var a) ? i with { Anchor = a } : i,
            Unary u => Rebuild(u, AnnotateIntegrals(u.Operand), x => u with { Operand = x }),
            Binary b => AnnotateBinary(b),
            Call c => Rebuild(c, AnnotateIntegrals(c.Arg), x => c with { Arg = x }),
            _ => e,
        };

        private Expr AnnotateBinary(Binary b)
        {
            var l = AnnotateIntegrals(b.Left);
            var r = AnnotateIntegrals(b.Right);
            return ReferenceEquals(l, b.Left) && ReferenceEquals(r, b.Right) ? b : b with { Left = l, Right = r };
        }

        private static Expr Rebuild<T>(T node, Expr child, Func<Expr, T> make) where T : Expr =>
            ReferenceEquals(child, ChildOf(node)) ? node : make(child);

        private static Expr? ChildOf(Expr e) => e switch { Unary u => u.Operand, Call c => c.Arg, _ => null };

        private (Expr, string) BlameUnbounded(Expr e)
        {
            var node = e;
            for (int guard = 0; guard < 10000; guard++)
            {
                if (node is Binary div && div.Op == BinaryOp.Divide && Get(div.Left).Bounded) break;
                Expr? child = Children(node).FirstOrDefault(c => !Get(c).Bounded);
                if (child == null) break;
                node = child;
            }
            string detail = node switch
            {
                _ when Get(node).Range.Overflowed =>
                    $": its exact value exceeds the largest double (range {Get(node).Range}), so the decoder computes ±∞",
                Binary div when div.Op == BinaryOp.Divide && Get(div.Left).Bounded =>
                    $": its divisor '{Short(div.Right)}' (range {Get(div.Right).Range}) is not bounded away from 0",
                Var v when v.Kind == VarKind.Z => "",
                Integral => " (an integral over z ∈ ℝ is unbounded unless its integrand is identically 0)",
                _ => "",
            };
            return (node, detail);
        }

        private IEnumerable<Expr> Children(Expr e) => e switch
        {
            Unary u => new[] { u.Operand },
            Binary b => new[] { b.Left, b.Right },
            Call c => new[] { c.Arg },
            _ => Array.Empty<Expr>(), // do not descend into integrals: their body is a function of τ
        };

        private Fact Get(Expr e) => _memo.TryGetValue(e, out var f) ? f : new Fact(Interval.All, Mono.Unknown, false);

        private TextSpan SpanOf(Expr e) => _spans.TryGetValue(e, out var s) ? s : _bodySpan;

        private static string Short(Expr e)
        {
            var s = Printer.Print(e);
            return s.Length <= 60 ? s : s.Substring(0, 57) + "...";
        }

        // ------------------------------------------------------------------ domain warnings

        private readonly List<(Expr Node, string What, string Why)> _domainIssues = new List<(Expr, string, string)>();

        private bool WarnDomains()
        {
            // A family that declares a property must be defined everywhere: its proof is about real values, and a
            // NaN or a pole would void it. Without declared properties the issue is a warning.
            bool declared = _family.Declared != ShapeProperties.None;
            foreach (var (node, what, why) in _domainIssues)
                _d.Report(declared ? DiagnosticCatalog.UndefinedInProvenFamily : DiagnosticCatalog.PossiblyUndefined, SpanOf(node), what, why);
            bool any = _domainIssues.Count > 0;
            _domainIssues.Clear();
            return !(declared && any);
        }

        // ------------------------------------------------------------------ the analysis

        // A parameter `in latent(a, b)` lies inside a range that is known only at run time (the running quantiles of the
        // posterior means): for the proofs it is any finite real, as an unconstrained parameter, so no proof can depend
        // on where that range is.
        private static Interval ParamRange(CheckedParameter p) => p.Constraint.Kind switch
        {
            ParameterConstraintKind.None => Interval.All,
            ParameterConstraintKind.Positive => Interval.Positive,
            ParameterConstraintKind.Negative => Interval.Negative,
            ParameterConstraintKind.Interval => Interval.Open(p.Constraint.Lower, p.Constraint.Upper),
            ParameterConstraintKind.LatentRange => Interval.All,
        };

        private Fact Eval(Expr e)
        {
            if (_memo.TryGetValue(e, out var known)) return known;
            if (!StackGuard.HasRoom()) return EvalOnFreshStack(e);
            var f = WithSlope(e, EvalCore(e));
            _memo[e] = f;
            if (f.Range.Overflowed) NoteOverflow(e, f);
            return f;
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private Fact EvalOnFreshStack(Expr e) => StackGuard.OnFreshStack(Eval, e);

        // A number that certainly leaves the double range (exp(1E+30)): the decoder holds ±∞ for it, whatever the rest of
        // the proof says about its exact value, and ±∞ times 0 or plus ∓∞ is NaN (refuter, stop 17, seed 9:
        // dx/dz = -(z - 3) * exp(1E+30) was NaN from z = 3 on). Reported where it first overflows. Kept out of Eval's frame.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private void NoteOverflow(Expr e, Fact f)
        {
            if (!Children(e).Any(c => Get(c).Range.Overflowed) && IsNumber(e))
                _domainIssues.Add((e, "'" + Short(e) + "'", $"its value exceeds the largest double (range {f.Range}), so the decoder computes ±∞, and ±∞ times 0 or plus ∓∞ is NaN"));
        }

        /// <summary>An expression of numbers alone (no z, τ, parameter, net or integral).</summary>
        private static bool IsNumber(Expr e) => e switch
        {
            Num => true,
            Unary u => IsNumber(u.Operand),
            Binary b => IsNumber(b.Left) && IsNumber(b.Right),
            Call c => IsNumber(c.Arg),
            _ => false,
        };

        // Kept out of Eval's frame: Eval and EvalCore recurse once per level of the expression.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private Fact WithSlope(Expr e, Fact f)
        {
            var (slope, affine) = SlopeOf(e, f);
            return f.WithSlope(slope, affine);
        }

        /// <summary>
        /// An enclosure of de/dv (forward-mode differentiation in interval arithmetic) and whether e is affine in v.
        /// The children are already in the memo.
        /// </summary>
        private (Interval Slope, bool Affine) SlopeOf(Expr e, Fact f)
        {
            var zero = Interval.Point(0);
            if (f.Mono.IsConstant) return (zero, true);
            switch (e)
            {
                case Var v:
                    return v.Kind == VarKind.Z || v.Kind == VarKind.X ? (Interval.Point(1), true) : v.Kind == VarKind.Net ? (Interval.All, false) : (zero, true);
                case Unary u:
                    {
                        var a = Get(u.Operand);
                        return (-a.Slope, a.Affine);
                    }
                case Binary b:
                    {
                        var l = Get(b.Left);
                        var r = Get(b.Right);
                        switch (b.Op)
                        {
                            case BinaryOp.Add: return (l.Slope + r.Slope, l.Affine && r.Affine);
                            case BinaryOp.Subtract: return (l.Slope - r.Slope, l.Affine && r.Affine);
                            case BinaryOp.Multiply:
                                // (ab)′ = a′·b + a·b′
                                return (l.Slope * r.Range + l.Range * r.Slope, l.Affine && r.Mono.IsConstant || r.Affine && l.Mono.IsConstant);
                            case BinaryOp.Divide:
                                if (r.Mono.IsConstant && !r.Range.ContainsZero) return (l.Slope * r.Range.Reciprocal(), l.Affine);
                                return (Interval.All, false);
                            default:
                                if (b.Right is Num n && n.Value == 2) return (Interval.Point(2) * l.Range * l.Slope, false);
                                return (Interval.All, false);
                        }
                    }
                case Call c:
                    {
                        var a = Get(c.Arg);
                        var facts = FunctionFacts.For(c.Fn);
                        if (facts.MayBeUndefined(a.Range)) return (Interval.All, false);
                        return (facts.Derivative(a.Range) * a.Slope, false);
                    }
                case Integral i:
                    {
                        // I′(z) = b(z); I is affine when b is constant.
                        var body = Get(i.Body);
                        return (body.Range, body.Mono.IsConstant);
                    }
                default:
                    return (Interval.All, false);
            }
        }

        private Fact EvalCore(Expr e)
        {
            switch (e)
            {
                case Num n:
                    return new Fact(Interval.Point(n.Value), Mono.Constant, true);
                case Var v:
                    switch (v.Kind)
                    {
                        case VarKind.Z:
                            return new Fact(Interval.All, Mono.StrictlyIncreasing, false, new Shape(ShapeKind.Crossing, new Num(0), 1, true));
                        case VarKind.Net:
                            return new Fact(Interval.All, Mono.Unknown, false);
                        case VarKind.X:
                            return _xFact ?? new Fact(Interval.All, Mono.StrictlyIncreasing, false);
                        default:
                            return new Fact(_params.TryGetValue(v.Name, out var p) ? ParamRange(p) : Interval.All, Mono.Constant, true);
                    }
                case Unary u:
                    return Negate(Eval(u.Operand));
                case Binary b:
                    {
                        var l = Eval(b.Left);
                        var r = Eval(b.Right);
                        switch (b.Op)
                        {
                            case BinaryOp.Add: return Add(b, l, r, false);
                            case BinaryOp.Subtract: return Add(b, l, Negate(r), true);
                            case BinaryOp.Multiply: return Multiply(l, r, b.Left, b.Right);
                            case BinaryOp.Divide:
                                if (r.Range.ContainsZero && !r.Range.IsZero || r.Range.IsZero)
                                    _domainIssues.Add((b, "'" + Short(b) + "'", $"the divisor ranges over {r.Range}, which contains 0"));
                                return Multiply(l, Reciprocal(r), b.Left, null);
                            default: return Power(b, l, r);
                        }
                    }
                case Call c:
                    return CallFact(c, Eval(c.Arg));
                case Integral i:
                    {
                        bool saved = _integrandVar;
                        _integrandVar = true;
                        var body = Eval(i.Body);
                        _integrandVar = saved;
                        _integrandRanges[i] = body.Range;
                        if (body.Shape != null && body.Shape.IsCrossingLike) _integralAnchors[i] = body.Shape.Anchor;
                        return IntegralOf(body);
                    }
                default:
                    return new Fact(Interval.All, Mono.Unknown, false);
            }
        }

        /// <summary>I(z) = ∫₀ᶻ b(τ) dτ over z ∈ ℝ, given the facts about b.</summary>
        private static Fact IntegralOf(Fact b)
        {
            if (b.Range.IsZero) return new Fact(Interval.Point(0), Mono.Constant, true);
            var mono = Mono.FromDelta(SignMath.Of(b.Range)); // I' = b
            Shape? shape = null;
            if (b.Shape != null && b.Shape.IsCrossingLike)
                shape = new Shape(b.Shape.Dir > 0 ? ShapeKind.Valley : ShapeKind.Peak, b.Shape.Anchor, 0, b.Shape.Strict);
            return new Fact(Interval.All, mono, false, shape);
        }

        private static Fact Negate(Fact a)
        {
            Shape? s = a.Shape;
            if (s != null)
            {
                s = s.Kind switch
                {
                    ShapeKind.Crossing or ShapeKind.SignChange => new Shape(s.Kind, s.Anchor, -s.Dir, s.Strict),
                    ShapeKind.Valley => new Shape(ShapeKind.Peak, s.Anchor, 0, s.Strict),
                    ShapeKind.Peak => new Shape(ShapeKind.Valley, s.Anchor, 0, s.Strict),
                    _ => null,
                };
            }
            return new Fact(-a.Range, a.Mono.Flip(), a.Bounded, s, a.AwayFromZero);
        }

        private Fact Add(Binary node, Fact l, Fact r, bool subtract)
        {
            var range = l.Range + r.Range;
            var mono = Mono.FromDelta(SignMath.Add(l.Mono.DeltaSigns(), r.Mono.DeltaSigns()));
            Shape? shape = null;
            // z ± c, c ± z with c constant: a crossing at a known anchor.
            if (IsZ(node.Left) && r.Mono.IsConstant)
                shape = new Shape(ShapeKind.Crossing, subtract ? node.Right : NegateAnchor(node.Right), 1, true);
            else if (IsZ(node.Right) && l.Mono.IsConstant)
                shape = new Shape(ShapeKind.Crossing, subtract ? node.Left : NegateAnchor(node.Left), subtract ? -1 : 1, true);
            else if (IsNegZ(node.Left) && r.Mono.IsConstant)
                shape = new Shape(ShapeKind.Crossing, subtract ? NegateAnchor(node.Right) : node.Right, -1, true);
            else
            {
                // Valley/Peak + constant, or two of the same kind at the same anchor (r is already negated for '-').
                var a = l.Shape; var b = r.Shape;
                if (a != null && (a.Kind == ShapeKind.Valley || a.Kind == ShapeKind.Peak) && r.Mono.IsConstant) shape = a;
                else if (b != null && (b.Kind == ShapeKind.Valley || b.Kind == ShapeKind.Peak) && l.Mono.IsConstant) shape = b;
                else if (a != null && b != null && a.Kind == b.Kind && (a.Kind == ShapeKind.Valley || a.Kind == ShapeKind.Peak) && AnchorsEqual(a.Anchor, b.Anchor))
                    shape = new Shape(a.Kind, a.Anchor, 0, a.Strict || b.Strict);
            }
            // For fixed parameters, c + e with c constant > 0 and e ≥ 0 stays ≥ c (and symmetrically).
            bool away = l.Mono.IsConstant && (l.Range.Positive_ && r.Range.NonNegative || l.Range.Negative_ && r.Range.NonPositive)
                     || r.Mono.IsConstant && (r.Range.Positive_ && l.Range.NonNegative || r.Range.Negative_ && l.Range.NonPositive)
                     || l.AwayFromZero && r.AwayFromZero && (l.Range.Positive_ && r.Range.Positive_ || l.Range.Negative_ && r.Range.Negative_);
            return new Fact(range, mono, l.Bounded && r.Bounded, shape, away);
        }

        private static bool IsZ(Expr e) => e is Var v && v.Kind == VarKind.Z;
        private static bool IsNegZ(Expr e) => e is Unary u && IsZ(u.Operand);
        private static Expr NegateAnchor(Expr e) => e is Num n ? new Num(-n.Value) : e is Unary u ? u.Operand : new Unary(UnaryOp.Negate, e);
        private static bool AnchorsEqual(Expr a, Expr b) => Normalize(a).Equals(Normalize(b));
        private static Expr Normalize(Expr e) => e is Unary u && u.Operand is Num n ? new Num(-n.Value) : e;

        private static Fact Reciprocal(Fact a)
        {
            var range = a.Range.Reciprocal();
            bool signKnown = a.Range.Positive_ || a.Range.Negative_;
            var mono = a.Mono.IsConstant ? Mono.Constant : signKnown ? a.Mono.Flip() : Mono.Unknown;
            Shape? shape = null;
            if (a.Shape != null && signKnown && (a.Shape.Kind == ShapeKind.Valley || a.Shape.Kind == ShapeKind.Peak))
                shape = new Shape(a.Shape.Kind == ShapeKind.Valley ? ShapeKind.Peak : ShapeKind.Valley, a.Shape.Anchor, 0, a.Shape.Strict);
            bool bounded = a.AwayFromZero;
            return new Fact(range, mono, bounded, shape, a.Bounded && signKnown);
        }

        private Fact Multiply(Fact l, Fact r, Expr leftNode, Expr? rightNode)
        {
            var range = l.Range * r.Range;
            // Δ(ab) = Δa·b(z2) + a(z1)·Δb.
            var delta = SignMath.Add(SignMath.Mul(l.Mono.DeltaSigns(), SignMath.Of(r.Range)), SignMath.Mul(SignMath.Of(l.Range), r.Mono.DeltaSigns()));
            var mono = Mono.FromDelta(delta);
            if (l.Mono.IsConstant && r.Mono.IsConstant) mono = Mono.Constant;
            var shape = ProductShape(l, r) ?? ProductShape(r, l);
            if (shape == null && l.Shape != null && r.Shape != null && l.Shape.Kind == ShapeKind.Crossing && r.Shape.Kind == ShapeKind.Crossing
                && AnchorsEqual(l.Shape.Anchor, r.Shape.Anchor))
                shape = new Shape(l.Shape.Dir == r.Shape.Dir ? ShapeKind.Valley : ShapeKind.Peak, l.Shape.Anchor, 0, true);
            // Two affine crossings β₁(v − a)·β₂(v − b) = β₁β₂(v − a)(v − b): a quadratic whose vertex is (a + b)/2, a strict
            // Valley when the directions agree (β₁β₂ > 0) and a strict Peak when they differ.
            if (shape == null && l.Shape != null && r.Shape != null && l.Shape.Kind == ShapeKind.Crossing && r.Shape.Kind == ShapeKind.Crossing
                && l.Affine && r.Affine)
                shape = new Shape(l.Shape.Dir == r.Shape.Dir ? ShapeKind.Valley : ShapeKind.Peak, Midpoint(l.Shape.Anchor, r.Shape.Anchor), 0, true);
            return new Fact(range, mono, l.Bounded && r.Bounded, shape, l.AwayFromZero && r.AwayFromZero);
        }

        private static Expr Midpoint(Expr a, Expr b) => new Binary(BinaryOp.Multiply, new Binary(BinaryOp.Add, a, b), new Num(0.5));

        /// <summary>Shape of h·u where h carries the shape and u is the other factor.</summary>
        private static Shape? ProductShape(Fact h, Fact u)
        {
            var s = h.Shape;
            if (s == null) return null;
            bool pos = u.Range.Positive_, neg = u.Range.Negative_;
            switch (s.Kind)
            {
                case ShapeKind.Crossing:
                    {
                        // (z − a)·u, u > 0 and u constant or a valley at a: h' = u + (z − a)·u' > 0.
                        bool valleyAtA = u.Shape != null && u.Shape.Kind == ShapeKind.Valley && AnchorsEqual(u.Shape.Anchor, s.Anchor);
                        bool peakAtA = u.Shape != null && u.Shape.Kind == ShapeKind.Peak && AnchorsEqual(u.Shape.Anchor, s.Anchor);
                        if (pos && (u.Mono.IsConstant || valleyAtA)) return new Shape(ShapeKind.Crossing, s.Anchor, s.Dir, true);
                        if (neg && (u.Mono.IsConstant || peakAtA)) return new Shape(ShapeKind.Crossing, s.Anchor, -s.Dir, true);
                        if (pos) return new Shape(ShapeKind.SignChange, s.Anchor, s.Dir, true);
                        if (neg) return new Shape(ShapeKind.SignChange, s.Anchor, -s.Dir, true);
                        // u ≥ 0 (or ≤ 0): the sign pattern holds weakly (the product may vanish).
                        if (u.Range.NonNegative) return new Shape(ShapeKind.SignChange, s.Anchor, s.Dir, false);
                        if (u.Range.NonPositive) return new Shape(ShapeKind.SignChange, s.Anchor, -s.Dir, false);
                        return null;
                    }
                case ShapeKind.SignChange:
                    if (pos) return s;
                    if (neg) return new Shape(ShapeKind.SignChange, s.Anchor, -s.Dir, s.Strict);
                    if (u.Range.NonNegative) return new Shape(ShapeKind.SignChange, s.Anchor, s.Dir, false);
                    if (u.Range.NonPositive) return new Shape(ShapeKind.SignChange, s.Anchor, -s.Dir, false);
                    return null;
                case ShapeKind.Valley:
                case ShapeKind.Peak:
                    if (!u.Mono.IsConstant) return null;
                    if (pos) return s;
                    if (u.Range.NonNegative) return new Shape(s.Kind, s.Anchor, 0, false);
                    if (neg) return new Shape(s.Kind == ShapeKind.Valley ? ShapeKind.Peak : ShapeKind.Valley, s.Anchor, 0, s.Strict);
                    if (u.Range.NonPositive) return new Shape(s.Kind == ShapeKind.Valley ? ShapeKind.Peak : ShapeKind.Valley, s.Anchor, 0, false);
                    return null;
            }
            return null;
        }

        private Fact Power(Binary node, Fact l, Fact r)
        {
            // A number, or a negated number (a literal is never negative: `a ^ -3` is a ^ (−3)).
            if (node.Right is Num n) return ConstantPower(node, l, n.Value);
            if (node.Right is Unary { Operand: Num m }) return ConstantPower(node, l, -m.Value);
            // General a^b = exp(b·log a) for a > 0.
            if (!l.Range.Positive_)
            {
                _domainIssues.Add((node, "'" + Short(node) + "'", $"the base ranges over {l.Range} but a non-constant power needs a base > 0"));
                return new Fact(Interval.All, l.Mono.IsConstant && r.Mono.IsConstant ? Mono.Constant : Mono.Unknown, false);
            }
            var logA = CallFact(null, l, Function.Log);
            var prod = Multiply(r, logA, node.Right, null);
            return CallFact(null, prod, Function.Exp);
        }

        /// <summary>
        /// a ^ c for a number c. Every double of magnitude ≥ 2⁵² is an integer, and c % 2 (fmod) is exact, so integer
        /// exponents of any size are recognised: odd ones are strictly increasing through 0, even ones are |a|^c (like
        /// square). A fractional c needs a ≥ 0 (a &gt; 0 when c &lt; 0); a negative integer c needs a ≠ 0.
        /// </summary>
        private Fact ConstantPower(Binary node, Fact l, double c)
        {
            if (c == 0) return new Fact(Interval.Point(1), Mono.Constant, true);
            if (c == 1) return l;
            if (c == 2) return SquareFact(l);
            bool integer = c == Math.Floor(c);
            if (c < 0)
            {
                bool ok = integer ? !l.Range.ContainsZero : l.Range.Positive_;
                if (!ok)
                {
                    _domainIssues.Add((node, "'" + Short(node) + "'", $"the base ranges over {l.Range} but a negative power needs a base "
                        + (integer ? "≠ 0" : "> 0")));
                    return new Fact(Interval.All, l.Mono.IsConstant ? Mono.Constant : Mono.Unknown, false);
                }
                return Reciprocal(ConstantPower(node, l, -c));
            }
            if (integer)
            {
                if (Math.Abs(c % 2) == 1)
                {
                    // Odd: strictly increasing with 0 ↦ 0, so crossings and sign changes keep their anchor.
                    var range = PowImage(l.Range, c, odd: true);
                    return new Fact(range, l.Mono, l.Bounded, l.Shape != null && l.Shape.IsCrossingLike ? l.Shape : null);
                }
                var sq = SquareFact(l);
                return new Fact(PowImage(l.Range.Abs(), c, odd: false), sq.Mono, l.Bounded, sq.Shape);
            }
            if (!l.Range.NonNegative)
                _domainIssues.Add((node, "'" + Short(node) + "'", $"the base ranges over {l.Range} but a fractional power needs a base ≥ 0"));
            var baseRange = Interval.Overlap(l.Range, Interval.NonNegativeReals);
            if (baseRange == null) return new Fact(Interval.All, Mono.Unknown, false);
            return new Fact(PowImage(baseRange.Value, c, odd: false), l.Range.NonNegative ? l.Mono : Mono.Unknown, l.Bounded);
        }

        /// <summary>Image of v ↦ v^c (c &gt; 0) on a, where it is increasing: all of ℝ for an odd integer c, otherwise a ≥ 0.</summary>
        private static Interval PowImage(Interval a, double c, bool odd)
        {
            static (double, bool) End(double v, bool open, double c, bool down)
            {
                // ±∞, 0 and 1 are fixed points of v ↦ v^c (c > 0), and so is −1 for the odd c that reach negative bases.
                if (double.IsInfinity(v) || v == 0 || v == 1 || v == -1) return (v, open);
                double p = Math.Pow(v, c);
                return (down ? Fp.WidenDown(p) : Fp.WidenUp(p), true);
            }
            var (lo, loOpen) = End(a.Lo, a.LoOpen, c, down: true);
            var (hi, hiOpen) = End(a.Hi, a.HiOpen, c, down: false);
            var signs = (a.Attains(0) ? Signs.Zero : Signs.None) | (a.Hi > 0 ? Signs.Pos : Signs.None) | (odd && a.Lo < 0 ? Signs.Neg : Signs.None);
            bool overflow = a.Overflowed || double.IsInfinity(lo) && !double.IsInfinity(a.Lo) || double.IsInfinity(hi) && !double.IsInfinity(a.Hi);
            return new Interval(lo, loOpen, hi, hiOpen).WithSigns(signs).MarkOverflow(overflow);
        }

        private static Fact SquareFact(Fact a)
        {
            var range = a.Range.Square();
            Mono mono = a.Mono.IsConstant ? Mono.Constant
                : a.Range.NonNegative ? a.Mono
                : a.Range.NonPositive ? a.Mono.Flip()
                : Mono.Unknown;
            Shape? shape = null;
            if (a.Shape != null)
            {
                if (a.Shape.Kind == ShapeKind.Crossing) shape = new Shape(ShapeKind.Valley, a.Shape.Anchor, 0, true);
                else if ((a.Shape.Kind == ShapeKind.Valley || a.Shape.Kind == ShapeKind.Peak) && a.Range.NonNegative) shape = a.Shape;
                else if ((a.Shape.Kind == ShapeKind.Valley || a.Shape.Kind == ShapeKind.Peak) && a.Range.NonPositive)
                    shape = new Shape(a.Shape.Kind == ShapeKind.Valley ? ShapeKind.Peak : ShapeKind.Valley, a.Shape.Anchor, 0, a.Shape.Strict);
            }
            return new Fact(range, mono, a.Bounded, shape);
        }

        private Fact CallFact(Call? node, Fact a, Function? fnOverride = null)
        {
            var fn = fnOverride ?? node!.Fn;
            var facts = FunctionFacts.For(fn);
            if (facts.Shape == FunctionShape.Even)
            {
                var sq = SquareFact(a);
                return fn == Function.Square ? sq : new Fact(facts.Image(a.Range), sq.Mono, a.Bounded, sq.Shape);
            }
            if (node != null && facts.MayBeUndefined(a.Range))
            {
                string need = facts.Domain.Lo == 0 && facts.Domain.LoOpen && double.IsPositiveInfinity(facts.Domain.Hi) ? "values > 0" : "values in " + facts.Domain;
                _domainIssues.Add((node, "'" + Short(node) + "'", $"its argument ranges over {a.Range} but {facts.Name} needs {need}"));
            }
            // Strictly increasing on its domain: ranges map end to end, monotonicity and peak/valley shapes are kept.
            var range = facts.Image(a.Range);
            Shape? shape = null;
            if (a.Shape != null)
            {
                if (a.Shape.Kind == ShapeKind.Valley || a.Shape.Kind == ShapeKind.Peak) shape = a.Shape;
                else if (facts.KeepsCrossings) shape = a.Shape; // f(0) = 0 keeps crossings and sign changes
            }
            bool bounded = facts.AlwaysBounded
                || a.Bounded && (facts.Total || a.Range.Lo > facts.Domain.Lo && a.Range.Hi < facts.Domain.Hi
                                 || a.Mono.IsConstant && !facts.MayBeUndefined(a.Range));
            return new Fact(range, a.Mono, bounded, shape);
        }
    }
}

// Shared source: compiled into DerivSpec.Language and DerivSpec.Runtime (see README.md in this folder).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

#if DERIVSPEC_RUNTIME
namespace DerivSpec.Runtime.Decoding
#else
namespace DerivSpec.Language
#endif
{
    /// <summary>Constraint transform from the unconstrained (raw, optimised) value to a parameter's value. Declared once, in the shared vocabulary.</summary>
    public enum ParameterConstraintKind
    {
        /// <summary>No constraint: value = raw.</summary>
        None,
        /// <summary><c>&gt; 0</c>: value = softplus(raw).</summary>
        Positive,
        /// <summary><c>&lt; 0</c>: value = −softplus(raw).</summary>
        Negative,
        /// <summary><c>in (lo, hi)</c>: value = lo + (hi − lo)·sigmoid(raw).</summary>
        Interval,
        /// <summary><c>in latent(a, b)</c> (Lower = a, Upper = b: quantile levels, 0 ≤ a &lt; b ≤ 1): value =
        /// lo_p + (hi_p − lo_p)·sigmoid(raw), where (lo_p, hi_p) is the decoder's running range between the a- and
        /// b-quantiles of the training cells' posterior means on latent coordinate p (see <see cref="LatentRangeRule"/>).
        /// Per-latent parameters only; no <c>init</c> (the raw value starts at 0, the middle of the range).</summary>
        LatentRange,
    }

    /// <summary>The facts of one constraint kind (the checker's and the Runtime's: domain, default initial value, text).</summary>
    public sealed class ConstraintInfo
    {
        internal ConstraintInfo(ParameterConstraintKind kind, string member, Func<double, double, string> text,
            Func<double, double, double, bool> contains, Func<double, double, double> defaultInit, bool acceptsInit = true)
        {
            Kind = kind; Member = member; _text = text; _contains = contains; _defaultInit = defaultInit; AcceptsInit = acceptsInit;
        }

        private readonly Func<double, double, string> _text;
        private readonly Func<double, double, double, bool> _contains;
        private readonly Func<double, double, double> _defaultInit;

        /// <summary>The constraint kind.</summary>
        public ParameterConstraintKind Kind { get; }
        /// <summary>Its enum member's name, as generated code spells it.</summary>
        public string Member { get; }
        /// <summary>The constraint as written in .dspec (<c>&gt; 0</c>, <c>&lt; 0</c>, <c>in (lo, hi)</c>,
        /// <c>in latent(a, b)</c>), or empty for none.</summary>
        public string Text(double lower, double upper) => _text(lower, upper);
        /// <summary>True when <paramref name="value"/> is a value the constraint can take (open bounds); for
        /// <c>in latent(a, b)</c>, a value of the starting range <see cref="LatentRangeRule.InitialRange"/> (closed: it
        /// is a single point when both levels lie within 0.001 of the same end).</summary>
        public bool Contains(double value, double lower, double upper) => _contains(value, lower, upper);
        /// <summary>The initial value when the .dspec gives none.</summary>
        public double DefaultInit(double lower, double upper) => _defaultInit(lower, upper);
        /// <summary>Whether <c>init v</c> may be written with this constraint (not for <c>in latent</c>, whose range is
        /// known only at run time: such a parameter starts at the middle of it).</summary>
        public bool AcceptsInit { get; }
    }

    /// <summary>The constraint table: one entry per <see cref="ParameterConstraintKind"/> member.</summary>
    public static class ConstraintVocabulary
    {
        private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        /// <summary>The entry of <paramref name="kind"/>. No default arm: a member without an entry does not compile.</summary>
        public static ConstraintInfo Of(ParameterConstraintKind kind) => kind switch
        {
            ParameterConstraintKind.None => new ConstraintInfo(kind, nameof(ParameterConstraintKind.None),
                (lo, hi) => "", (v, lo, hi) => true, (lo, hi) => 0),
            ParameterConstraintKind.Positive => new ConstraintInfo(kind, nameof(ParameterConstraintKind.Positive),
                (lo, hi) => "> 0", (v, lo, hi) => v > 0, (lo, hi) => 1),
            ParameterConstraintKind.Negative => new ConstraintInfo(kind, nameof(ParameterConstraintKind.Negative),
                (lo, hi) => "< 0", (v, lo, hi) => v < 0, (lo, hi) => -1),
            ParameterConstraintKind.Interval => new ConstraintInfo(kind, nameof(ParameterConstraintKind.Interval),
                (lo, hi) => "in (" + R(lo) + ", " + R(hi) + ")", (v, lo, hi) => v > lo && v < hi, (lo, hi) => (lo + hi) / 2),
            ParameterConstraintKind.LatentRange => new ConstraintInfo(kind, nameof(ParameterConstraintKind.LatentRange),
                (a, b) => "in latent(" + R(a) + ", " + R(b) + ")", InInitialRange, LatentRangeRule.InitialValue, acceptsInit: false),
        };

        private static bool InInitialRange(double v, double a, double b)
        {
            if (!LatentRangeRule.ValidLevels(a, b)) return false;
            var (lo, hi) = LatentRangeRule.InitialRange(a, b);
            return v >= lo && v <= hi;
        }

        /// <summary>Every entry, in member order.</summary>
        public static IReadOnlyList<ConstraintInfo> All { get; } =
            Enum.GetValues(typeof(ParameterConstraintKind)).Cast<ParameterConstraintKind>().Select(Of).ToArray();
    }
}

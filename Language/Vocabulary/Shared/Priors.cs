// Shared source: compiled into DerivSpec.Language and DerivSpec.Runtime (see README.md in this folder).
using System;
using System.Collections.Generic;
using System.Linq;

#if DERIVSPEC_RUNTIME
namespace DerivSpec.Runtime.Decoding
#else
namespace DerivSpec.Language
#endif
{
    /// <summary>Prior density of a parameter's (constrained) value; enters the loss as term (7). Declared once, in the
    /// shared vocabulary. <see cref="None"/> has no .dspec name: the checker leaves a parameter without prior at null.</summary>
    public enum ParameterPriorKind
    {
        /// <summary>No prior (flat).</summary>
        None,
        /// <summary><c>normal(mean, sd)</c>: A = mean, B = sd.</summary>
        Normal,
        /// <summary><c>gamma(shape, rate)</c>: A = shape, B = rate.</summary>
        Gamma,
        /// <summary><c>lognormal(mu, sigma)</c>: A = mu, B = sigma.</summary>
        LogNormal,
        /// <summary><c>halfnormal(sd)</c>: A = sd.</summary>
        HalfNormal,
        /// <summary><c>exponential(rate)</c>: A = rate.</summary>
        Exponential,
    }

    /// <summary>The facts of one prior (the checker's and the Runtime's: name, arguments, support).</summary>
    public sealed class PriorInfo
    {
        internal PriorInfo(ParameterPriorKind kind, string? name, string member, string[] arguments, bool firstPositive, bool positiveSupport)
        {
            Kind = kind; Name = name; Member = member; Arguments = arguments; FirstMustBePositive = firstPositive; PositiveSupport = positiveSupport;
        }

        /// <summary>The prior.</summary>
        public ParameterPriorKind Kind { get; }
        /// <summary>Its name in .dspec text (e.g. <c>gamma</c>); null for <see cref="ParameterPriorKind.None"/>.</summary>
        public string? Name { get; }
        /// <summary>Its enum member's name, as generated code spells it.</summary>
        public string Member { get; }
        /// <summary>Names of its arguments (A, then B when there are two).</summary>
        public IReadOnlyList<string> Arguments { get; }
        /// <summary>Number of arguments (0, 1 or 2).</summary>
        public int Arity => Arguments.Count;
        /// <summary>True when the first argument must be &gt; 0 (a second argument always must).</summary>
        public bool FirstMustBePositive { get; }
        /// <summary>True when the density's support is (0, ∞), so the parameter must be constrained positive.</summary>
        public bool PositiveSupport { get; }
        /// <summary><c>name(arg, …)</c>, for messages.</summary>
        public string Signature => (Name ?? "none") + "(" + string.Join(", ", Arguments) + ")";

        /// <summary>Whether (<paramref name="a"/>, <paramref name="b"/>) are valid arguments (B is ignored for one-argument priors).</summary>
        public bool ValidArguments(double a, double b) =>
            Arity == 0 || !double.IsNaN(a) && !double.IsInfinity(a) && (!FirstMustBePositive || a > 0) && (Arity < 2 || b > 0 && !double.IsInfinity(b));
    }

    /// <summary>The prior table: one entry per <see cref="ParameterPriorKind"/> member. The log densities are in the
    /// Runtime (<c>DerivativeDecoder</c>), in switches without a default arm.</summary>
    public static class PriorVocabulary
    {
        /// <summary>The entry of <paramref name="kind"/>. No default arm: a member without an entry does not compile.</summary>
        public static PriorInfo Of(ParameterPriorKind kind) => kind switch
        {
            ParameterPriorKind.None => new PriorInfo(kind, null, nameof(ParameterPriorKind.None), new string[0], false, false),
            ParameterPriorKind.Normal => new PriorInfo(kind, "normal", nameof(ParameterPriorKind.Normal), new[] { "mean", "sd" }, false, false),
            ParameterPriorKind.Gamma => new PriorInfo(kind, "gamma", nameof(ParameterPriorKind.Gamma), new[] { "shape", "rate" }, true, true),
            ParameterPriorKind.LogNormal => new PriorInfo(kind, "lognormal", nameof(ParameterPriorKind.LogNormal), new[] { "mu", "sigma" }, false, true),
            ParameterPriorKind.HalfNormal => new PriorInfo(kind, "halfnormal", nameof(ParameterPriorKind.HalfNormal), new[] { "sd" }, true, true),
            ParameterPriorKind.Exponential => new PriorInfo(kind, "exponential", nameof(ParameterPriorKind.Exponential), new[] { "rate" }, true, true),
        };

        /// <summary>Every entry, in member order (including <see cref="ParameterPriorKind.None"/>).</summary>
        public static IReadOnlyList<PriorInfo> All { get; } =
            Enum.GetValues(typeof(ParameterPriorKind)).Cast<ParameterPriorKind>().Select(Of).ToArray();

        /// <summary>The names usable in .dspec text, in member order.</summary>
        public static IReadOnlyList<string> Names { get; } = All.Where(e => e.Name != null).Select(e => e.Name!).ToArray();

        /// <summary>The prior named <paramref name="name"/> in .dspec text; false when there is none.</summary>
        public static bool TryParse(string? name, out ParameterPriorKind kind) =>
            VocabularyLookup.TryFind(All, e => e.Name, e => e.Kind, name, out kind);
    }
}

// Shared source: compiled into DerivSpec.Language and DerivSpec.Runtime (see README.md in this folder).
using System;
using System.Collections.Generic;
using System.Linq;

#if DERIVSPEC_RUNTIME
namespace DerivSpec.Runtime.Model
#else
namespace DerivSpec.Language
#endif
{
    /// <summary>Conditional likelihood p(x | z) of a model (setting <c>likelihood</c>). Declared once, in the shared vocabulary.</summary>
    public enum LikelihoodKind
    {
        /// <summary><c>gaussian</c>: learnable per-feature standard deviation; mean = decoder output.</summary>
        Gaussian,
        /// <summary><c>poisson</c>: counts; mean = library size factor · exp(decoder output).</summary>
        Poisson,
        /// <summary><c>nb</c>: negative binomial counts, scVI parameterisation: mean = size factor · exp(decoder output), per-feature inverse dispersion θ.</summary>
        NegativeBinomial,
        /// <summary><c>zinb</c>: zero-inflated negative binomial, scVI parameterisation: NB as above plus dropout logits from z by a linear map.</summary>
        ZeroInflatedNegativeBinomial,
        /// <summary><c>bernoulli</c>: logits given by the decoder output.</summary>
        Bernoulli,
    }

    /// <summary>The facts of one likelihood.</summary>
    public sealed class LikelihoodInfo
    {
        internal LikelihoodInfo(LikelihoodKind kind, string name, string member, bool isCount)
        {
            Kind = kind; Name = name; Member = member; IsCount = isCount;
        }

        /// <summary>The likelihood.</summary>
        public LikelihoodKind Kind { get; }
        /// <summary>Its name in .dspec text and in model files (e.g. <c>zinb</c>).</summary>
        public string Name { get; }
        /// <summary>Its enum member's name, as generated code spells it.</summary>
        public string Member { get; }
        /// <summary>True for count likelihoods: data must be non-negative integers, library sizes are used.</summary>
        public bool IsCount { get; }
    }

    /// <summary>The likelihood table: one entry per <see cref="LikelihoodKind"/> member.</summary>
    public static class LikelihoodVocabulary
    {
        /// <summary>The entry of <paramref name="kind"/>. No default arm: a member without an entry does not compile.</summary>
        public static LikelihoodInfo Of(LikelihoodKind kind) => kind switch
        {
            LikelihoodKind.Gaussian => new LikelihoodInfo(kind, "gaussian", nameof(LikelihoodKind.Gaussian), isCount: false),
            LikelihoodKind.Poisson => new LikelihoodInfo(kind, "poisson", nameof(LikelihoodKind.Poisson), isCount: true),
            LikelihoodKind.NegativeBinomial => new LikelihoodInfo(kind, "nb", nameof(LikelihoodKind.NegativeBinomial), isCount: true),
            LikelihoodKind.ZeroInflatedNegativeBinomial => new LikelihoodInfo(kind, "zinb", nameof(LikelihoodKind.ZeroInflatedNegativeBinomial), isCount: true),
            LikelihoodKind.Bernoulli => new LikelihoodInfo(kind, "bernoulli", nameof(LikelihoodKind.Bernoulli), isCount: false),
        };

        /// <summary>Every entry, in member order.</summary>
        public static IReadOnlyList<LikelihoodInfo> All { get; } =
            Enum.GetValues(typeof(LikelihoodKind)).Cast<LikelihoodKind>().Select(Of).ToArray();

        /// <summary>Every name, in member order.</summary>
        public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToArray();

        /// <summary>The likelihood named <paramref name="name"/> (.dspec text, model files); false when there is none.</summary>
        public static bool TryParse(string? name, out LikelihoodKind kind) =>
            VocabularyLookup.TryFind(All, e => e.Name, e => e.Kind, name, out kind);
    }
}

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
    /// <summary>Hidden-layer activation of a network (settings <c>net</c> and <c>encoder</c>). Declared once, in the shared vocabulary.</summary>
    public enum ActivationKind
    {
        /// <summary><c>tanh</c></summary>
        Tanh,
        /// <summary><c>relu</c>: max(0, x)</summary>
        Relu,
        /// <summary><c>softplus</c>: log(1 + eˣ)</summary>
        Softplus,
        /// <summary><c>sigmoid</c>: 1 / (1 + e⁻ˣ)</summary>
        Sigmoid,
        /// <summary><c>elu</c>: exponential linear unit (α = 1)</summary>
        Elu,
        /// <summary><c>gelu</c>: Gaussian error linear unit</summary>
        Gelu,
    }

    /// <summary>The facts of one activation.</summary>
    public sealed class ActivationInfo
    {
        internal ActivationInfo(ActivationKind kind, string name, string member) { Kind = kind; Name = name; Member = member; }

        /// <summary>The activation.</summary>
        public ActivationKind Kind { get; }
        /// <summary>Its name in .dspec text and in files (e.g. <c>tanh</c>).</summary>
        public string Name { get; }
        /// <summary>Its enum member's name, as generated code spells it.</summary>
        public string Member { get; }
    }

    /// <summary>The activation table: one entry per <see cref="ActivationKind"/> member. The tensor operation of each is
    /// in the Runtime (<c>Nets</c>), in a switch without a default arm.</summary>
    public static class ActivationVocabulary
    {
        /// <summary>The entry of <paramref name="kind"/>. No default arm: a member without an entry does not compile.</summary>
        public static ActivationInfo Of(ActivationKind kind) => kind switch
        {
            ActivationKind.Tanh => new ActivationInfo(kind, "tanh", nameof(ActivationKind.Tanh)),
            ActivationKind.Relu => new ActivationInfo(kind, "relu", nameof(ActivationKind.Relu)),
            ActivationKind.Softplus => new ActivationInfo(kind, "softplus", nameof(ActivationKind.Softplus)),
            ActivationKind.Sigmoid => new ActivationInfo(kind, "sigmoid", nameof(ActivationKind.Sigmoid)),
            ActivationKind.Elu => new ActivationInfo(kind, "elu", nameof(ActivationKind.Elu)),
            ActivationKind.Gelu => new ActivationInfo(kind, "gelu", nameof(ActivationKind.Gelu)),
        };

        /// <summary>Every entry, in member order.</summary>
        public static IReadOnlyList<ActivationInfo> All { get; } =
            Enum.GetValues(typeof(ActivationKind)).Cast<ActivationKind>().Select(Of).ToArray();

        /// <summary>Every name, in member order.</summary>
        public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToArray();

        /// <summary>The activation named <paramref name="name"/>; false when there is none.</summary>
        public static bool TryParse(string? name, out ActivationKind kind) =>
            VocabularyLookup.TryFind(All, e => e.Name, e => e.Kind, name, out kind);
    }
}

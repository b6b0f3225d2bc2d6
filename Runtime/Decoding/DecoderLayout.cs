using System;
using System.Collections.Generic;
using System.Linq;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Runtime.Decoding;

/// <summary>How a family turns its expression into a shape s_p(z_p) (CONTRACT §2).</summary>
public enum FamilyForm
{
    /// <summary><c>dx/dz = e</c>: s(z) = ∫_0^z e(τ) dτ.</summary>
    FirstOrder,
    /// <summary><c>d2x/dz2 = e</c>: s(z) = v0·z + ∫_0^z (z − τ) e(τ) dτ.</summary>
    SecondOrder,
    /// <summary><c>x = e</c>: s(z) = e(z), where integral(b) = ∫_0^z b(τ) dτ.</summary>
    Composed,
}

/// <summary>Shape of a per-feature family parameter.</summary>
public enum ParameterShape
{
    /// <summary>One value per feature: [d] (the built-in offset x0).</summary>
    Feature,
    /// <summary>One value per latent dimension and feature: [P, d] (v0 and user parameters).</summary>
    LatentFeature,
}

// ParameterConstraintKind and ParameterPriorKind are declared once, in the shared vocabulary (Language/Vocabulary/Shared).

/// <summary>One family of a derivative decoder.</summary>
/// <param name="Name">Family name (as written in the .dspec).</param>
/// <param name="Form">First-order, second-order or composed.</param>
/// <param name="UsesNet">Whether the family reads its slice of the shared derivative network.</param>
/// <param name="HasOutputMap">Whether the family has an output map g (x ← g(x0 + Σ s)); then x0 is not an additive
/// offset of the output, and data-informed initialisation leaves it alone.</param>
public sealed record FamilyLayout(string Name, FamilyForm Form, bool UsesNet, bool HasOutputMap = false);

/// <summary>One per-feature parameter of a family.</summary>
/// <param name="Family">Index of the owning family.</param>
/// <param name="Name">Parameter name (as written in the .dspec; built-ins are <c>x0</c> and <c>v0</c>).</param>
/// <param name="Shape">[d] or [P, d].</param>
/// <param name="Constraint">Constraint transform.</param>
/// <param name="Lower">Lower bound of an interval constraint; the lower quantile level a of <c>in latent(a, b)</c>.</param>
/// <param name="Upper">Upper bound of an interval constraint; the upper quantile level b of <c>in latent(a, b)</c>.</param>
/// <param name="Prior">Prior family of the constrained value.</param>
/// <param name="PriorA">First prior argument.</param>
/// <param name="PriorB">Second prior argument (unused by one-argument priors).</param>
/// <param name="Init">Initial constrained value (every element); for <c>in latent(a, b)</c> a value of the starting
/// range (<see cref="LatentRangeRule.InitialRange"/>; generated code passes its middle, raw 0).</param>
public sealed record ParameterLayout(
    int Family,
    string Name,
    ParameterShape Shape,
    ParameterConstraintKind Constraint,
    double Lower,
    double Upper,
    ParameterPriorKind Prior,
    double PriorA,
    double PriorB,
    double Init);

/// <summary>
/// Everything a <see cref="DerivativeDecoder"/> needs to allocate its tensors: latent dimension, quadrature order,
/// derivative-network shape, families and parameters. Generated decoders build one from their .dspec; it is validated
/// here so that a hand-built layout gets a clear error too.
/// </summary>
public sealed class DecoderLayout
{
    /// <summary>Latent dimension P ≥ 1.</summary>
    public int LatentDim { get; }

    /// <summary>Gauss–Legendre order n.</summary>
    public int QuadratureOrder { get; }

    /// <summary>Hidden widths and activation of the shared derivative network (one group per latent dimension).</summary>
    public NetworkShape DerivativeNet { get; }

    /// <summary>Families in index order.</summary>
    public IReadOnlyList<FamilyLayout> Families { get; }

    /// <summary>Parameters in index order (the index generated code uses).</summary>
    public IReadOnlyList<ParameterLayout> Parameters { get; }

    /// <summary>For each family, its slot in the derivative network's output (−1 when it does not use the net).</summary>
    public IReadOnlyList<int> NetSlots { get; }

    /// <summary>Number of families that use the net (the net's output width is this times d).</summary>
    public int NetFamilies { get; }

    /// <summary>The identity of the .dspec model this layout was generated from (<c>"sha256:…"</c> of the checked model;
    /// see <see cref="Model.FamilyDecoder.SpecIdentity"/>), or "" for a hand-built layout.</summary>
    public string SpecIdentity { get; }

    /// <summary>Creates and validates a layout.</summary>
    /// <param name="latentDim">Latent dimension P.</param>
    /// <param name="quadratureOrder">Gauss–Legendre order n.</param>
    /// <param name="derivativeNet">Shape of the shared derivative network.</param>
    /// <param name="families">Families in index order.</param>
    /// <param name="parameters">Parameters in index order.</param>
    /// <param name="specIdentity">The spec identity generated decoders pass (null or "" for none).</param>
    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public DecoderLayout(int latentDim, int quadratureOrder, NetworkShape derivativeNet,
        IReadOnlyList<FamilyLayout> families, IReadOnlyList<ParameterLayout> parameters, string? specIdentity = null)
    {
        if (latentDim < 1 || latentDim > DspecLimits.MaxLatentDim)
            throw new ArgumentException($"Latent dimension must be between 1 and {DspecLimits.MaxLatentDim}, got {latentDim}.", nameof(latentDim));
        if (quadratureOrder < 1 || quadratureOrder > Quadrature.GaussLegendre.MaxOrder)
            throw new ArgumentException($"Gauss–Legendre order must be between 1 and {Quadrature.GaussLegendre.MaxOrder}, got {quadratureOrder}.", nameof(quadratureOrder));
        ArgumentNullException.ThrowIfNull(derivativeNet);
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(parameters);
        if (families.Count == 0) throw new ArgumentException("A decoder needs at least one family.", nameof(families));
        if (derivativeNet.Hidden.Any(w => w < 1 || w > DspecLimits.MaxHiddenWidth) || derivativeNet.Hidden.Count > DspecLimits.MaxHiddenLayers)
            throw new ArgumentException($"Derivative-network hidden widths must be between 1 and {DspecLimits.MaxHiddenWidth}, at most {DspecLimits.MaxHiddenLayers} layers, got {derivativeNet}.", nameof(derivativeNet));
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in families)
            if (!names.Add(f.Name)) throw new ArgumentException($"Duplicate family name '{f.Name}'.", nameof(families));
        var seen = new HashSet<(int, string)>();
        foreach (var p in parameters)
        {
            string where = p.Family >= 0 && p.Family < families.Count ? $"{families[p.Family].Name}.{p.Name}" : p.Name;
            if (p.Family < 0 || p.Family >= families.Count)
                throw new ArgumentException($"Parameter '{p.Name}' refers to family {p.Family}, but there are {families.Count}.", nameof(parameters));
            if (!seen.Add((p.Family, p.Name))) throw new ArgumentException($"Duplicate parameter '{where}'.", nameof(parameters));
            if (!double.IsFinite(p.Init)) throw new ArgumentException($"Parameter '{where}' has a non-finite initial value.", nameof(parameters));
            var constraint = ConstraintVocabulary.Of(p.Constraint);
            if (p.Constraint == ParameterConstraintKind.LatentRange)
            {
                if (!LatentRangeRule.ValidLevels(p.Lower, p.Upper))
                    throw new ArgumentException($"Parameter '{where}' is constrained {constraint.Text(p.Lower, p.Upper)}: the quantile levels must satisfy 0 ≤ a < b ≤ 1.", nameof(parameters));
                if (p.Shape != ParameterShape.LatentFeature)
                    throw new ArgumentException($"Parameter '{where}' is constrained {constraint.Text(p.Lower, p.Upper)}, which needs one value per latent coordinate (shape LatentFeature), but it has shape {p.Shape}.", nameof(parameters));
            }
            if (p.Constraint == ParameterConstraintKind.Interval && !(p.Lower < p.Upper) || !constraint.Contains(p.Init, p.Lower, p.Upper))
                throw new ArgumentException($"Parameter '{where}' is constrained {constraint.Text(p.Lower, p.Upper)} but starts at {p.Init}.", nameof(parameters));
            bool badPrior = !PriorVocabulary.Of(p.Prior).ValidArguments(p.PriorA, p.PriorB);
            if (badPrior) throw new ArgumentException($"Parameter '{where}' has an invalid {p.Prior} prior ({p.PriorA}, {p.PriorB}).", nameof(parameters));
        }
        LatentDim = latentDim;
        QuadratureOrder = quadratureOrder;
        DerivativeNet = derivativeNet;
        Families = families.ToArray();
        Parameters = parameters.ToArray();
        var slots = new int[families.Count];
        int k = 0;
        for (int i = 0; i < families.Count; i++) slots[i] = families[i].UsesNet ? k++ : -1;
        NetSlots = slots;
        NetFamilies = k;
        SpecIdentity = specIdentity ?? "";
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Runtime.Model;

// LikelihoodKind and ActivationKind are declared once, in the shared vocabulary (Language/Vocabulary/Shared).

/// <summary>Hidden widths and activation of an MLP. Value-equal.</summary>
public sealed record NetworkShape(IReadOnlyList<int> Hidden, ActivationKind Activation)
{
    /// <inheritdoc />
    public bool Equals(NetworkShape? other) =>
        other is not null && Activation == other.Activation && Hidden.SequenceEqual(other.Hidden);

    /// <inheritdoc />
    public override int GetHashCode() => Hidden.Aggregate((int)Activation, (h, w) => h * 31 + w);

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", Hidden)}] {ActivationVocabulary.Of(Activation).Name}";
}

/// <summary>
/// The model-level settings a <c>.dspec</c> declares (or their documented defaults): likelihood, encoder shape and the
/// collapsed-VI hyperparameters. Generated decoders expose one of these as <c>Defaults</c>; training options may override.
/// </summary>
/// <param name="Likelihood">Conditional likelihood.</param>
/// <param name="Encoder">Encoder MLP shape (x → μ, σ).</param>
/// <param name="Alpha">Symmetric Dirichlet concentration α of the cluster prior.</param>
/// <param name="Beta">Weight β of the KL term (6) after annealing.</param>
/// <param name="Gamma">Weight γ of terms (4) and (5) after annealing.</param>
/// <param name="AnnealFraction">Fraction of epochs over which β and γ rise linearly from 0 (0 = no annealing).</param>
/// <param name="Occam">Weight of the Occam prior on the family assignments (0 = none, the paper's uniform prior; 1 = the
/// BIC's penalty): log p(w_j = k) gains −Occam·(m_k/2)·log N, m_k the free parameters one feature has in family k
/// (<see cref="FamilyDecoder.ParametersPerFeature"/>), N the training samples.</param>
/// <param name="FreeBits">λ ≥ 0: the training loss counts each sample's KL(q(z_i|x_i) ‖ N(0, I)) in term (6) as
/// max(KL_i, λ) ("free bits"), so the first λ nats of a sample's latent position cost nothing; 0 = the paper's term.
/// The reported ELBO keeps the true KL.</param>
public sealed record ModelDefaults(
    LikelihoodKind Likelihood,
    NetworkShape Encoder,
    double Alpha,
    double Beta,
    double Gamma,
    double AnnealFraction,
    double Occam = 0,
    double FreeBits = 0)
{
    /// <summary>The paper's synthetic-experiment settings: Gaussian, ReLU encoder of width 64, α = 0.1, β = γ = 1, no annealing.</summary>
    public static ModelDefaults Paper { get; } = new(LikelihoodKind.Gaussian, new NetworkShape(new[] { 64 }, ActivationKind.Relu), 0.1, 1.0, 1.0, 0.0);
}

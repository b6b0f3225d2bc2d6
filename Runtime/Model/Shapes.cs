using System;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Runtime.Model;

/// <summary>Conditional likelihood p(x | z) of a model.</summary>
public enum LikelihoodKind
{
    /// <summary>Gaussian with a learnable per-feature standard deviation; mean = decoder output.</summary>
    Gaussian,
    /// <summary>Poisson counts; mean = library size factor · exp(decoder output).</summary>
    Poisson,
    /// <summary>Negative binomial counts, scVI parameterisation: mean = size factor · exp(decoder output), per-feature inverse dispersion θ.</summary>
    NegativeBinomial,
    /// <summary>Zero-inflated negative binomial, scVI parameterisation: NB as above plus dropout logits from z by a linear map.</summary>
    ZeroInflatedNegativeBinomial,
    /// <summary>Bernoulli with logits given by the decoder output.</summary>
    Bernoulli,
}

/// <summary>Hidden-layer activation of an MLP.</summary>
public enum ActivationKind
{
    /// <summary>tanh.</summary>
    Tanh,
    /// <summary>max(0, x).</summary>
    Relu,
    /// <summary>log(1 + e^x).</summary>
    Softplus,
    /// <summary>1 / (1 + e^-x).</summary>
    Sigmoid,
    /// <summary>Exponential linear unit.</summary>
    Elu,
    /// <summary>Gaussian error linear unit.</summary>
    Gelu,
}

/// <summary>Hidden widths and activation of an MLP. Value-equal.</summary>
public sealed record NetworkShape(IReadOnlyList<int> Hidden, ActivationKind Activation)
{
    /// <inheritdoc />
    public bool Equals(NetworkShape? other) =>
        other is not null && Activation == other.Activation && Hidden.SequenceEqual(other.Hidden);

    /// <inheritdoc />
    public override int GetHashCode() => Hidden.Aggregate((int)Activation, (h, w) => h * 31 + w);

    /// <inheritdoc />
    public override string ToString() => $"[{string.Join(", ", Hidden)}] {Activation.ToString().ToLowerInvariant()}";
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
public sealed record ModelDefaults(
    LikelihoodKind Likelihood,
    NetworkShape Encoder,
    double Alpha,
    double Beta,
    double Gamma,
    double AnnealFraction)
{
    /// <summary>The paper's synthetic-experiment settings: Gaussian, ReLU encoder of width 64, α = 0.1, β = γ = 1, no annealing.</summary>
    public static ModelDefaults Paper { get; } = new(LikelihoodKind.Gaussian, new NetworkShape(new[] { 64 }, ActivationKind.Relu), 0.1, 1.0, 1.0, 0.0);
}

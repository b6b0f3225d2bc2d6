namespace DerivSpec.Data;

/// <summary>
/// The set of values a likelihood accepts, against which <see cref="AnnData.Validate"/> checks the data once. Every
/// support needs finite values; the others add a constraint.
/// </summary>
public enum ValueSupport
{
    /// <summary>Any finite number (e.g. a Gaussian likelihood).</summary>
    Real,

    /// <summary>Finite numbers ≥ 0.</summary>
    NonNegative,

    /// <summary>Non-negative integers (Poisson, negative binomial, zero-inflated negative binomial).</summary>
    Counts,

    /// <summary>0 or 1 (Bernoulli).</summary>
    Binary,
}

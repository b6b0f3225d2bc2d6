using System;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Likelihoods;

/// <summary>
/// A conditional likelihood p(x | location) with its own learnable per-feature parameters.
/// Links (the decoder output is the "location"): Gaussian: mean = location; Poisson/NB/ZINB: mean = library · exp(location)
/// (monotone, so shapes proven for the location hold on the log-mean scale); Bernoulli: logit = location.
/// </summary>
public abstract class Likelihood : nn.Module
{
    /// <summary>Creates the module.</summary>
    protected Likelihood(string name, int features) : base(name) { Features = features; }

    /// <summary>Number of features d.</summary>
    public int Features { get; }

    /// <summary>Which likelihood this is.</summary>
    public abstract LikelihoodKind Kind { get; }

    /// <summary>True for count likelihoods (data must be non-negative integers; library size used).</summary>
    public bool IsCount => LikelihoodVocabulary.Of(Kind).IsCount;

    /// <summary>The values the likelihood accepts (what <see cref="AnnData.Validate"/> checks the data against).</summary>
    public ValueSupport Support => SupportOf(Kind);

    /// <summary>The values <paramref name="kind"/> accepts: counts for Poisson/NB/ZINB, 0/1 for Bernoulli, any finite number for Gaussian.</summary>
    public static ValueSupport SupportOf(LikelihoodKind kind) => kind switch
    {
        LikelihoodKind.Gaussian => ValueSupport.Real,
        LikelihoodKind.Poisson or LikelihoodKind.NegativeBinomial or LikelihoodKind.ZeroInflatedNegativeBinomial => ValueSupport.Counts,
        LikelihoodKind.Bernoulli => ValueSupport.Binary,
    };

    /// <summary>
    /// Element-wise log p(x_ij | location_ijk): <paramref name="x"/> [B, d], <paramref name="location"/> [B, K, d],
    /// <paramref name="z"/> [B, p] (used by ZINB's dropout), <paramref name="logLibrary"/> [B] or null (count models; null = 0).
    /// Returns [B, K, d].
    /// </summary>
    public abstract Tensor LogProb(Tensor x, Tensor location, Tensor z, Tensor? logLibrary);

    /// <summary>
    /// Σ_i Σ_j Σ_k φ_jk log p(x_ij | location_ijk) for <paramref name="phiT"/> = φᵀ of shape [K, d] (rows of φ sum to 1):
    /// term (3) of the loss before scaling. The default sums <see cref="LogProb"/>; likelihoods may override with a
    /// cheaper closed form.
    /// </summary>
    public virtual Tensor ExpectedLogLikelihood(Tensor x, Tensor location, Tensor z, Tensor? logLibrary, Tensor phiT) =>
        (LogProb(x, location, z, logLibrary).sum(dim: 0) * phiT).sum();

    /// <summary>The distribution's mean for a location [.., K, d] with unit library size (for plotting fitted curves).</summary>
    public virtual Tensor Mean(Tensor location) => Kind switch
    {
        LikelihoodKind.Gaussian => location.alias(),
        LikelihoodKind.Bernoulli => torch.sigmoid(location),
        LikelihoodKind.Poisson or LikelihoodKind.NegativeBinomial or LikelihoodKind.ZeroInflatedNegativeBinomial => location.exp(),
    };

    /// <summary>
    /// The location whose mean (with unit size factor) is <paramref name="mean"/>: the inverse of <see cref="Mean"/>
    /// (identity, logit or log), with the mean first clamped into the link's domain (a probability into [10⁻³, 1 − 10⁻³],
    /// a count mean to at least 10⁻⁶). Used to start the decoder's offsets at the data's location.
    /// </summary>
    public Tensor LocationOfMean(Tensor mean) => Kind switch
    {
        LikelihoodKind.Gaussian => mean.clone(),
        LikelihoodKind.Bernoulli => torch.logit(mean.clamp(1e-3, 1 - 1e-3)),
        LikelihoodKind.Poisson or LikelihoodKind.NegativeBinomial or LikelihoodKind.ZeroInflatedNegativeBinomial => mean.clamp_min(1e-6).log(),
    };

    /// <summary>Creates the likelihood of kind <paramref name="kind"/> for d features and latent dimension p.</summary>
    public static Likelihood Create(LikelihoodKind kind, int features, int latentDim) => kind switch
    {
        LikelihoodKind.Gaussian => new GaussianLikelihood(features),
        LikelihoodKind.Poisson => new PoissonLikelihood(features),
        LikelihoodKind.NegativeBinomial => new NegativeBinomialLikelihood(features),
        LikelihoodKind.ZeroInflatedNegativeBinomial => new ZinbLikelihood(features, latentDim),
        LikelihoodKind.Bernoulli => new BernoulliLikelihood(features),
    };

    /// <summary>Adds a [B] log-library offset to a [B, K, d] log mean.</summary>
    protected static Tensor WithLibrary(Tensor location, Tensor? logLibrary) =>
        logLibrary is null ? location : location + logLibrary.view(-1, 1, 1);
}

/// <summary>Gaussian with a learnable per-feature standard deviation σ_j = softplus(ρ_j) + 1e-4 (initially 1).</summary>
public sealed class GaussianLikelihood : Likelihood
{
    private const double Floor = 1e-4;
    private readonly Parameter rho;

    /// <summary>Creates the likelihood for d features.</summary>
    public GaussianLikelihood(int features, double initialSigma = 1.0) : base(nameof(GaussianLikelihood), features)
    {
        if (!(initialSigma > Floor)) throw new ArgumentOutOfRangeException(nameof(initialSigma), initialSigma, "Initial σ must exceed 1e-4.");
        double s = initialSigma - Floor;
        double raw = s > 30 ? s : Math.Log(Math.Exp(s) - 1.0);   // softplus⁻¹
        rho = new Parameter(torch.full(features, raw, dtype: ScalarType.Float32));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override LikelihoodKind Kind => LikelihoodKind.Gaussian;

    /// <summary>σ_j, shape [d].</summary>
    public Tensor Sigma() => torch.nn.functional.softplus(rho) + Floor;

    /// <inheritdoc />
    public override Tensor LogProb(Tensor x, Tensor location, Tensor z, Tensor? logLibrary) =>
        LogDensity.Gaussian(x.unsqueeze(1), location, Sigma());

    /// <summary>
    /// Closed form with Σ_k φ_jk = 1: −½ Σ_kj (φ_jk / σ_j²) Σ_i (x_ij − μ_ijk)² − B Σ_j log σ_j − B·d·½ log 2π
    /// (two element-wise ops over [B, K, d] instead of six).
    /// </summary>
    public override Tensor ExpectedLogLikelihood(Tensor x, Tensor location, Tensor z, Tensor? logLibrary, Tensor phiT)
    {
        long b = x.shape[0], d = x.shape[1];
        var sigma = Sigma();
        var ss = (location - x.unsqueeze(1)).square().sum(dim: 0);             // [K, d]
        var quad = (ss * phiT / sigma.square()).sum().mul_(-0.5);
        return quad.sub_(sigma.log().sum().mul_(b)).sub_(b * d * 0.5 * Math.Log(2 * Math.PI));
    }
}

/// <summary>Poisson with mean library · exp(location).</summary>
public sealed class PoissonLikelihood : Likelihood
{
    /// <summary>Creates the likelihood for d features.</summary>
    public PoissonLikelihood(int features) : base(nameof(PoissonLikelihood), features) { RegisterComponents(); }

    /// <inheritdoc />
    public override LikelihoodKind Kind => LikelihoodKind.Poisson;

    /// <inheritdoc />
    public override Tensor LogProb(Tensor x, Tensor location, Tensor z, Tensor? logLibrary) =>
        LogDensity.Poisson(x.unsqueeze(1), WithLibrary(location, logLibrary));
}

/// <summary>Negative binomial (scVI): mean library · exp(location), per-feature inverse dispersion θ_j = exp(r_j) (initially 1).</summary>
public sealed class NegativeBinomialLikelihood : Likelihood
{
    private readonly Parameter log_theta;

    /// <summary>Creates the likelihood for d features.</summary>
    public NegativeBinomialLikelihood(int features) : base(nameof(NegativeBinomialLikelihood), features)
    {
        log_theta = new Parameter(torch.zeros(features, dtype: ScalarType.Float32));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override LikelihoodKind Kind => LikelihoodKind.NegativeBinomial;

    /// <summary>θ_j, shape [d].</summary>
    public Tensor Theta() => log_theta.exp();

    /// <inheritdoc />
    public override Tensor LogProb(Tensor x, Tensor location, Tensor z, Tensor? logLibrary) =>
        LogDensity.NegativeBinomial(x.unsqueeze(1), WithLibrary(location, logLibrary), Theta());
}

/// <summary>
/// Zero-inflated negative binomial (scVI): mean library · exp(location), per-feature θ_j = exp(r_j), dropout logits
/// ψ_ij = z_i · W_j + b_j (a linear map from z, shared by the families), P(extra zero) = sigmoid(ψ).
/// </summary>
public sealed class ZinbLikelihood : Likelihood
{
    private readonly Parameter log_theta;
    private readonly Linear dropout;

    /// <summary>Creates the likelihood for d features and latent dimension p.</summary>
    public ZinbLikelihood(int features, int latentDim) : base(nameof(ZinbLikelihood), features)
    {
        log_theta = new Parameter(torch.zeros(features, dtype: ScalarType.Float32));
        dropout = nn.Linear(latentDim, features);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override LikelihoodKind Kind => LikelihoodKind.ZeroInflatedNegativeBinomial;

    /// <summary>θ_j, shape [d].</summary>
    public Tensor Theta() => log_theta.exp();

    /// <summary>Dropout logits ψ for z [B, p]: [B, d].</summary>
    public Tensor DropoutLogits(Tensor z) => dropout.forward(z);

    /// <inheritdoc />
    public override Tensor LogProb(Tensor x, Tensor location, Tensor z, Tensor? logLibrary) =>
        LogDensity.ZeroInflatedNegativeBinomial(x.unsqueeze(1), WithLibrary(location, logLibrary), Theta(), DropoutLogits(z).unsqueeze(1));

    /// <inheritdoc />
    public override Tensor Mean(Tensor location) => location.exp();
}

/// <summary>Bernoulli with logit = location.</summary>
public sealed class BernoulliLikelihood : Likelihood
{
    /// <summary>Creates the likelihood for d features.</summary>
    public BernoulliLikelihood(int features) : base(nameof(BernoulliLikelihood), features) { RegisterComponents(); }

    /// <inheritdoc />
    public override LikelihoodKind Kind => LikelihoodKind.Bernoulli;

    /// <inheritdoc />
    public override Tensor LogProb(Tensor x, Tensor location, Tensor z, Tensor? logLibrary) =>
        LogDensity.Bernoulli(x.unsqueeze(1), location);
}

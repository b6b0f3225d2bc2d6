using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Likelihoods;

/// <summary>
/// Element-wise log densities / log mass functions, written to be numerically stable (no exp of large values,
/// log-sum-exp forms for mixtures). All arguments broadcast.
/// </summary>
public static class LogDensity
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>log N(x | mean, sigma²).</summary>
    public static Tensor Gaussian(Tensor x, Tensor mean, Tensor sigma)
    {
        var r = (x - mean) / sigma;
        return r.square().mul_(-0.5).sub_(sigma.log()).sub_(HalfLog2Pi);
    }

    /// <summary>log Poisson(x | μ) with log μ given: x·log μ − μ − log Γ(x + 1).</summary>
    public static Tensor Poisson(Tensor x, Tensor logMean)
    {
        return x * logMean - logMean.exp() - torch.lgamma(x + 1.0);
    }

    /// <summary>
    /// log NB(x | μ, θ) in the scVI (mean, inverse-dispersion) parameterisation:
    /// log Γ(x+θ) − log Γ(θ) − log Γ(x+1) + θ (log θ − log(θ+μ)) + x (log μ − log(θ+μ)), with log(θ+μ) = logaddexp(log θ, log μ).
    /// </summary>
    public static Tensor NegativeBinomial(Tensor x, Tensor logMean, Tensor theta)
    {
        var logTheta = theta.log();
        var logThetaMu = torch.logaddexp(logTheta, logMean);
        return torch.lgamma(x + theta) - torch.lgamma(theta) - torch.lgamma(x + 1.0)
               + theta * (logTheta - logThetaMu) + x * (logMean - logThetaMu);
    }

    /// <summary>
    /// log ZINB(x | μ, θ, π) where π = sigmoid(<paramref name="dropoutLogits"/>) is the probability of an extra zero:
    /// x = 0: logaddexp(ψ, log NB(0)) − softplus(ψ); x &gt; 0: log NB(x) − softplus(ψ).
    /// </summary>
    public static Tensor ZeroInflatedNegativeBinomial(Tensor x, Tensor logMean, Tensor theta, Tensor dropoutLogits)
    {
        var logTheta = theta.log();
        var logThetaMu = torch.logaddexp(logTheta, logMean);
        var logNb0 = theta * (logTheta - logThetaMu);                       // log NB(0 | μ, θ)
        var logNb = torch.lgamma(x + theta) - torch.lgamma(theta) - torch.lgamma(x + 1.0)
                    + logNb0 + x * (logMean - logThetaMu);
        var spPsi = torch.nn.functional.softplus(dropoutLogits);
        var zeroCase = torch.logaddexp(dropoutLogits.expand_as(logNb0), logNb0) - spPsi;
        var nonZeroCase = logNb - spPsi;
        return torch.where(x.eq(0), zeroCase, nonZeroCase);
    }

    /// <summary>log Bernoulli(x | sigmoid(logits)) = x·logits − softplus(logits), x ∈ {0, 1}.</summary>
    public static Tensor Bernoulli(Tensor x, Tensor logits)
    {
        return x * logits - torch.nn.functional.softplus(logits);
    }
}

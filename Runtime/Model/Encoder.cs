using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model;

/// <summary>
/// Amortised Gaussian posterior q(z | x) = N(μ(x), diag σ(x)²): an MLP x → (μ, σ) with σ = softplus(·) + <see cref="SigmaFloor"/>.
/// </summary>
public sealed class GaussianEncoder : nn.Module<Tensor, (Tensor Mean, Tensor Sigma)>
{
    /// <summary>Lower bound added to σ so that log σ and 1/σ stay finite.</summary>
    public const double SigmaFloor = 1e-4;

    private readonly nn.Module<Tensor, Tensor> net;

    /// <summary>Input width d.</summary>
    public int Features { get; }

    /// <summary>Latent dimension p.</summary>
    public int LatentDim { get; }

    /// <summary>Creates an encoder from d inputs to a p-dimensional Gaussian.</summary>
    public GaussianEncoder(int features, int latentDim, NetworkShape shape) : base(nameof(GaussianEncoder))
    {
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "Latent dimension must be ≥ 1.");
        Features = features;
        LatentDim = latentDim;
        net = Nets.Mlp(features, shape, 2 * latentDim);
        RegisterComponents();
    }

    /// <summary>(μ, σ), each [B, p], for x of shape [B, d].</summary>
    public override (Tensor Mean, Tensor Sigma) forward(Tensor x)
    {
        using var h = net.forward(x);
        var parts = h.split(LatentDim, dim: 1);
        using var raw = parts[1];
        var sigma = torch.nn.functional.softplus(raw).add_(SigmaFloor);
        return (parts[0], sigma);
    }

    /// <summary>Reparameterised sample z = μ + σ ⊙ ε, ε ~ N(0, I).</summary>
    public static Tensor Sample(Tensor mean, Tensor sigma)
    {
        using var eps = torch.randn_like(mean);
        return torch.addcmul(mean, sigma, eps, 1.0);
    }

    /// <summary>Σ_i KL(N(μ_i, σ_i²) ‖ N(0, I)) = ½ Σ (μ² + σ²) − Σ log σ − ½·B·p, a scalar (fewer ops than the per-sample form).</summary>
    public static Tensor KlToStandardNormalSum(Tensor mean, Tensor sigma)
    {
        var sq = mean.square().sum().add_(sigma.square().sum()).mul_(0.5);
        return sq.sub_(sigma.log().sum()).sub_(0.5 * mean.numel());
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) per sample: ½ Σ_p (μ² + σ² − 1 − 2 log σ), shape [B].</summary>
    public static Tensor KlToStandardNormal(Tensor mean, Tensor sigma)
    {
        using var m2 = mean.square();
        using var s2 = sigma.square();
        using var ls = sigma.log();
        using var t = m2 + s2 - 1.0 - 2.0 * ls;
        return t.sum(dim: 1).mul_(0.5);
    }
}

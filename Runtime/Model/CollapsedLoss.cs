using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model;

/// <summary>
/// The terms of the collapsed-VI loss of BasisVAE/BasisDeVAE (paper eqs. (3)–(7)), each as it enters the loss
/// (already weighted by β, γ and scaled by N/batch where the paper's sum runs over all N samples). Scalars.
/// </summary>
/// <param name="Reconstruction">(3) −(N/B) Σ_i Σ_j Σ_k φ_jk log p(x_ij | z_i, w_j = k).</param>
/// <param name="Dirichlet">(4) −γ (log B(n + α) − log B(α)), n_k = Σ_j φ_jk.</param>
/// <param name="Entropy">(5) +γ Σ_jk φ_jk log φ_jk.</param>
/// <param name="Kl">(6) β (N/B) Σ_i KL(q(z_i | x_i) ‖ N(0, I)).</param>
/// <param name="Prior">(7) −log p(θ) of the MAP-estimated decoder parameters.</param>
public sealed record LossTerms(Tensor Reconstruction, Tensor Dirichlet, Tensor Entropy, Tensor Kl, Tensor Prior)
{
    /// <summary>The sum of the five terms (the quantity minimised).</summary>
    public Tensor Total() => Reconstruction + Dirichlet + Entropy + Kl + Prior;

    /// <summary>[(3), (4), (5), (6), (7)] as one tensor of shape [5] (differentiable; <c>.sum()</c> is the total).</summary>
    public Tensor Stacked() => torch.stack(new[] { Reconstruction, Dirichlet, Entropy, Kl, Prior });
}

/// <summary>The loss of the paper's section 2.2, as pure tensor functions (testable by hand computation).</summary>
public static class CollapsedLoss
{
    /// <summary>log B(a) = Σ_k log Γ(a_k) − log Γ(Σ_k a_k) of a [K] tensor.</summary>
    public static Tensor LogMultivariateBeta(Tensor a) => torch.lgamma(a).sum() - torch.lgamma(a.sum());

    /// <summary>
    /// Computes the five terms.
    /// </summary>
    /// <param name="logProb">log p(x_ij | z_i, w_j = k), [B, K, d].</param>
    /// <param name="phiLogits">ξ, [d, K]; φ = softmax(ξ) over K.</param>
    /// <param name="mean">μ of q(z|x), [B, p].</param>
    /// <param name="sigma">σ of q(z|x), [B, p].</param>
    /// <param name="logPrior">Σ log p(θ), scalar.</param>
    /// <param name="totalSamples">N, the number of samples in the whole data set.</param>
    /// <param name="alpha">Symmetric Dirichlet concentration α &gt; 0.</param>
    /// <param name="beta">Current β.</param>
    /// <param name="gamma">Current γ.</param>
    public static LossTerms Compute(Tensor logProb, Tensor phiLogits, Tensor mean, Tensor sigma, Tensor logPrior,
        long totalSamples, double alpha, double beta, double gamma)
    {
        var logPhi = torch.nn.functional.log_softmax(phiLogits, 1);            // [d, K]
        var phi = logPhi.exp();
        // (3): Σ_jk φ_jk Σ_i log p_ijk — sum over the batch first, then one [K, d] product.
        var perFamily = logProb.sum(dim: 0);                                     // [K, d]
        var expected = (perFamily * phi.t().contiguous()).sum();                 // contiguous: see CollapsedVaeModule.Loss
        return Compute(expected, logPhi, phi, logProb.shape[0], mean, sigma, logPrior, totalSamples, alpha, beta, gamma);
    }

    /// <summary>
    /// Computes the five terms from the batch's expected log-likelihood Σ_i Σ_jk φ_jk log p(x_ij | z_i, k) (a scalar, as
    /// given by <see cref="Likelihoods.Likelihood.ExpectedLogLikelihood"/>), log φ and φ ([d, K]) and the batch size.
    /// <paramref name="freeBits"/> λ &gt; 0 counts each sample's KL in (6) as max(KL_i, λ) (<see cref="ModelDefaults.FreeBits"/>);
    /// 0 leaves (6) as the paper writes it.
    /// </summary>
    public static LossTerms Compute(Tensor expectedLogLikelihood, Tensor logPhi, Tensor phi, long batch, Tensor mean, Tensor sigma,
        Tensor logPrior, long totalSamples, double alpha, double beta, double gamma, double freeBits = 0)
    {
        double scale = (double)totalSamples / batch;
        var recon = expectedLogLikelihood * -scale;                             // (3)
        var dirichlet = DirichletTerm(phi, alpha, gamma);                        // (4)
        var entropy = (phi * logPhi).sum().mul_(gamma);                          // (5)
        // (6)
        var kl = freeBits > 0
            ? GaussianEncoder.KlToStandardNormal(mean, sigma).clamp_min(freeBits).sum().mul_(beta * scale)
            : GaussianEncoder.KlToStandardNormalSum(mean, sigma).mul_(beta * scale);
        // (7)
        var prior = logPrior.neg();
        return new LossTerms(recon, dirichlet, entropy, kl, prior);
    }

    /// <summary>
    /// The Occam prior on the assignments as a loss term (added to (7)): Σ_jk φ_jk·penalty_k·log N, i.e. −E_q(w) log p(w)
    /// with log p(w_j = k) = −penalty_k·log N + const (penalty_k = occam·m_k/2: the BIC's price of family k's free
    /// parameters per feature; <paramref name="penalty"/> [K], in φ's dtype and device). Not part of the reported ELBO,
    /// like the rest of (7).
    /// </summary>
    public static Tensor OccamTerm(Tensor phi, Tensor penalty, long totalSamples)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(penalty);
        if (penalty.dim() != 1 || penalty.shape[0] != phi.shape[1]) throw new ArgumentException($"{penalty.numel()} penalties for {phi.shape[1]} families.", nameof(penalty));
        return (phi.sum(dim: 0) * penalty).sum().mul_(Math.Log(totalSamples));
    }

    /// <summary>(4): −γ (log B(n + α) − log B(α)) with n_k = Σ_j φ_jk, for φ [d, K].</summary>
    public static Tensor DirichletTerm(Tensor phi, double alpha, double gamma)
    {
        long d = phi.shape[0], k = phi.shape[1];
        var n = phi.sum(dim: 0);
        double logBAlpha = k * Lgamma(alpha) - Lgamma(k * alpha);
        // Σ_k n_k = d exactly (rows of φ sum to 1), so log Γ(Σ_k (n_k + α)) is the constant log Γ(d + Kα).
        double constant = Lgamma(d + k * alpha) + logBAlpha;
        return torch.lgamma(n + alpha).sum().sub_(constant).mul_(-gamma);
    }

    /// <summary>(5): γ Σ_jk φ_jk log φ_jk for logits ξ [d, K].</summary>
    public static Tensor EntropyTerm(Tensor phiLogits, double gamma)
    {
        var logPhi = torch.nn.functional.log_softmax(phiLogits, 1);
        return (logPhi.exp() * logPhi).sum().mul_(gamma);
    }

    /// <summary>log Γ(x) in double for x &gt; 0 (Lanczos, g = 7, n = 9; relative error ~1e-15).</summary>
    public static double Lgamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - Lgamma(1 - x);
        x -= 1;
        double a = 0.99999999999980993;
        double[] c =
        {
            676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        };
        double t = x + 7.5;
        for (int i = 0; i < 8; i++) a += c[i] / (x + i + 1);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }
}

using System;
using System.Linq;
using DerivSpec.Runtime.Likelihoods;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model;

/// <summary>
/// The torch module of a collapsed-VI model: encoder q(z|x), any <see cref="FamilyDecoder"/>, a likelihood and the
/// family-assignment logits ξ (d × K, φ = softmax over K). <see cref="Loss"/> gives the paper's terms (3)–(7).
/// The user-facing model (<see cref="CollapsedVaeModel"/>) wraps this.
/// </summary>
public sealed class CollapsedVaeModule : nn.Module
{
    private readonly GaussianEncoder encoder;
    private readonly FamilyDecoder decoder;
    private readonly Likelihood likelihood;
    private readonly Parameter xi;
    private readonly double[] occamPenalty;
    private Tensor? occamWeights;   // occamPenalty as a tensor in φ's dtype and device, made once (not per step)
    private readonly double freeBits;

    /// <summary>Creates the module (parameters in float32 on the CPU; move with <c>.to</c>). <paramref name="occam"/>:
    /// weight of the Occam prior on the assignments (<see cref="ModelDefaults.Occam"/>; 0 = none); <paramref name="freeBits"/>:
    /// λ of the KL term's free bits (<see cref="ModelDefaults.FreeBits"/>; 0 = none).</summary>
    public CollapsedVaeModule(FamilyDecoder decoder, LikelihoodKind likelihood, NetworkShape encoderShape, double occam = 0, double freeBits = 0)
        : base(nameof(CollapsedVaeModule))
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (!(occam >= 0) || double.IsInfinity(occam)) throw new ArgumentOutOfRangeException(nameof(occam), occam, "The Occam weight must be a finite number ≥ 0.");
        if (!(freeBits >= 0) || double.IsInfinity(freeBits)) throw new ArgumentOutOfRangeException(nameof(freeBits), freeBits, "Free bits must be a finite number ≥ 0.");
        this.decoder = decoder;
        this.freeBits = freeBits;
        occamPenalty = OccamPenalty(decoder, occam);
        encoder = new GaussianEncoder(decoder.Features, decoder.LatentDim, encoderShape);
        this.likelihood = Likelihood.Create(likelihood, decoder.Features, decoder.LatentDim);
        xi = new Parameter(torch.zeros(decoder.Features, decoder.FamilyCount));
        RegisterComponents();
    }

    /// <summary>
    /// Initialises every parameter from <paramref name="seed"/> alone, with a local CPU generator (torch's global
    /// generators are neither read nor changed): the decoder (<see cref="FamilyDecoder.ResetParameters"/>: a generated
    /// decoder's derivative network and family parameters), then the encoder's and the likelihood's linear layers
    /// (PyTorch's initialisation), and ξ = 0 (uniform φ). The likelihood's other parameters are constants at
    /// construction and are left as they are.
    /// </summary>
    public void ResetParameters(long seed)
    {
        using var generator = Training.SeededInit.CreateGenerator(seed);
        decoder.ResetParameters(generator);
        Training.SeededInit.ResetLinearModules(encoder, generator);
        Training.SeededInit.ResetLinearModules(likelihood, generator);
        using (torch.no_grad()) xi.zero_();
    }

    /// <summary>The encoder.</summary>
    public GaussianEncoder Encoder => encoder;

    /// <summary>The decoder.</summary>
    public FamilyDecoder Decoder => decoder;

    /// <summary>The likelihood.</summary>
    public Likelihood Likelihood => likelihood;

    /// <summary>ξ, [d, K].</summary>
    public Tensor PhiLogits => xi;

    /// <summary>φ = softmax(ξ) over K, [d, K].</summary>
    public Tensor Phi() => torch.softmax(xi, 1);

    /// <summary>
    /// The loss terms for a minibatch. <paramref name="x"/> [B, d] data, <paramref name="encoderInput"/> [B, d] (x, or log1p(x)
    /// for counts), <paramref name="logLibrary"/> [B] or null, <paramref name="totalSamples"/> N. With <paramref name="sample"/> false
    /// the posterior mean is decoded instead of a sample. In training mode the decoder first sees the batch's posterior
    /// means (<see cref="FamilyDecoder.ObserveLatent"/>: the running range of <c>in latent</c> parameters follows them);
    /// in eval mode nothing but the loss is computed.
    /// </summary>
    public LossTerms Loss(Tensor x, Tensor encoderInput, Tensor? logLibrary, long totalSamples,
        double alpha, double beta, double gamma, bool sample = true)
    {
        var (mu, sigma) = encoder.forward(encoderInput);
        var z = sample ? GaussianEncoder.Sample(mu, sigma) : mu;
        if (training) decoder.ObserveLatent(mu);
        var loc = decoder.forward(z);
        var logPhi = torch.nn.functional.log_softmax(xi, 1);                   // [d, K]
        var phi = logPhi.exp();
        // φᵀ made contiguous: a transposed view would hand its strides (K fastest) to the product's gradient, and from
        // there to every [B, K, d] gradient of the likelihood's backward — strided, unvectorised passes and reductions
        // (at the single-cell size the likelihood's backward took 2.5× as long).
        var expected = likelihood.ExpectedLogLikelihood(x, loc, z, logLibrary, phi.t().contiguous());
        var terms = CollapsedLoss.Compute(expected, logPhi, phi, x.shape[0], mu, sigma, decoder.LogPrior(), totalSamples, alpha, beta, gamma, freeBits);
        if (occamPenalty.Length == 0) return terms;
        if (occamWeights is null || occamWeights.dtype != phi.dtype || occamWeights.device_type != phi.device_type || occamWeights.device_index != phi.device_index)
        {
            occamWeights?.Dispose();
            occamWeights = torch.tensor(occamPenalty, dtype: phi.dtype, device: phi.device).DetachFromDisposeScope();
        }
        return terms with { Prior = terms.Prior + CollapsedLoss.OccamTerm(phi, occamWeights, totalSamples) };
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            occamWeights?.Dispose();
            occamWeights = null;
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// Per family, occam·m_k/2 relative to the smallest (only the differences between families matter), m_k =
    /// <see cref="FamilyDecoder.ParametersPerFeature"/>; empty when there is no penalty (occam 0, or every family has as
    /// many parameters per feature).
    /// </summary>
    internal static double[] OccamPenalty(FamilyDecoder decoder, double occam)
    {
        var m = decoder.ParametersPerFeature();
        if (m.Count != decoder.FamilyCount) throw new InvalidOperationException($"{decoder.GetType().Name}.ParametersPerFeature gave {m.Count} counts for {decoder.FamilyCount} families.");
        if (occam == 0 || m.Count == 0) return Array.Empty<double>();
        int least = m.Min();
        if (m.All(v => v == least)) return Array.Empty<double>();
        return m.Select(v => occam * (v - least) / 2.0).ToArray();
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model.Decoders;

/// <summary>Bounds and priors of the BasisVAE baseline (Märtens &amp; Yau 2020), settable.</summary>
/// <param name="DeltaBound">δ_jk = DeltaBound · tanh(raw): δ ∈ [−DeltaBound, DeltaBound] (BasisVAE: 1.5).</param>
/// <param name="LambdaLower">λ_jk = lower + (upper − lower)·sigmoid(raw) (BasisVAE: 0.25).</param>
/// <param name="LambdaUpper">Upper bound of λ (BasisVAE: 1.75; the paper's "BasisVAE2" uses [0.1, 3]).</param>
/// <param name="LambdaPriorShape">Shape a of the Gamma(a, rate b) prior on λ.</param>
/// <param name="LambdaPriorRate">Rate b of the Gamma prior on λ.</param>
public sealed record BasisVaeBounds(double DeltaBound = 1.5, double LambdaLower = 0.25, double LambdaUpper = 1.75,
    double LambdaPriorShape = 1.0, double LambdaPriorRate = 1.0)
{
    /// <summary>BasisVAE's default bounds: δ ∈ [−1.5, 1.5], λ ∈ [0.25, 1.75], prior δ ~ N(0, 1), λ ~ Gamma(1, 1).</summary>
    public static BasisVaeBounds Default { get; } = new();
}

/// <summary>
/// The BasisVAE decoder as a <see cref="FamilyDecoder"/>: K basis MLPs f_k: ℝ^p → ℝ and per-feature translation
/// δ_jk ∈ ℝ^p and scale λ_jk, location_jk(z) = λ_jk · f_k(z + δ_jk). Priors (term (7)): δ ~ N(0, 1) element-wise,
/// λ ~ Gamma(shape, rate). All K basis networks run as one batched matrix product per layer.
/// </summary>
public sealed class BasisVaeDecoder : FamilyDecoder
{
    private readonly int features, latentDim, families;
    private readonly string[] names;
    private readonly ActivationKind activation;
    private readonly BasisVaeBounds bounds;
    private readonly ParameterList weights;
    private readonly ParameterList biases;
    private readonly Parameter delta_raw;
    private readonly Parameter lambda_raw;

    /// <summary>Creates the decoder.</summary>
    /// <param name="features">d.</param>
    /// <param name="families">K basis functions.</param>
    /// <param name="latentDim">p.</param>
    /// <param name="basisNet">Hidden layers of each basis MLP (BasisVAE: one layer of 64).</param>
    /// <param name="bounds">Bounds and priors; null = <see cref="BasisVaeBounds.Default"/>.</param>
    /// <param name="familyNames">Names of the K basis functions; null = basis0, basis1, …</param>
    public BasisVaeDecoder(int features, int families, int latentDim, NetworkShape basisNet, BasisVaeBounds? bounds = null,
        IReadOnlyList<string>? familyNames = null) : base(nameof(BasisVaeDecoder))
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "Feature count must be ≥ 1.");
        if (families < 1) throw new ArgumentOutOfRangeException(nameof(families), families, "Number of basis functions must be ≥ 1.");
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "Latent dimension must be ≥ 1.");
        this.bounds = bounds ?? BasisVaeBounds.Default;
        if (!(this.bounds.DeltaBound > 0)) throw new ArgumentException("DeltaBound must be > 0.", nameof(bounds));
        if (!(this.bounds.LambdaLower < this.bounds.LambdaUpper) || this.bounds.LambdaLower < 0)
            throw new ArgumentException("Need 0 ≤ LambdaLower < LambdaUpper.", nameof(bounds));
        if (!(this.bounds.LambdaPriorShape > 0) || !(this.bounds.LambdaPriorRate > 0))
            throw new ArgumentException("The Gamma prior on λ needs shape > 0 and rate > 0.", nameof(bounds));
        this.features = features;
        this.latentDim = latentDim;
        this.families = families;
        names = familyNames?.ToArray() ?? Enumerable.Range(0, families).Select(k => $"basis{k}").ToArray();
        if (names.Length != families) throw new ArgumentException($"Expected {families} family names, got {names.Length}.", nameof(familyNames));
        activation = basisNet.Activation;
        var ws = new List<Parameter>();
        var bs = new List<Parameter>();
        int width = latentDim;
        foreach (int h in basisNet.Hidden.Append(1))
        {
            double bound = 1.0 / Math.Sqrt(width);
            ws.Add(new Parameter((torch.rand(families, width, h) * 2 - 1) * bound));
            bs.Add(new Parameter((torch.rand(families, 1, h) * 2 - 1) * bound));
            width = h;
        }
        weights = new ParameterList(ws.ToArray());
        biases = new ParameterList(bs.ToArray());
        delta_raw = new Parameter(torch.zeros(families, features, latentDim));
        lambda_raw = new Parameter(torch.zeros(families, features));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int Features => features;

    /// <inheritdoc />
    public override int LatentDim => latentDim;

    /// <inheritdoc />
    public override IReadOnlyList<string> FamilyNames => names;

    /// <summary>The bounds and priors in use.</summary>
    public BasisVaeBounds Bounds => bounds;

    /// <summary>δ, [K, d, p].</summary>
    public Tensor Delta() => torch.tanh(delta_raw) * bounds.DeltaBound;

    /// <summary>λ, [K, d].</summary>
    public Tensor Lambda() => torch.sigmoid(lambda_raw) * (bounds.LambdaUpper - bounds.LambdaLower) + bounds.LambdaLower;

    /// <summary>f_k evaluated at every input: <paramref name="input"/> [K, M, p] → [K, M].</summary>
    public Tensor Basis(Tensor input)
    {
        var h = input;
        int layers = weights.Count;
        for (int i = 0; i < layers; i++)
        {
            h = torch.bmm(h, weights[i]).add_(biases[i]);
            if (i < layers - 1) h = Nets.Apply(activation, h);
        }
        return h.squeeze(-1);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor z)
    {
        long b = z.shape[0];
        var shifted = z.view(1, b, 1, latentDim) + Delta().unsqueeze(1);       // [K, B, d, p]
        var f = Basis(shifted.view(families, b * features, latentDim));         // [K, B·d]
        var loc = f.view(families, b, features) * Lambda().unsqueeze(1);        // [K, B, d]
        return loc.permute(1, 0, 2);                                            // [B, K, d]
    }

    /// <inheritdoc />
    /// <remarks>Basis weights and biases ~ U(−1/√in, 1/√in) as the constructor draws them; δ and λ back to their
    /// initial raw value 0.</remarks>
    public override void ResetParameters(torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = torch.no_grad();
        for (int i = 0; i < weights.Count; i++)
        {
            double bound = 1.0 / Math.Sqrt(weights[i].shape[1]);
            Training.SeededInit.Uniform(weights[i], bound, generator);
            Training.SeededInit.Uniform(biases[i], bound, generator);
        }
        delta_raw.zero_();
        lambda_raw.zero_();
    }

    /// <inheritdoc />
    public override Tensor LogPrior()
    {
        double a = bounds.LambdaPriorShape, r = bounds.LambdaPriorRate;
        var delta = Delta();
        var lambda = Lambda();
        long nd = delta.numel(), nl = lambda.numel();
        var logNormal = delta.square().sum().mul_(-0.5).sub_(nd * 0.5 * Math.Log(2 * Math.PI));
        var logGamma = ((a - 1) * lambda.log() - r * lambda).sum().add_(nl * (a * Math.Log(r) - CollapsedLoss.Lgamma(a)));
        return logNormal + logGamma;
    }
}

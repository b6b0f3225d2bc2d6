using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model.Decoders;

/// <summary>The standard VAE's decoder as a one-family <see cref="FamilyDecoder"/>: an MLP z → d, output [B, 1, d].</summary>
public sealed class MlpDecoder : FamilyDecoder
{
    private readonly int features, latentDim;
    private readonly string[] names;
    private readonly nn.Module<Tensor, Tensor> net;

    /// <summary>Creates the decoder (the paper's VAE baseline uses the encoder's shape mirrored).</summary>
    public MlpDecoder(int features, int latentDim, NetworkShape shape, string familyName = "vae") : base(nameof(MlpDecoder))
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "Feature count must be ≥ 1.");
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "Latent dimension must be ≥ 1.");
        this.features = features;
        this.latentDim = latentDim;
        names = new[] { familyName };
        net = Nets.Mlp(latentDim, shape, features);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int Features => features;
    /// <inheritdoc />
    public override int LatentDim => latentDim;
    /// <inheritdoc />
    public override IReadOnlyList<string> FamilyNames => names;
    /// <inheritdoc />
    public override Tensor forward(Tensor z) => net.forward(z).unsqueeze(1);
    /// <inheritdoc />
    public override Tensor LogPrior() => ZeroLike(parameters());

    internal static Tensor ZeroLike(IEnumerable<Parameter> ps)
    {
        foreach (var p in ps) return torch.zeros(Array.Empty<long>(), dtype: p.dtype, device: p.device);
        return torch.zeros(Array.Empty<long>());
    }
}

/// <summary>The linear VAE's decoder as a one-family <see cref="FamilyDecoder"/>: location = z W + b, output [B, 1, d].</summary>
public sealed class LinearDecoder : FamilyDecoder
{
    private readonly int features, latentDim;
    private readonly string[] names;
    private readonly Linear linear;

    /// <summary>Creates the decoder.</summary>
    public LinearDecoder(int features, int latentDim, string familyName = "linear") : base(nameof(LinearDecoder))
    {
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "Feature count must be ≥ 1.");
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "Latent dimension must be ≥ 1.");
        this.features = features;
        this.latentDim = latentDim;
        names = new[] { familyName };
        linear = nn.Linear(latentDim, features);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int Features => features;
    /// <inheritdoc />
    public override int LatentDim => latentDim;
    /// <inheritdoc />
    public override IReadOnlyList<string> FamilyNames => names;
    /// <inheritdoc />
    public override Tensor forward(Tensor z) => linear.forward(z).unsqueeze(1);
    /// <inheritdoc />
    public override Tensor LogPrior() => MlpDecoder.ZeroLike(parameters());
}

using System;
using DerivSpec.Runtime.Model.Decoders;

namespace DerivSpec.Runtime.Model;

/// <summary>
/// BasisDeVAE: K families (any <see cref="FamilyDecoder"/>, typically one generated from a .dspec) with collapsed-VI
/// feature clustering. Usage: <c>var m = new BasisDeVAE(MyModel.Create(d), MyModel.Defaults); m.Train(data); m.Assignments();</c>
/// </summary>
public sealed class BasisDeVAE : CollapsedVaeModel
{
    /// <summary>Creates the model.</summary>
    public BasisDeVAE(FamilyDecoder decoder, ModelDefaults defaults, ModelOptions? options = null)
        : base(nameof(BasisDeVAE), decoder, defaults, options) { }
}

/// <summary>DeVAE: one family (K = 1), any latent dimension p ≥ 1.</summary>
public sealed class DeVAE : CollapsedVaeModel
{
    /// <summary>Creates the model; the decoder must have exactly one family.</summary>
    public DeVAE(FamilyDecoder decoder, ModelDefaults defaults, ModelOptions? options = null)
        : base(nameof(DeVAE), CheckOne(decoder), defaults, options) { }

    private static FamilyDecoder CheckOne(FamilyDecoder d)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (d.FamilyCount != 1)
            throw new ArgumentException($"DeVAE needs a decoder with exactly one family; this one has {d.FamilyCount} ({string.Join(", ", d.FamilyNames)}). Use BasisDeVAE for K > 1.", nameof(d));
        return d;
    }
}

/// <summary>The BasisVAE baseline (Märtens &amp; Yau 2020) trained by the same collapsed-VI loss.</summary>
public sealed class BasisVAE : CollapsedVaeModel
{
    /// <summary>Creates the model with <paramref name="families"/> basis MLPs of shape <paramref name="basisNet"/> (null = one hidden layer of 64,
    /// tanh; a shape with no hidden layer gives linear basis functions f_k(z) = w_k·z + b_k, the "Linear" baseline of the paper's §5.3) and the
    /// bounds on δ and λ of <paramref name="bounds"/> (null = <see cref="BasisVaeBounds.Default"/>, λ ∈ [0.25, 1.75]).</summary>
    public BasisVAE(int features, int families, ModelDefaults defaults, int latentDim = 1, NetworkShape? basisNet = null,
        BasisVaeBounds? bounds = null, ModelOptions? options = null)
        : base(nameof(BasisVAE), Make(features, families, latentDim, basisNet, bounds), defaults, options) { }

    private static FamilyDecoder Make(int d, int k, int p, NetworkShape? net, BasisVaeBounds? b)
    {
        return new BasisVaeDecoder(d, k, p, net ?? new NetworkShape(new[] { 64 }, ActivationKind.Tanh), b);
    }
}

/// <summary>A standard VAE (MLP decoder; one "family").</summary>
public sealed class Vae : CollapsedVaeModel
{
    /// <summary>Creates the model; <paramref name="decoderShape"/> null = the encoder's shape.</summary>
    public Vae(int features, int latentDim, ModelDefaults defaults, NetworkShape? decoderShape = null, ModelOptions? options = null)
        : base("VAE", Make(features, latentDim, decoderShape ?? defaults?.Encoder), defaults!, options) { }

    private static FamilyDecoder Make(int d, int p, NetworkShape? shape)
    {
        return new MlpDecoder(d, p, shape ?? new NetworkShape(new[] { 64 }, ActivationKind.Relu));
    }
}

/// <summary>A linear VAE (location = z W + b).</summary>
public sealed class LinearVae : CollapsedVaeModel
{
    /// <summary>Creates the model.</summary>
    public LinearVae(int features, int latentDim, ModelDefaults defaults, ModelOptions? options = null)
        : base("LinearVAE", Make(features, latentDim), defaults, options) { }

    private static FamilyDecoder Make(int d, int p)
    {
        return new LinearDecoder(d, p);
    }
}

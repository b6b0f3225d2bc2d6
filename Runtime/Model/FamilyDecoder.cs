using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model;

/// <summary>
/// A decoder that gives, for every sample, feature and family, the family's location (the value that the likelihood
/// turns into a distribution): <c>forward(z)</c> maps z of shape [B, p] to [B, K, d].
/// BasisDeVAE's generated decoders and the BasisVAE baseline both derive from this; the model and the loss see only
/// this surface.
/// </summary>
public abstract class FamilyDecoder : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    protected FamilyDecoder(string name) : base(name) { }

    /// <summary>Number of features d.</summary>
    public abstract int Features { get; }

    /// <summary>Latent dimension p.</summary>
    public abstract int LatentDim { get; }

    /// <summary>Family names in index order (K = length).</summary>
    public abstract System.Collections.Generic.IReadOnlyList<string> FamilyNames { get; }

    /// <summary>Number of families K.</summary>
    public int FamilyCount => FamilyNames.Count;

    /// <summary>
    /// Σ log p(θ) over the MAP-estimated per-feature family parameters: term (7) of the loss enters as −LogPrior().
    /// A scalar; zero when no parameter has a prior.
    /// </summary>
    public abstract Tensor LogPrior();
}

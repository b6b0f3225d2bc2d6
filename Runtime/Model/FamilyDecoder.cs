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

    /// <summary>The name of the specification this decoder implements, as <c>Save</c> records it and <c>Load</c>'s
    /// errors name it: the .dspec model name for generated decoders; the module name otherwise.</summary>
    public virtual string SpecName => GetName();

    /// <summary>
    /// The identity of the specification this decoder implements: for a decoder generated from a .dspec,
    /// <c>"sha256:…"</c> of the checked model's canonical text (equal for any two .dspec texts that differ only in
    /// layout, comments or namespace; different when anything that the model means changes). <c>Save</c> records it
    /// and <c>Load</c> checks it. "" (the default) for decoders without a specification.
    /// </summary>
    public virtual string SpecIdentity => "";

    /// <summary>
    /// Draws every randomly initialised parameter again from <paramref name="generator"/> and puts the others back to
    /// their initial values, so that the decoder's initial state depends on the generator's seed alone. The default
    /// resets every <see cref="TorchSharp.Modules.Linear"/> submodule as PyTorch initialises it and leaves other
    /// parameters as they are: a decoder that draws other parameters at random overrides this.
    /// </summary>
    public virtual void ResetParameters(torch.Generator generator) => Training.SeededInit.ResetLinearModules(this, generator);

    /// <summary>
    /// Data-informed initialisation: sets every family's additive per-feature offset so that the family starts at the
    /// data's location <paramref name="location"/> [d] (for a log link, the log of the mean per unit size factor; for
    /// the identity link, the mean), as the paper's code initialises from the column means. Values outside an offset's
    /// constraint are moved just inside it. Returns false when the decoder has no such offset (the default).
    /// </summary>
    public virtual bool InitialiseOffsets(Tensor location) => false;

    /// <summary>
    /// Per family, the free parameters one feature has in it (m_k, for the Occam prior, <see cref="ModelDefaults.Occam"/>).
    /// The base class knows none and gives 0 for every family (no penalty).
    /// </summary>
    public virtual System.Collections.Generic.IReadOnlyList<int> ParametersPerFeature() => new int[FamilyCount];

    /// <summary>
    /// Sees the encoder's posterior means <paramref name="mu"/> [B, p] of a training minibatch: the collapsed-VI module
    /// calls it at every loss evaluation in training mode (never in eval mode), before decoding. A decoder whose
    /// parameters are placed relative to the occupied latent range (<c>in latent(a, b)</c> in a .dspec) updates its
    /// running range here; the default does nothing. Must not synchronise with the host.
    /// </summary>
    public virtual void ObserveLatent(Tensor mu) { }
}

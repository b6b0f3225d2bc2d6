using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;

namespace DerivSpec.Examples.Synthetic;

/// <summary>The decoder generated at build time from <c>paper.dspec</c> (the paper's three families) and its defaults.</summary>
internal static class PaperModel
{
    /// <summary>Likelihood, encoder and α, β, γ as declared in paper.dspec.</summary>
    public static ModelDefaults Defaults => Paper.Defaults;

    /// <summary>A freshly initialised decoder (initialisation seeded by <paramref name="seed"/>).</summary>
    public static FamilyDecoder CreateDecoder(int features, int seed)
    {
        Seeding.Set(seed);
        return Paper.Create(features);
    }
}

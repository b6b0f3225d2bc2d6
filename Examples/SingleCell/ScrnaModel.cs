using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;

namespace DerivSpec.Examples.SingleCell;

/// <summary>The decoder generated from <c>scrna.dspec</c> (three families, ZINB, the paper's §5.3 settings).</summary>
public static class ScrnaModel
{
    /// <summary>Likelihood, encoder, α, β, γ and annealing as declared in scrna.dspec.</summary>
    public static ModelDefaults Defaults => Scrna.Defaults;

    /// <summary>A freshly initialised decoder (initialisation seeded by <paramref name="seed"/>).</summary>
    public static FamilyDecoder CreateDecoder(int features, long seed)
    {
        Seeding.Set(seed);
        return Scrna.Create(features);
    }
}

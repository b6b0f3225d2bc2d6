using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;

namespace DerivSpec.Examples.Progression;

/// <summary>The one-family decoder generated from <c>decreasing.dspec</c> (dx/dz = −softplus(net)).</summary>
internal static class DecreasingModel
{
    /// <summary>Likelihood, encoder and hyperparameters as declared in decreasing.dspec.</summary>
    public static ModelDefaults Defaults => Decreasing.Defaults;

    /// <summary>A freshly initialised decoder (initialisation seeded by <paramref name="seed"/>).</summary>
    public static FamilyDecoder CreateDecoder(int features, long seed)
    {
        Seeding.Set(seed);
        return Decreasing.Create(features);
    }
}

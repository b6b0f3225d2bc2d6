using System.Collections.Generic;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;

namespace DerivSpec.Examples.Synthetic;

/// <summary>The decoder generated at build time from <c>paper.dspec</c> (the paper's three families) and its defaults.</summary>
internal static class PaperModel
{
    /// <summary>Likelihood, encoder and α, β, γ as declared in paper.dspec.</summary>
    public static ModelDefaults Defaults => Paper.Defaults;

    /// <summary>
    /// The ground-truth label each family stands for (the families' declared shape properties in paper.dspec:
    /// rise is increasing, fall decreasing, peak transient).
    /// </summary>
    public static IReadOnlyDictionary<string, string> TruthLabel { get; } = new Dictionary<string, string>
    {
        [Paper.Families.RiseName] = SyntheticData.Increasing,
        [Paper.Families.FallName] = SyntheticData.Decreasing,
        [Paper.Families.PeakName] = SyntheticData.Transient,
    };

    /// <summary>The truth-vocabulary label of a family name (the name itself when it has none).</summary>
    public static string Label(string family) => TruthLabel.TryGetValue(family, out var l) ? l : family;

    /// <summary>A freshly initialised decoder (initialisation seeded by <paramref name="seed"/>).</summary>
    public static FamilyDecoder CreateDecoder(int features, long seed)
    {
        Seeding.Set(seed);
        return Paper.Create(features);
    }
}

using System;
using System.Collections.Generic;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Tools;

/// <summary>
/// The <c>--integration</c> option of the command-line programs: how a derivative decoder computes its integrals
/// (see <see cref="DerivativeDecoder"/>). A run-time choice that changes no parameter and is not saved with a model.
/// </summary>
public static class IntegrationRules
{
    /// <summary>The shape-preserving fixed grid (the default; keeps the proven shapes for any network).</summary>
    public const string Fixed = "fixed";

    /// <summary>The paper's per-sample Gauss–Legendre rule.</summary>
    public const string GaussLegendre = "gl";

    /// <summary>One grid shared by the batch.</summary>
    public const string Grid = "grid";

    /// <summary>Every rule name, the default first.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { Fixed, GaussLegendre, Grid };

    /// <summary>One line per rule, for help texts.</summary>
    public const string Help =
        "fixed = shape-preserving fixed grid, the default (keeps the proven shapes); gl = the paper's per-sample Gauss-Legendre; grid = one grid per batch";

    /// <summary>Checks a rule name; <see cref="UsageException"/> naming the option when it is not one.</summary>
    public static string Parse(string? value, string option = "--integration")
    {
        string v = value ?? Fixed;
        foreach (var name in Names)
            if (v == name) return v;
        throw new UsageException($"{option}: '{v}' is not a rule ({Help}).");
    }

    /// <summary>Switches <paramref name="model"/>'s derivative decoder to <paramref name="rule"/>; a model without a
    /// derivative decoder (such as BasisVAE) is left alone.</summary>
    public static void Apply(CollapsedVaeModel model, string rule)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Decoder is not DerivativeDecoder d) return;
        switch (Parse(rule))
        {
            case Fixed: d.UseShapePreserving(); break;
            case GaussLegendre: d.UseGaussLegendre(); break;
            case Grid: d.UseSharedGrid(); break;
        }
    }
}

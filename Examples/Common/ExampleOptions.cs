using System;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Examples;

/// <summary>Options several example programs share.</summary>
public static class ExampleOptions
{
    /// <summary>The value of <c>--integration</c>: "fixed" (default: the shape-preserving fixed grid), "gl" or "grid".</summary>
    public static string Integration(CommandLine cl)
    {
        ArgumentNullException.ThrowIfNull(cl);
        string v = cl.Get("integration", "fixed");
        return v is "fixed" or "gl" or "grid" ? v : throw new UsageException(
            $"--integration: '{v}' is not a rule (fixed = shape-preserving fixed grid, the default; gl = the paper's per-sample Gauss-Legendre; grid = shared grid per batch).");
    }

    /// <summary>Switches <paramref name="model"/>'s derivative decoder to <paramref name="rule"/> (a model without a
    /// derivative decoder, such as BasisVAE, is left alone).</summary>
    public static void ApplyIntegration(CollapsedVaeModel model, string rule)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Decoder is not DerivativeDecoder d) return;
        switch (rule)
        {
            case "fixed": d.UseShapePreserving(); break;
            case "gl": d.UseGaussLegendre(); break;
            case "grid": d.UseSharedGrid(); break;
            default: throw new UsageException($"--integration: '{rule}' is not a rule.");
        }
    }
}

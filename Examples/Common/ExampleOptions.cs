using System;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Examples;

/// <summary>Options several example programs share.</summary>
public static class ExampleOptions
{
    /// <summary>The value of <c>--integration</c>: "gl" (default) or "grid".</summary>
    public static string Integration(CommandLine cl)
    {
        ArgumentNullException.ThrowIfNull(cl);
        string v = cl.Get("integration", "gl");
        return v is "gl" or "grid" ? v : throw new UsageException($"--integration: '{v}' is not a rule (gl = per-sample Gauss-Legendre, grid = shared grid).");
    }

    /// <summary>Switches <paramref name="model"/>'s derivative decoder to the shared grid when <paramref name="rule"/> is "grid"
    /// (a model without a derivative decoder, such as BasisVAE, is left alone).</summary>
    public static void ApplyIntegration(CollapsedVaeModel model, string rule)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (rule == "grid" && model.Decoder is DerivativeDecoder d) d.UseSharedGrid();
    }
}

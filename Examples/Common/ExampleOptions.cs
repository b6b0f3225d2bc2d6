using System;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;

namespace DerivSpec.Examples;

/// <summary>Options several example programs share.</summary>
public static class ExampleOptions
{
    /// <summary>The value of <c>--integration</c> (<see cref="IntegrationRules"/>): "fixed" (default: the shape-preserving
    /// fixed grid), "gl" or "grid".</summary>
    public static string Integration(CommandLine cl)
    {
        ArgumentNullException.ThrowIfNull(cl);
        return IntegrationRules.Parse(cl.Get("integration"));
    }

    /// <summary>Switches <paramref name="model"/>'s derivative decoder to <paramref name="rule"/> (a model without a
    /// derivative decoder, such as BasisVAE, is left alone).</summary>
    public static void ApplyIntegration(CollapsedVaeModel model, string rule) => IntegrationRules.Apply(model, rule);
}

using System;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// Draws initial parameter values from a local, seeded CPU <see cref="torch.Generator"/> — never from torch's global
/// generators, so the values depend on the seed alone (not on what ran before) and the global state is left as it was.
/// Values are drawn on the CPU in the parameter's dtype and copied to wherever the parameter lives.
/// </summary>
public static class SeededInit
{
    /// <summary>The seed of the initialisation generator for run seed <paramref name="seed"/>: a fixed mix of it, so that
    /// the initial values are not the same random stream as the shuffling and noise that <see cref="Seeding.Set"/> seeds.</summary>
    public static ulong InitialisationSeed(long seed) => unchecked((ulong)seed ^ 0x9E3779B97F4A7C15UL);

    /// <summary>A new CPU generator for initialising a model trained with <paramref name="seed"/>.</summary>
    public static torch.Generator CreateGenerator(long seed) => new(InitialisationSeed(seed), torch.CPU);

    /// <summary>Fills <paramref name="parameter"/> with U(−<paramref name="bound"/>, <paramref name="bound"/>) drawn from <paramref name="generator"/>.</summary>
    public static void Uniform(Tensor parameter, double bound, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = torch.no_grad();
        using var u = torch.rand(parameter.shape, dtype: parameter.dtype, device: torch.CPU, generator: generator);
        using var v = u * (2 * bound) - bound;
        parameter.copy_(v);
    }

    /// <summary>PyTorch's <c>Linear.reset_parameters</c> (weight and bias ~ U(−1/√in, 1/√in)) from <paramref name="generator"/>.</summary>
    public static void ResetLinear(Linear linear, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(linear);
        var w = linear.weight ?? throw new InvalidOperationException("A Linear module without weight.");
        double bound = 1.0 / Math.Sqrt(w.shape[1]);
        Uniform(w, bound, generator);
        if (linear.bias is { } b) Uniform(b, bound, generator);
    }

    /// <summary>Resets every <see cref="Linear"/> module in <paramref name="module"/> (itself and its submodules, in
    /// registration order) with <see cref="ResetLinear"/>.</summary>
    public static void ResetLinearModules(nn.Module module, torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module is Linear self) { ResetLinear(self, generator); return; }
        foreach (var m in module.modules())
            if (!ReferenceEquals(m, module) && m is Linear linear) ResetLinear(linear, generator);
    }
}

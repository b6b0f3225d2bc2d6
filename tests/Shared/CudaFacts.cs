using System;
using Xunit;

namespace DerivSpec.Tests.Shared;

/// <summary>Whether this machine has a CUDA device torch can use (probed once; a load failure counts as no GPU,
/// and the CPU tests then report the load failure themselves).</summary>
internal static class CudaProbe
{
    private static readonly Lazy<bool> Probe = new(() =>
    {
        try { return DerivSpec.Runtime.Native.TorchLoader.CudaAvailable(); }
        catch (DerivSpec.Runtime.Native.TorchLoadException) { return false; }
    });

    public static bool Available => Probe.Value;
}

/// <summary>A fact that needs a CUDA device: reported as skipped (not passed) on a machine without one.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (!CudaProbe.Available) Skip = "needs a CUDA device; none is available on this machine";
    }
}

/// <summary>A fact about behaviour without a GPU: reported as skipped on a machine that has one.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class NoCudaFactAttribute : FactAttribute
{
    public NoCudaFactAttribute()
    {
        if (CudaProbe.Available) Skip = "checks the behaviour without a GPU; this machine has one";
    }
}

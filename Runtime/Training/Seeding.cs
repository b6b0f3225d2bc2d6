using System;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>Seeds every torch generator.</summary>
public static class Seeding
{
    /// <summary>Seeds the CPU generator and, when CUDA is available, all CUDA generators.</summary>
    public static void Set(long seed)
    {
        TorchSharp.torch.manual_seed(seed);
        if (TorchSharp.torch.cuda.is_available()) TorchSharp.torch.cuda.manual_seed_all(seed);
    }

    /// <summary>Resolves "auto" / "cpu" / "cuda" / "cuda:N" to a device, with a clear error when CUDA is requested but absent.</summary>
    public static Device ResolveDevice(string? device)
    {
        string d = (device ?? "auto").Trim().ToLowerInvariant();
        bool cuda = TorchSharp.torch.cuda.is_available();
        if (d == "auto") return cuda ? TorchSharp.torch.CUDA : TorchSharp.torch.CPU;
        if (d == "cpu") return TorchSharp.torch.CPU;
        if (d == "cuda" || d.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda) throw new ArgumentException($"Device '{device}' was requested but CUDA is not available (no GPU, or a CPU-only libtorch is referenced).", nameof(device));
            return new Device(d);
        }
        throw new ArgumentException($"Unknown device '{device}': use auto, cpu, cuda or cuda:N.", nameof(device));
    }
}

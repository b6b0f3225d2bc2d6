using System;
using System.Runtime.InteropServices;

namespace DerivSpec.Runtime.Native;

/// <summary>
/// Keeps glibc's malloc from handing the training step's temporaries back to the kernel after every step.
/// A CPU training step allocates and frees dozens of tensors of a few hundred KB. With glibc's defaults the heap top is
/// trimmed (and large blocks unmapped) as soon as they are freed, so the next step takes fresh pages and page-faults on
/// every one; in the synth benchmark that was about a tenth of a step. Raising the trim threshold to 256 MB and the mmap
/// threshold to 32 MB (glibc's own upper bound for its dynamic threshold) makes freed blocks stay in the heap for
/// reuse. Applied once, on Linux only, when the Runtime first loads libtorch; set the environment variable
/// <c>DERIVSPEC_MALLOC_TUNING=0</c> to leave malloc as it is (then <c>MALLOC_TRIM_THRESHOLD_</c> and friends, if set,
/// apply as usual).
/// </summary>
public static class NativeAllocator
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;

    /// <summary>Trim threshold applied by <see cref="Tune"/> (bytes).</summary>
    public const int TrimThresholdBytes = 256 << 20;

    /// <summary>mmap threshold applied by <see cref="Tune"/> (bytes).</summary>
    public const int MmapThresholdBytes = 32 << 20;

    private static int _state; // 0 = not tried, 1 = tuned, 2 = skipped

    /// <summary>True when the thresholds were applied in this process.</summary>
    public static bool IsTuned => _state == 1;

    /// <summary>Applies the thresholds once (Linux with glibc; a no-op elsewhere or when switched off).</summary>
    public static void Tune()
    {
        if (_state != 0) return;
        bool off = Environment.GetEnvironmentVariable("DERIVSPEC_MALLOC_TUNING") is "0" or "false" or "off";
        if (off || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) { _state = 2; return; }
        try
        {
            // mallopt returns 1 on success; both calls are cheap and idempotent.
            bool ok = mallopt(MTrimThreshold, TrimThresholdBytes) == 1 & mallopt(MMmapThreshold, MmapThresholdBytes) == 1;
            _state = ok ? 1 : 2;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _state = 2;   // not glibc (musl has no tunable mallopt): nothing to do
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int mallopt(int param, int value);
}

using System;
using System.Runtime.InteropServices;

namespace DerivSpec.Runtime.Native;

/// <summary>
/// Keeps glibc's malloc from handing a training step's temporaries back to the kernel after every step.
/// <para>
/// A CPU training step allocates and frees the same tensors every step: at the single-cell size several of them are
/// 100 MB and more (a [B·n, K·d] integrand at batch 128 is 120 MB). glibc serves every block above its mmap threshold
/// (at most 32 MB) with a fresh <c>mmap</c> and returns it with <c>munmap</c> on free, and trims the heap top above its
/// trim threshold; either way the next step page-faults on every page again — measured at about half of a scRNA step's
/// CPU time (sys ≈ user). So, once, when the Runtime first loads libtorch (Linux with glibc only):
/// <list type="bullet">
/// <item><c>M_MMAP_MAX = 0</c>: no block is served by mmap; large blocks come from the heap like small ones;</item>
/// <item><c>M_TRIM_THRESHOLD = −1</c>: the heap is never trimmed, so freed blocks stay mapped for the next step.</item>
/// </list>
/// The side effect is process-wide: the process keeps the peak of its heap for its lifetime (the next step reuses it;
/// nothing is returned to the system until exit). That is right for a training process; an application that trains
/// once and then runs for long with little memory can switch it off with the environment variable
/// <c>DERIVSPEC_MALLOC_TUNING=0</c> (then <c>MALLOC_MMAP_MAX_</c>, <c>MALLOC_TRIM_THRESHOLD_</c> and friends, if set,
/// apply as usual).
/// </para>
/// <para>
/// What the settings reach: glibc serves the process's main thread from its main heap, where they hold for every block.
/// Any other thread gets an arena of its own (up to eight per core), made of 64 MB heaps: a block of 64 MB or more is
/// mapped afresh there whatever the settings, and smaller ones come back to the kernel when a heap empties. Training
/// on such a thread (a thread-pool task, a UI worker) brings the faults back for steps with temporaries that large: the
/// Gauss–Legendre rule at the single-cell size, batch 128 (a 120 MB network output per step), spent 53 % of its user time
/// in the kernel on a worker thread against none on the main one, the default rule 3 % (Benchmark
/// <c>--worker-thread</c>, README "Speed"). No setting made after start-up moves a thread to the main heap;
/// <c>MALLOC_ARENA_MAX=1</c> in the environment of the process does (every thread shares the main heap; the same
/// Gauss–Legendre case: 2 %), at the cost of contention between threads that allocate at the same time.
/// </para>
/// </summary>
public static class NativeAllocator
{
    private const int MTrimThreshold = -1;
    private const int MMmapMax = -4;

    /// <summary>Trim threshold applied by <see cref="Tune"/>: −1, never trim.</summary>
    public const int TrimThreshold = -1;

    /// <summary>Largest number of mmapped blocks applied by <see cref="Tune"/>: 0, none.</summary>
    public const int MmapMax = 0;

    private static int _state; // 0 = not tried, 1 = tuned, 2 = skipped

    /// <summary>True when the settings were applied in this process.</summary>
    public static bool IsTuned => _state == 1;

    /// <summary>Applies the settings once (Linux with glibc; a no-op elsewhere or when switched off).</summary>
    public static void Tune()
    {
        if (_state != 0) return;
        bool off = Environment.GetEnvironmentVariable("DERIVSPEC_MALLOC_TUNING") is "0" or "false" or "off";
        if (off || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) { _state = 2; return; }
        try
        {
            // mallopt returns 1 on success; both calls are cheap and idempotent.
            bool ok = mallopt(MTrimThreshold, TrimThreshold) == 1 & mallopt(MMmapMax, MmapMax) == 1;
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

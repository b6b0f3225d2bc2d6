using System.Runtime.CompilerServices;
using DerivSpec.Runtime.Native;
using TorchSharp;

// torch's random generators and thread setting are process-global: tests that seed them must not interleave.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]

namespace DerivSpec.Runtime.Tests;

internal static class TestSetup
{
    /// <summary>
    /// One intra-op thread for the whole test run: the tensors are tiny, results are then bit-reproducible, and on a busy
    /// 2-core CI machine OpenMP threads that spin-wait for a descheduled sibling would make every op many times slower.
    /// </summary>
    [ModuleInitializer]
    internal static void Init()
    {
        TorchLoader.EnsureLoaded();
        torch.set_num_threads(1);
    }
}

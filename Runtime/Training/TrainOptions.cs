using System;
using System.Threading;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>Options of <c>Train</c>. Every property has a sensible default; β, γ, α and the annealing fraction default to the model's <c>ModelDefaults</c>.</summary>
public sealed record TrainOptions
{
    /// <summary>Epochs; null = clamp(round(10⁶ / N), 20, 300) (300 for the paper's N = 500 data).</summary>
    public int? Epochs { get; init; }

    /// <summary>Minibatch size (default 32, the paper's).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam learning rate (default 5e-3, the paper's).</summary>
    public double LearningRate { get; init; } = 5e-3;

    /// <summary>
    /// The seed of the run; null = leave everything as it is. One seed covers everything: on a model's first training
    /// (not initialised from <c>ModelOptions.Seed</c>, never trained, not loaded) every initial parameter — the decoder's
    /// too, though it was created before — is drawn from this seed with a generator of its own
    /// (<c>CollapsedVaeModule.ResetParameters</c>); then the CPU and CUDA generators are seeded for the shuffling and the
    /// reparameterisation noise. Two runs with the same seed on the CPU are bit-identical whatever torch's global
    /// generator held. A later Train continues from the current parameters and seeds only shuffling and noise.
    /// </summary>
    public long? Seed { get; init; }

    /// <summary>"auto" (CUDA when available, else CPU), "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// torch intra-op threads while training on the CPU; null = automatic: half the logical processors (at least 1, at most
    /// torch's current setting). On a 2-core machine that is 1 thread: the per-step tensors are small, and OpenMP threads
    /// that spin-wait for a descheduled sibling made steps 4–6× slower on a busy 2-core machine (measured with the
    /// runtime benchmark). The previous setting is restored when Train returns.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>Override of the Dirichlet concentration α.</summary>
    public double? Alpha { get; init; }

    /// <summary>Override of β (final value after annealing).</summary>
    public double? Beta { get; init; }

    /// <summary>Override of γ (final value after annealing).</summary>
    public double? Gamma { get; init; }

    /// <summary>Override of the fraction of training over which β and γ rise linearly from 0 (per step).</summary>
    public double? AnnealFraction { get; init; }

    /// <summary>
    /// Assignment warm-up: the fraction of training steps (0–1, default 0) during which ξ, the d × K family-assignment
    /// logits, are not trained, so φ stays where it is (uniform for a fresh model) while the encoder and the family curves
    /// learn their shapes; afterwards φ is learned as usual. Counted in steps of this Train call, like the annealing.
    /// </summary>
    public double AssignmentWarmup { get; init; }

    /// <summary>Factor (&gt; 0, default 1) on the learning rate of ξ, the assignment logits, relative to <see cref="LearningRate"/>.</summary>
    public double AssignmentLearningRateFactor { get; init; } = 1.0;

    /// <summary>Receives one <see cref="EpochMetrics"/> per epoch.</summary>
    public IProgress<EpochMetrics>? Progress { get; init; }

    /// <summary>Cancels training between steps; the model is left at the last completed epoch.</summary>
    public CancellationToken Cancellation { get; init; }
}

/// <summary>Per-epoch training metrics: means over the epoch's steps of each loss term as it entered the loss.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Loss">Total loss (sum of the five terms).</param>
/// <param name="Reconstruction">Term (3).</param>
/// <param name="Dirichlet">Term (4).</param>
/// <param name="Entropy">Term (5).</param>
/// <param name="Kl">Term (6).</param>
/// <param name="Prior">Term (7).</param>
/// <param name="Beta">β at the epoch's last step.</param>
/// <param name="Gamma">γ at the epoch's last step.</param>
/// <param name="Seconds">Wall time of the epoch.</param>
public sealed record EpochMetrics(int Epoch, double Loss, double Reconstruction, double Dirichlet, double Entropy, double Kl,
    double Prior, double Beta, double Gamma, double Seconds)
{
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"epoch {Epoch}: loss {Loss:G6} = recon {Reconstruction:G6} + dirichlet {Dirichlet:G6} + entropy {Entropy:G6} + kl {Kl:G6} + prior {Prior:G6} (β={Beta:G3}, γ={Gamma:G3}, {Seconds * 1000:F1} ms)");
}

/// <summary>The loss became NaN or infinite; the model was restored to the end of the last good epoch.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(string message, int epoch, int step) : base(message) { Epoch = epoch; Step = step; }

    /// <summary>1-based epoch where the loss first was not finite.</summary>
    public int Epoch { get; }

    /// <summary>1-based step within that epoch.</summary>
    public int Step { get; }
}

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

using System;
using System.Threading;
using DerivSpec.Runtime.Model;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>Options of <c>Train</c>. Every property has a sensible default; β, γ, α and the annealing fraction default to the model's <c>ModelDefaults</c>.</summary>
public sealed record TrainOptions
{
    /// <summary>Epochs; null = <see cref="DefaultEpochs"/>(N): clamp(round(10⁶ / N), 20, 300) (300 for the paper's N = 500 data).</summary>
    public int? Epochs { get; init; }

    /// <summary>The epochs of a run on <paramref name="samples"/> rows when <see cref="Epochs"/> is null:
    /// clamp(round(10⁶ / N), 20, 300), about 10⁶ sample visits (300 epochs for the paper's N = 500).</summary>
    public static int DefaultEpochs(long samples) =>
        samples < 1 ? throw new ArgumentOutOfRangeException(nameof(samples), samples, "The data set has no samples.")
            : (int)Math.Clamp(Math.Round(1e6 / samples), 20, 300);

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
    /// Assignment warm-up: the fraction of training steps (0–1) during which ξ, the d × K family-assignment logits, are
    /// not trained, so φ stays where it is (uniform for a fresh model) while the encoder and the family curves learn their
    /// shapes; afterwards φ is learned as usual. Counted in steps of this Train call, like the annealing. null (the
    /// default) = <see cref="DefaultAssignmentWarmup"/> for the model's likelihood.
    /// </summary>
    public double? AssignmentWarmup { get; init; }

    /// <summary>The assignment warm-up of count likelihoods when none is given (Examples/SingleCell measured it: on its
    /// shapes simulator the family ARI rose from 0.49 to 0.79 with it, neutral on the zinb data, and the KL's free bits
    /// help only with it).</summary>
    public const double CountAssignmentWarmup = 0.3;

    /// <summary>The assignment warm-up when <see cref="AssignmentWarmup"/> is null: <see cref="CountAssignmentWarmup"/>
    /// for count likelihoods, 0 otherwise (the Gaussian Table 1 setting trains without).</summary>
    public static double DefaultAssignmentWarmup(LikelihoodKind likelihood) =>
        LikelihoodVocabulary.Of(likelihood).IsCount ? CountAssignmentWarmup : 0.0;

    /// <summary>Factor (&gt; 0, default 1) on the learning rate of ξ, the assignment logits, relative to <see cref="LearningRate"/>.</summary>
    public double AssignmentLearningRateFactor { get; init; } = 1.0;

    /// <summary>
    /// Data-informed initialisation: on a model's first training (never trained, not loaded), every family's additive
    /// offset x0 starts at the data's location per feature — the log of the mean count per unit size factor for count
    /// likelihoods, the column mean for Gaussian data, the logit of the mean for Bernoulli — instead of its .dspec
    /// <c>init</c>, as the paper's code starts from the column means (families with an output map keep theirs).
    /// null (the default) = on for count likelihoods, off otherwise. Measured: on simulated counts (2000 cells × 500
    /// genes) the family ARI rose from 0.22 to 0.51 — with x0 at 0 a count model spends its first thousand steps moving
    /// x0 to the genes' log-means; on the paper's Gaussian data it changed the optimisation path for the worse (Table 1,
    /// seed 1, high-z subset: ARI 1.000 without, 0.653 with), so there it is off unless asked for.
    /// </summary>
    public bool? InitialiseOffsetsFromData { get; init; }

    /// <summary>Receives one <see cref="EpochMetrics"/> per epoch.</summary>
    public IProgress<EpochMetrics>? Progress { get; init; }

    /// <summary>Cancels training between steps; the model is left at the last completed epoch.</summary>
    public CancellationToken Cancellation { get; init; }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DerivSpec.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// How one <c>Train</c> call runs, resolved and checked before any step: epochs, batch size, the optimizer (Adam with
/// its learning rates), the loss schedule (annealing of β and γ, assignment warm-up) and the divergence rule. The
/// user-facing model (<see cref="CollapsedVaeModel"/>) makes a plan from <see cref="TrainOptions"/> and its
/// <see cref="ModelDefaults"/>; the plan runs the steps on the torch module (<see cref="CollapsedVaeModule"/>), which
/// only computes the loss. (The split follows scvi-tools' module / training plan / model.)
/// </summary>
public sealed class TrainingPlan
{
    private static readonly string[] TermNames =
        { "term (3) reconstruction", "term (4) Dirichlet", "term (5) entropy", "term (6) KL", "term (7) prior" };

    private TrainingPlan(TrainOptions options, int epochs, int batchSize, int stepsPerEpoch, double alpha, LossSchedule schedule)
    {
        Options = options;
        Epochs = epochs;
        BatchSize = batchSize;
        StepsPerEpoch = stepsPerEpoch;
        Alpha = alpha;
        Schedule = schedule;
    }

    /// <summary>The options the plan was made from (progress sink, cancellation, learning rates).</summary>
    public TrainOptions Options { get; }

    /// <summary>Epochs of the run.</summary>
    public int Epochs { get; }

    /// <summary>Samples per step (the options' batch size, at most N).</summary>
    public int BatchSize { get; }

    /// <summary>Steps per epoch, ⌈N / batch⌉ (the last batch of an epoch may be smaller).</summary>
    public int StepsPerEpoch { get; }

    /// <summary>Steps of the run.</summary>
    public long TotalSteps => (long)StepsPerEpoch * Epochs;

    /// <summary>Dirichlet concentration α of term (7).</summary>
    public double Alpha { get; }

    /// <summary>β, γ and their annealing; the assignment warm-up.</summary>
    public LossSchedule Schedule { get; }

    /// <summary>
    /// Resolves <paramref name="options"/> against the model's <paramref name="defaults"/> for a data set of
    /// <paramref name="samples"/> rows; throws <see cref="ArgumentOutOfRangeException"/> naming the bad option.
    /// </summary>
    public static TrainingPlan Create(TrainOptions options, ModelDefaults defaults, long samples)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(defaults);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "The data set has no samples.");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "Batch size must be ≥ 1.");
        if (!(options.LearningRate > 0) || double.IsInfinity(options.LearningRate))
            throw new ArgumentOutOfRangeException(nameof(options), options.LearningRate, "Learning rate must be finite and > 0.");
        if (!(options.AssignmentLearningRateFactor > 0) || double.IsInfinity(options.AssignmentLearningRateFactor))
            throw new ArgumentOutOfRangeException(nameof(options), options.AssignmentLearningRateFactor, "The assignment learning-rate factor must be finite and > 0.");
        int epochs = options.Epochs ?? TrainOptions.DefaultEpochs(samples);
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(options), epochs, "Epochs must be ≥ 1.");
        double alpha = options.Alpha ?? defaults.Alpha, beta = options.Beta ?? defaults.Beta, gamma = options.Gamma ?? defaults.Gamma;
        double anneal = options.AnnealFraction ?? defaults.AnnealFraction;
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(options), alpha, "α must be > 0.");
        if (!double.IsFinite(beta) || beta < 0) throw new ArgumentOutOfRangeException(nameof(options), beta, "β must be finite and ≥ 0.");
        if (!double.IsFinite(gamma) || gamma < 0) throw new ArgumentOutOfRangeException(nameof(options), gamma, "γ must be finite and ≥ 0.");
        if (anneal is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(options), anneal, "The anneal fraction must be in [0, 1].");
        double warmup = options.AssignmentWarmup ?? TrainOptions.DefaultAssignmentWarmup(defaults.Likelihood);
        if (warmup is not (>= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), warmup, "The assignment warm-up fraction must be in [0, 1].");
        if (options.Threads is int th && th < 1) throw new ArgumentOutOfRangeException(nameof(options), th, "Threads must be ≥ 1.");
        int batch = (int)Math.Min(options.BatchSize, samples);
        int steps = (int)((samples + batch - 1) / batch);
        long total = (long)steps * epochs;
        var schedule = new LossSchedule(beta, gamma, anneal * total, (long)Math.Round(warmup * total));
        return new TrainingPlan(options, epochs, batch, steps, alpha, schedule);
    }

    /// <summary>
    /// Runs the plan: per epoch a fresh permutation (torch's CPU generator), per step a batch gathered from
    /// <paramref name="data"/>, the module's loss, backward, an Adam step (ξ's gradient zeroed during warm-up), in its own
    /// dispose scope and without host synchronisation; the five loss terms are read once per epoch. A non-finite term
    /// restores the parameters (and the module's buffers: running state such as a decoder's latent range) of the last
    /// good epoch and throws <see cref="TrainingDivergedException"/>; cancellation restores the last completed epoch and
    /// throws <see cref="OperationCanceledException"/>. Each completed epoch is
    /// appended to <paramref name="history"/> (numbered after what it already holds) and reported to the options' progress sink.
    /// </summary>
    internal void Run(CollapsedVaeModule module, IBatchSource data, Device device, List<EpochMetrics> history)
    {
        long n = data.Samples;
        int steps = StepsPerEpoch, batch = BatchSize;
        var cancellation = Options.Cancellation;
        using var adam = new FlatAdam(module.parameters(), Options.LearningRate);
        if (Options.AssignmentLearningRateFactor != 1.0 && module.PhiLogits is TorchSharp.Modules.Parameter xi)
            adam.ScaleLearningRate(xi, Options.AssignmentLearningRateFactor);
        using var snapshot = adam.CreateSnapshot();
        using var buffers = new BufferSnapshot(module);   // running state outside the optimiser (a decoder's latent range)
        using var stepLosses = torch.zeros(steps, 5, dtype: ScalarType.Float64, device: device);
        long globalStep = 0;
        var watch = new Stopwatch();
        module.train();
        try
        {
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                watch.Restart();
                double betaNow = Schedule.Beta, gammaNow = Schedule.Gamma;
                using (var perm = torch.randperm(n))
                {
                    for (int s = 0; s < steps; s++)
                    {
                        if (cancellation.IsCancellationRequested)
                        {
                            adam.Restore(snapshot);
                            buffers.Restore();
                            cancellation.ThrowIfCancellationRequested();
                        }
                        betaNow = Schedule.BetaAt(globalStep);
                        gammaNow = Schedule.GammaAt(globalStep);
                        using var scope = torch.NewDisposeScope();
                        long start = (long)s * batch, size = Math.Min(batch, n - start);
                        var b = data.Gather(perm.narrow(0, start, size));
                        var stacked = module.Loss(b.X, b.EncoderInput, b.LogLibrary, n, Alpha, betaNow, gammaNow).Stacked();   // [5]
                        stacked.sum().backward();
                        // Assignment warm-up: ξ gets no gradient, so Adam leaves it (and its moments) untouched.
                        if (Schedule.AssignmentsFrozen(globalStep) && module.PhiLogits.grad is { } xiGrad)
                            using (torch.no_grad()) xiGrad.zero_();
                        adam.Step();
                        using (torch.no_grad()) stepLosses[s].copy_(stacked);
                        globalStep++;
                    }
                }
                var mean = EpochMeans(stepLosses, steps, epoch, adam, snapshot, buffers);
                adam.Save(snapshot);
                buffers.Save();
                watch.Stop();
                var m = new EpochMetrics(history.Count + 1, mean.Sum(), mean[0], mean[1], mean[2], mean[3], mean[4], betaNow, gammaNow,
                    watch.Elapsed.TotalSeconds);
                history.Add(m);
                Options.Progress?.Report(m);
            }
        }
        finally
        {
            module.eval();
        }
    }

    /// <summary>One host read per epoch: the step losses, checked for divergence, averaged per term.</summary>
    private static double[] EpochMeans(Tensor stepLosses, int steps, int epoch, FlatAdam adam, FlatAdam.Snapshot snapshot, BufferSnapshot buffers)
    {
        double[] host;
        using (var cpu = stepLosses.cpu()) host = cpu.data<double>().ToArray();
        for (int s = 0; s < steps; s++)
            for (int c = 0; c < 5; c++)
                if (!double.IsFinite(host[s * 5 + c]))
                {
                    adam.Restore(snapshot);
                    buffers.Restore();
                    throw new TrainingDivergedException(
                        $"Training diverged: the loss's {TermNames[c]} became {host[s * 5 + c].ToString(CultureInfo.InvariantCulture)} at epoch {epoch + 1}, step {s + 1} " +
                        $"(of {steps} per epoch). The parameters were restored to the end of epoch {epoch} (the last good state). " +
                        "Try a smaller learning rate, a different seed, or check the data scale.", epoch + 1, s + 1);
                }
        var mean = new double[5];
        for (int s = 0; s < steps; s++) for (int c = 0; c < 5; c++) mean[c] += host[s * 5 + c] / steps;
        return mean;
    }
}

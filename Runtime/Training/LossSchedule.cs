using System;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// The per-step weights of the loss: β and γ rise linearly from 0 to their final values over the first
/// <see cref="AnnealSteps"/> steps (the paper's annealing), and ξ (the assignment logits) receives no gradient during the
/// first <see cref="WarmupSteps"/> steps (assignment warm-up). Steps are counted over one <c>Train</c> call.
/// </summary>
/// <param name="Beta">Final β.</param>
/// <param name="Gamma">Final γ.</param>
/// <param name="AnnealSteps">Steps over which β and γ rise (0 = none: full weight from the first step).</param>
/// <param name="WarmupSteps">Steps during which ξ is frozen.</param>
public sealed record LossSchedule(double Beta, double Gamma, double AnnealSteps, long WarmupSteps)
{
    /// <summary>The annealing factor in (0, 1] at 0-based step <paramref name="step"/>: min(1, (step + 1) / AnnealSteps).</summary>
    public double Factor(long step) => AnnealSteps > 0 ? Math.Min(1.0, (step + 1) / AnnealSteps) : 1.0;

    /// <summary>β at step <paramref name="step"/>.</summary>
    public double BetaAt(long step) => Beta * Factor(step);

    /// <summary>γ at step <paramref name="step"/>.</summary>
    public double GammaAt(long step) => Gamma * Factor(step);

    /// <summary>True while ξ is frozen.</summary>
    public bool AssignmentsFrozen(long step) => step < WarmupSteps;
}

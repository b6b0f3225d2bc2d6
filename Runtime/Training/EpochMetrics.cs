using System;

namespace DerivSpec.Runtime.Training;

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

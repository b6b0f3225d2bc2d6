using System;
using System.Collections.Generic;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// What a program tells its user beside the results when they are not to be trusted as they stand: a likelihood that
/// does not suit the data, or a training run that evidently failed. Warnings, not errors — the results are still
/// written — each a sentence that says what was seen and what to try.
/// </summary>
public static class FitWarnings
{
    /// <summary>
    /// φ counts as "still near uniform" when the mean over features of max_k φ_jk is below 1/K + (1 − 1/K)/4, a quarter
    /// of the way from uniform (1/K) to certain (1); 0.5 for K = 3.
    /// </summary>
    public static double UniformPhiThreshold(int k) => 1.0 / k + (1.0 - 1.0 / k) / 4;

    /// <summary>The latent counts as collapsed when the standard deviation of the samples' posterior means (in every
    /// latent dimension) is below this; the prior N(0, 1) spreads a healthy latent to about 1.</summary>
    public const double CollapsedLatentSd = 0.05;

    /// <summary>
    /// Signs that training evidently failed, each a clause ("φ is still near uniform (…)"): the family probabilities
    /// <paramref name="phi"/> [d, K] still near uniform (<see cref="UniformPhiThreshold"/>; not asked when K = 1), or the
    /// posterior means <paramref name="latent"/> [N, P] collapsed (<see cref="CollapsedLatentSd"/>). Empty when neither.
    /// </summary>
    public static IReadOnlyList<string> TrainingFailure(double[,] phi, double[,] latent)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(latent);
        var seen = new List<string>();
        int d = phi.GetLength(0), k = phi.GetLength(1);
        if (k > 1 && d > 0)
        {
            double meanMax = 0;
            for (int j = 0; j < d; j++)
            {
                double m = 0;
                for (int c = 0; c < k; c++) m = Math.Max(m, phi[j, c]);
                meanMax += m / d;
            }
            double threshold = UniformPhiThreshold(k);
            if (meanMax < threshold)
                seen.Add(FormattableString.Invariant(
                    $"φ is still near uniform (mean over features of max_k φ = {meanMax:F3}, below {threshold:F3}; uniform is {1.0 / k:F3}), so the families say little"));
        }
        int n = latent.GetLength(0), p = latent.GetLength(1);
        if (n > 1 && p > 0)
        {
            double sd = 0;
            for (int q = 0; q < p; q++)
            {
                double mean = 0, ss = 0;
                for (int i = 0; i < n; i++) mean += latent[i, q] / n;
                for (int i = 0; i < n; i++) ss += (latent[i, q] - mean) * (latent[i, q] - mean);
                sd = Math.Max(sd, Math.Sqrt(ss / (n - 1)));
            }
            if (!(sd >= CollapsedLatentSd))
                seen.Add(FormattableString.Invariant(
                    $"the latent collapsed (sd of the samples' posterior means = {sd:G3}, below {CollapsedLatentSd}), so the pseudotime says little"));
        }
        return seen;
    }

    /// <summary>
    /// The whole warning for <see cref="TrainingFailure"/>, or null when training did not evidently fail: what was seen,
    /// then what to try with the options every DerivSpec program shares (<c>--epochs</c>, <c>--batch</c>, <c>--restarts</c>).
    /// </summary>
    public static string? TrainingFailureWarning(double[,] phi, double[,] latent)
    {
        var seen = TrainingFailure(phi, latent);
        if (seen.Count == 0) return null;
        return $"training evidently failed: {string.Join("; ", seen)}. " +
               "Try more epochs (--epochs), a smaller batch (--batch 32: more steps per epoch) or more restarts (--restarts 5).";
    }

    /// <summary>
    /// A warning when the model's <paramref name="likelihood"/> does not suit the values of <paramref name="x"/>, or null:
    /// a Gaussian likelihood on values that are all non-negative integers and not only 0 and 1 — raw counts, by every
    /// sign the values give — treats them as continuous with one variance per feature, which misfits counts (their
    /// variance grows with the mean and most are small). One scan of the stored values; nothing for other likelihoods
    /// (a count likelihood on values that are not counts is an error found when the data are validated).
    /// </summary>
    public static string? LikelihoodMismatch(LikelihoodKind likelihood, ExpressionMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (likelihood != LikelihoodKind.Gaussian) return null;
        if (x.Rows == 0 || x.Columns == 0) return null;
        if (!x.IsWithin(ValueSupport.Counts)) return null;   // some value is not a count
        if (x.IsWithin(ValueSupport.Binary)) return null;    // only 0 and 1: not counts to speak of
        return FormattableString.Invariant($"the data ({x.Rows} × {x.Columns}) are all non-negative integers, which look like raw counts, but the model's likelihood is gaussian: ") +
            "it treats them as continuous values with one variance per feature and misfits counts, whose variance grows with the mean. " +
            "For raw counts declare 'likelihood nb' (or zinb, poisson) in the .dspec, which also scales each sample by its library size " +
            "('derivspec new NAME --counts' writes a starter for counts); " +
            "or fit log-normalised values with the gaussian likelihood.";
    }
}

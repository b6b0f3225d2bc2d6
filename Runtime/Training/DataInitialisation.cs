using System;
using DerivSpec.Runtime.Likelihoods;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>Starting values taken from the data (see <see cref="TrainOptions.InitialiseOffsetsFromData"/>).</summary>
internal static class DataInitialisation
{
    /// <summary>
    /// The data's location per feature [d] (float64, on the source's device): the link applied to the mean per unit
    /// size factor — Σ_i x_ij / Σ_i s_i for count likelihoods (s_i = library_i / mean library, as the loss uses it),
    /// the column mean otherwise. One pass over the data in chunks of about 4M values.
    /// </summary>
    public static Tensor FeatureLocation(IBatchSource data, Likelihood likelihood, int features)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(likelihood);
        long n = data.Samples;
        long chunk = Math.Clamp((1L << 22) / Math.Max(1, features), 1, 65536);
        Tensor? sum = null, sizes = null;
        for (long start = 0; start < n; start += chunk)
        {
            using var scope = torch.NewDisposeScope();
            var b = data.Range(start, Math.Min(chunk, n - start));
            var s = b.X.sum(dim: 0).to(ScalarType.Float64);
            if (sum is null) sum = s.MoveToOuterDisposeScope();
            else sum.add_(s);
            if (b.LogLibrary is { } logLib)
            {
                var l = logLib.to(ScalarType.Float64).exp().sum();
                if (sizes is null) sizes = l.MoveToOuterDisposeScope();
                else sizes.add_(l);
            }
        }
        using (sum)
        using (sizes)
        {
            using var mean = likelihood.IsCount && sizes is not null ? sum! / sizes : sum! / n;
            return likelihood.LocationOfMean(mean);
        }
    }
}

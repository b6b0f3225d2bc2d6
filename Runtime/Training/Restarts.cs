using System;
using System.Collections.Generic;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;

namespace DerivSpec.Runtime.Training;

/// <summary>One training run of <see cref="Restarts.TrainBest{TModel}"/>: its seed and the score that ranked it.</summary>
/// <param name="Restart">0-based index of the run.</param>
/// <param name="Seed">The seed the run's model was created and trained with.</param>
/// <param name="Elbo">Its ELBO on the training data (the selection score; higher is better).</param>
public sealed record RestartScore(int Restart, long Seed, double Elbo);

/// <summary>
/// Best of several initialisations. The collapsed bound has local optima in which a feature's assignment φ_jk settles
/// on a wrong family early: once φ_jk ≈ 0, family k's parameters for feature j get (almost) no gradient and cannot
/// recover. Training R models from different seeds and keeping the one with the highest training ELBO — a score that
/// uses no labels — is the standard remedy (as k-means' several initialisations).
/// </summary>
public static class Restarts
{
    /// <summary>The seed of restart <paramref name="restart"/>: <paramref name="seed"/> itself for restart 0 (so one
    /// restart is exactly a plain run), then a fixed, well-separated sequence.</summary>
    public static long SeedOf(long seed, int restart)
    {
        if (restart < 0) throw new ArgumentOutOfRangeException(nameof(restart), restart, "The restart index must be ≥ 0.");
        return restart == 0 ? seed : unchecked(seed + 1_000_003L * restart);
    }

    /// <summary>
    /// Creates and trains <paramref name="restarts"/> models and returns the one with the highest ELBO on
    /// <paramref name="data"/> (ties keep the earlier run); the others are disposed. Restart r's model is made by
    /// <paramref name="create"/>(seed_r) and trained with <see cref="TrainOptions.Seed"/> = seed_r (so a fresh model's
    /// initial parameters come from seed_r even when <paramref name="create"/> ignores it), where seed_r =
    /// <see cref="SeedOf"/>(options.Seed ?? 0, r). <paramref name="train"/> replaces the plain <c>Train</c> call (e.g. to
    /// collect results per run); <paramref name="scores"/>, when given, receives every run's score in order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="restarts"/> &lt; 1.</exception>
    public static TModel TrainBest<TModel>(Func<long, TModel> create, AnnData data, TrainOptions options, int restarts,
        Action<TModel, TrainOptions>? train = null, ICollection<RestartScore>? scores = null, int elboSamples = 4)
        where TModel : CollapsedVaeModel
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        if (restarts < 1) throw new ArgumentOutOfRangeException(nameof(restarts), restarts, "At least one restart (one training run) is needed.");
        TModel? best = null;
        double bestElbo = double.NegativeInfinity;
        long baseSeed = options.Seed ?? 0;
        for (int r = 0; r < restarts; r++)
        {
            long seed = SeedOf(baseSeed, r);
            var model = create(seed);
            try
            {
                var runOptions = options with { Seed = seed };
                if (train is null) model.Train(data, runOptions);
                else train(model, runOptions);
                // The selection ELBO is itself stochastic (z draws); seed it so that the choice is reproducible.
                Seeding.Set(seed);
                double elbo = model.Evaluate(data, elboSamples).Elbo;
                scores?.Add(new RestartScore(r, seed, elbo));
                if (double.IsNaN(elbo)) elbo = double.NegativeInfinity;
                if (best is null || elbo > bestElbo)
                {
                    best?.Dispose();
                    best = model;
                    bestElbo = elbo;
                }
                else model.Dispose();
            }
            catch
            {
                model.Dispose();
                best?.Dispose();
                throw;
            }
        }
        return best!;
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Native;
using DerivSpec.Runtime.Training;
using Xunit;

namespace DerivSpec.Runtime.Tests;

[Collection("torch-global-state")]
public class RestartsTests
{
    [Fact]
    public void SeedOfKeepsTheBaseSeedForTheFirstRunAndSeparatesTheOthers()
    {
        Assert.Equal(42, Restarts.SeedOf(42, 0));
        var seeds = Enumerable.Range(0, 5).Select(r => Restarts.SeedOf(42, r)).ToArray();
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => Restarts.SeedOf(1, -1));
    }

    [Fact]
    public void KeepsTheRunWithTheHighestElboAndDisposesTheOthers()
    {
        var (x, _, _) = Synthetic.RiseFall(120, 3, 0.1, 3);
        var data = TestData.Of(x);
        var made = new List<(long Seed, BasisDeVAE Model)>();
        var scores = new List<RestartScore>();
        var options = new TrainOptions { Epochs = 4, Seed = 11, Device = "cpu" };
        using var best = Restarts.TrainBest(seed =>
        {
            var m = TrainingTests.NewModel(6, seed);
            made.Add((seed, m));
            return m;
        }, data, options, restarts: 3, scores: scores);

        Assert.Equal(new long[] { 11, Restarts.SeedOf(11, 1), Restarts.SeedOf(11, 2) }, made.Select(m => m.Seed).ToArray());
        Assert.Equal(new long[] { 11, Restarts.SeedOf(11, 1), Restarts.SeedOf(11, 2) }, scores.Select(s => s.Seed).ToArray());
        Assert.All(scores, s => Assert.True(double.IsFinite(s.Elbo)));
        Assert.True(scores.Select(s => s.Elbo).Distinct().Count() > 1, "different seeds should give different ELBOs");
        int bestIndex = scores.FindIndex(s => s.Elbo == scores.Max(t => t.Elbo));
        Assert.Same(made[bestIndex].Model, best);
        Assert.True(best.IsTrained);
        foreach (var (i, m) in made.Select((m, i) => (i, m.Model)))
        {
            if (i == bestIndex) continue;
            // A disposed module's parameters are released: touching them throws.
            Assert.ThrowsAny<Exception>(() => m.FamilyProbabilities());
        }
    }

    [Fact]
    public void OneRestartIsExactlyAPlainRun()
    {
        var (x, _, _) = Synthetic.RiseFall(100, 2, 0.1, 5);
        var data = TestData.Of(x);
        var options = new TrainOptions { Epochs = 3, Seed = 9, Device = "cpu" };
        using var viaRestarts = Restarts.TrainBest(s => TrainingTests.NewModel(4, s), data, options, restarts: 1);
        using var plain = TrainingTests.NewModel(4, 9);
        plain.Train(data, options);
        Assert.Equal(plain.FamilyProbabilities(), viaRestarts.FamilyProbabilities());
        Assert.Equal(plain.Latent(data), viaRestarts.Latent(data));
    }

    [Fact]
    public void RejectsZeroRestarts()
    {
        var (x, _, _) = Synthetic.RiseFall(40, 1, 0.1, 1);
        var data = TestData.Of(x);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Restarts.TrainBest(s => TrainingTests.NewModel(2, s), data, new TrainOptions(), 0));
        Assert.Contains("At least one restart", ex.Message);
    }

    [Fact]
    public void AllocatorTuningIsAppliedOnLinuxOnceTorchIsLoaded()
    {
        TorchLoader.EnsureLoaded();
        bool switchedOff = Environment.GetEnvironmentVariable("DERIVSPEC_MALLOC_TUNING") is "0" or "false" or "off";
        if (OperatingSystem.IsLinux() && !switchedOff) Assert.True(NativeAllocator.IsTuned);
        NativeAllocator.Tune();   // idempotent
        Assert.Equal(OperatingSystem.IsLinux() && !switchedOff, NativeAllocator.IsTuned);
    }
}

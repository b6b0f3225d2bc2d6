using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using DerivSpec.Runtime.Tests.Models;
using DerivSpec.Tests.Shared;

namespace DerivSpec.Runtime.Tests;

[Collection("torch-global-state")]
public class TrainingTests
{
    private static readonly ModelDefaults Gaussian = ModelDefaults.Paper with { Encoder = new NetworkShape(new[] { 32 }, ActivationKind.Relu) };

    internal static BasisDeVAE NewModel(int d, long seed, ModelOptions? o = null)
    {
        return new BasisDeVAE(RiseFall.Create(d), Gaussian, (o ?? new ModelOptions()) with { Seed = seed });
    }

    [Fact]
    public void EndToEndLossFallsAndClustersAreRight()
    {
        var (x, t, labels) = Synthetic.RiseFall(n: 200, perFamily: 4, noise: 0.1, seed: 1);
        var data = TestData.Of(x);
        using var model = NewModel(8, 1);
        var metrics = new List<EpochMetrics>();
        // lr 0.02 and batch 16 so that ξ can move far enough in 390 steps for φ to become decisive (with the paper's
        // 5e-3 Adam moves each logit at most ~5e-3 per step); probed over seeds 1–6 on the generated RiseFall decoder: all
        // assignments right, max φ ≥ 0.995, |corr(z, t)| ≥ 0.976.
        var hist = model.Train(data, new TrainOptions { Epochs = 30, BatchSize = 16, LearningRate = 0.02, Seed = 1, Device = "cpu", Progress = new SyncProgress(metrics) });
        Assert.Equal(30, hist.Count);
        Assert.Equal(30, metrics.Count);
        Assert.True(hist[^1].Loss < 0.5 * hist[0].Loss, $"loss {hist[0].Loss} → {hist[^1].Loss}");
        foreach (var m in hist)
            Assert.True(Math.Abs(m.Loss - (m.Reconstruction + m.Dirichlet + m.Entropy + m.Kl + m.Prior)) <= 1e-5 * Math.Abs(m.Loss), $"{m}");
        var predicted = model.AssignedFamilies();
        var flip = new LatentFlip(("increasing", "decreasing"));
        var (_, agreement) = flip.Compare(predicted, labels);
        Assert.Equal(1.0, agreement);
        var phi = model.FamilyProbabilities();
        for (int j = 0; j < 8; j++) Assert.True(Math.Max(phi[j, 0], phi[j, 1]) > 0.9, $"feature {j}: φ = ({phi[j, 0]}, {phi[j, 1]}) is not decisive");
        // latent recovers t up to sign: |corr| high
        var z = model.Latent(data);
        double corr = Math.Abs(Correlation(Enumerable.Range(0, 200).Select(i => z[i, 0]).ToArray(), t));
        Assert.True(corr > 0.95, $"|corr(z, t)| = {corr}");
        Assert.Contains("BasisDeVAE", model.ToString());
        Assert.Contains("increasing 4", model.ToString().Replace("decreasing 4", ""));
    }

    [Fact]
    public void DenseAndSparseContainersTrainIdentically()
    {
        // Counts with many zeros, trained as a dense and as a CSR AnnData: the batches gathered from either are the same
        // values, so on the CPU the runs (losses, latent means, φ) are bit-identical; the sparse one never densifies X.
        var rng = new Random(3);
        var x = new double[60, 6];
        for (int i = 0; i < 60; i++) for (int j = 0; j < 6; j++) x[i, j] = rng.NextDouble() < 0.6 ? 0 : rng.Next(1, 20);
        var dense = AnnData.FromArray(x);
        var sparse = new AnnData(CsrMatrix.FromDense(dense.X));
        Assert.True(sparse.X.IsSparse);
        var counts = ModelDefaults.Paper with { Likelihood = LikelihoodKind.NegativeBinomial, Encoder = new NetworkShape(new[] { 16 }, ActivationKind.Relu) };
        double[,] Run(AnnData data, out IReadOnlyList<EpochMetrics> history, out double[,] phi)
        {
            torch.manual_seed(5);
            using var m = new BasisDeVAE(RiseFall.Create(6), counts, new ModelOptions { Seed = 5 });
            history = m.Train(data, new TrainOptions { Epochs = 3, BatchSize = 16, Seed = 5, Device = "cpu", Threads = 1 }).ToList();
            phi = m.FamilyProbabilities();
            return m.Latent(data);
        }
        var zd = Run(dense, out var hd, out var pd);
        var zs = Run(sparse, out var hs, out var ps);
        Assert.Equal(hd.Select(h => h.Loss), hs.Select(h => h.Loss));
        Assert.Equal(zd, zs);
        Assert.Equal(pd, ps);
        Assert.True(dense.IsValidated(ValueSupport.Counts));   // validated once, remembered by the container
    }

    [Fact]
    public void LatentInChunksFreesEachChunkAndMatchesOnePass()
    {
        // A data set passes through the encoder in chunks of rows (an atlas cannot be densified at once); each chunk's
        // tensors are freed when it is done (its means are copied out), so the live tensors do not grow from chunk to chunk.
        var rng = new Random(4);
        var x = new double[50, 6];
        for (int i = 0; i < 50; i++) for (int j = 0; j < 6; j++) x[i, j] = rng.NextDouble() < 0.5 ? 0 : rng.Next(1, 9);
        var data = new AnnData(CsrMatrix.FromDense(AnnData.FromArray(x).X));
        var counts = ModelDefaults.Paper with { Likelihood = LikelihoodKind.Poisson, Encoder = new NetworkShape(new[] { 8 }, ActivationKind.Relu) };
        using var m = new BasisDeVAE(RiseFall.Create(6), counts, new ModelOptions { Seed = 2 });
        m.Train(data, new TrainOptions { Epochs = 1, BatchSize = 25, Seed = 2, Device = "cpu" });
        var whole = m.Latent(data);
        var live = new List<long>();
        long saved = CollapsedVaeModel.ChunkValues;
        try
        {
            CollapsedVaeModel.ChunkValues = 7 * 6;   // 7 rows per chunk: 8 chunks
            CollapsedVaeModel.AfterLatentChunk = () => live.Add(torch.Tensor.TotalCount);
            var chunked = m.Latent(data);
            for (int i = 0; i < 50; i++) Assert.Equal(whole[i, 0], chunked[i, 0], 1e-6);   // BLAS may block a smaller product differently
        }
        finally
        {
            CollapsedVaeModel.ChunkValues = saved;
            CollapsedVaeModel.AfterLatentChunk = null;
        }
        Assert.Equal(8, live.Count);
        for (int c = 1; c < live.Count; c++) Assert.Equal(live[0], live[c]);
    }

    [Fact]
    public void SameSeedGivesIdenticalResults()
    {
        var (x, _, _) = Synthetic.RiseFall(120, 3, 0.1, 2);
        double[,] Run()
        {
            var data = TestData.Of(x);
            using var model = NewModel(6, 7);
            model.Train(data, new TrainOptions { Epochs = 3, Seed = 7, Device = "cpu" });
            var z = model.Latent(data);
            var phi = model.FamilyProbabilities();
            var r = new double[z.GetLength(0) + phi.GetLength(0), 2];
            for (int i = 0; i < z.GetLength(0); i++) r[i, 0] = z[i, 0];
            for (int j = 0; j < phi.GetLength(0); j++) { r[z.GetLength(0) + j, 0] = phi[j, 0]; r[z.GetLength(0) + j, 1] = phi[j, 1]; }
            return r;
        }
        var a = Run();
        var b = Run();
        Assert.Equal(a, b);
        // and a different seed differs
        var data2 = TestData.Of(x);
        using var other = NewModel(6, 8);
        other.Train(data2, new TrainOptions { Epochs = 3, Seed = 8, Device = "cpu" });
        Assert.NotEqual(a[0, 0], other.Latent(data2)[0, 0]);
    }

    [Fact]
    public void LiveTensorCountStaysFlatOver500Steps()
    {
        var (x, _, _) = Synthetic.RiseFall(320, 3, 0.1, 3);
        var data = TestData.Of(x);
        using var model = NewModel(6, 3);
        // warm-up (first-epoch allocations: flat buffers, snapshot, loss buffer)
        model.Train(data, new TrainOptions { Epochs = 1, BatchSize = 32, Seed = 3, Device = "cpu" });
        GC.Collect(); GC.WaitForPendingFinalizers();
        // No GC from here on: a tensor that is not disposed by its step's scope would stay counted until a finalizer ran.
        long before = torch.Tensor.TotalCount;
        var counts = new List<long>();
        var progress = new SyncProgress(new List<EpochMetrics>(), _ => counts.Add(torch.Tensor.TotalCount));
        model.Train(data, new TrainOptions { Epochs = 50, BatchSize = 32, Seed = 4, Device = "cpu", Progress = progress });   // 50 × 10 = 500 steps
        long after = torch.Tensor.TotalCount;
        Assert.Equal(50, counts.Count);
        Assert.True(counts.Max() - counts.Min() <= 0, $"live tensors varied between epochs: {counts.Min()}..{counts.Max()}");
        Assert.True(after - before <= 2, $"live tensors {before} → {after} over 500 steps");
        Assert.Equal(51, model.History.Count);
    }

    [Fact]
    public void NonFiniteLossStopsNamingEpochAndStepAndKeepsLastGoodState()
    {
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 4);
        var data = TestData.Of(x);
        // Reference: two good epochs.
        using var good = NewModel(4, 11);
        good.Train(data, new TrainOptions { Epochs = 2, Seed = 11, Device = "cpu" });
        // Same run, poisoned from the 2nd step of epoch 3 (2 steps per epoch at batch 32).
        var dec = RiseFall.Create(4);
        dec.PoisonFromCall = 2 * 2 + 2;
        using var bad = new BasisDeVAE(dec, Gaussian, new ModelOptions { Seed = 11 });
        var ex = Assert.Throws<TrainingDivergedException>(() => bad.Train(data, new TrainOptions { Epochs = 5, Seed = 11, Device = "cpu" }));
        Assert.Equal(3, ex.Epoch);
        Assert.Equal(2, ex.Step);
        Assert.Contains("epoch 3, step 2", ex.Message);
        Assert.Equal(2, bad.History.Count);
        dec.PoisonFromCall = 0;
        // parameters equal the good model's after 2 epochs
        var pg = good.Module.parameters().Select(p => p.detach().clone()).ToList();
        var pb = bad.Module.parameters().Select(p => p.detach().clone()).ToList();
        Assert.Equal(pg.Count, pb.Count);
        for (int i = 0; i < pg.Count; i++) Assert.True(pg[i].equal(pb[i]).all().item<bool>(), $"parameter {i} differs");
    }

    [Fact]
    public void DivergenceRestoresTheDecodersRunningStateWithTheParameters()
    {
        // RiseBump's latent range (a buffer moved by every training step) must come back to the end of the last good
        // epoch, as the parameters do: equal to a clean two-epoch run's, not moved by the steps of epoch 3.
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 4);
        var data = TestData.Of(x);
        using var good = new BasisDeVAE(RiseBump.Create(4), Gaussian, new ModelOptions { Seed = 12 });
        good.Train(data, new TrainOptions { Epochs = 2, Seed = 12, Device = "cpu" });
        var dec = RiseBump.Create(4);
        dec.PoisonFromCall = 2 * 2 + 2;
        using var bad = new BasisDeVAE(dec, Gaussian, new ModelOptions { Seed = 12 });
        Assert.Throws<TrainingDivergedException>(() => bad.Train(data, new TrainOptions { Epochs = 5, Seed = 12, Device = "cpu" }));
        int z0 = Enumerable.Range(0, dec.Layout.Parameters.Count).Single(i => dec.Layout.Parameters[i].Name == "z0");
        using var goodRange = ((RiseBump)good.Decoder).LatentRange(z0).detach().clone();
        using var badRange = dec.LatentRange(z0).detach().clone();
        Assert.True(badRange.isfinite().all().item<bool>(), "the restored range is not finite");
        Assert.True(goodRange.equal(badRange).all().item<bool>(), $"range {badRange.ToString(TorchSharp.TensorStringStyle.Julia)} after the restore, {goodRange.ToString(TorchSharp.TensorStringStyle.Julia)} after two good epochs");
        using var start = RiseBump.Create(4);
        Assert.False(start.LatentRange(z0).equal(badRange).all().item<bool>(), "training did not move the range at all (vacuous test)");
    }

    [Fact]
    public void CancellationStopsAtAnEpochBoundaryState()
    {
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 5);
        var data = TestData.Of(x);
        using var model = NewModel(4, 5);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(new List<EpochMetrics>(), m => { if (m.Epoch == 2) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            model.Train(data, new TrainOptions { Epochs = 10, Seed = 5, Device = "cpu", Progress = progress, Cancellation = cts.Token }));
        Assert.Equal(2, model.History.Count);
    }

    [Fact]
    public void AnnealingRampsBetaAndGammaLinearly()
    {
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 6);
        var data = TestData.Of(x);
        using var model = NewModel(4, 6);
        var hist = model.Train(data, new TrainOptions { Epochs = 10, Seed = 6, Device = "cpu", AnnealFraction = 0.5, Beta = 2.0, Gamma = 1.0 });
        // 2 steps per epoch, 20 steps, anneal over 10 steps: epoch e ends at step 2e → factor min(1, 2e/10)
        for (int e = 1; e <= 10; e++)
        {
            double f = Math.Min(1.0, 2.0 * e / 10);
            Assert.Equal(2.0 * f, hist[e - 1].Beta, 12);
            Assert.Equal(1.0 * f, hist[e - 1].Gamma, 12);
        }
    }

    [Fact]
    public void AssignmentWarmupKeepsPhiUniformThenLearnsIt()
    {
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 6);
        var data = TestData.Of(x);
        using var model = NewModel(4, 6);
        var phis = new List<double[,]>();
        var metrics = new List<EpochMetrics>();
        // 2 steps per epoch, 20 steps; warm-up 0.5 = the first 10 steps = epochs 1–5.
        var hist = model.Train(data, new TrainOptions
        {
            Epochs = 10, Seed = 6, Device = "cpu", LearningRate = 0.02, AssignmentWarmup = 0.5,
            Progress = new SyncProgress(metrics, _ => phis.Add(model.FamilyProbabilities())),
        });
        Assert.Equal(10, phis.Count);
        for (int e = 0; e < 5; e++)
            for (int j = 0; j < 4; j++)
                for (int k = 0; k < 2; k++)
                    Assert.Equal(0.5, phis[e][j, k], 12);
        // the rest of the model trained during the warm-up ...
        Assert.True(hist[4].Reconstruction < hist[0].Reconstruction, $"reconstruction {hist[0].Reconstruction} → {hist[4].Reconstruction}");
        Assert.True(hist[^1].Loss < hist[0].Loss, $"loss {hist[0].Loss} → {hist[^1].Loss}");
        // ... and φ moves as soon as it ends.
        double moved = Enumerable.Range(0, 4).Max(j => Math.Abs(phis[5][j, 0] - 0.5));
        Assert.True(moved > 1e-3, $"φ did not move after the warm-up (max |φ − 0.5| = {moved})");

        Assert.Throws<ArgumentOutOfRangeException>(() => model.Train(data, new TrainOptions { Epochs = 1, AssignmentWarmup = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Train(data, new TrainOptions { Epochs = 1, AssignmentWarmup = double.NaN }));
    }

    [Fact]
    public void AssignmentLearningRateFactorSlowsOnlyXi()
    {
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 6);
        var data = TestData.Of(x);
        (double Xi, double Other) Moves(double factor)
        {
            using var model = NewModel(4, 6);
            double[] Xi() => model.Module.PhiLogits.detach().cpu().data<float>().Select(v => (double)v).ToArray();
            double[] Rest() => model.Decoder.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).Select(v => (double)v).ToArray();
            var (x0, r0) = (Xi(), Rest());
            model.Train(data, new TrainOptions { Epochs = 3, Seed = 6, Device = "cpu", AssignmentLearningRateFactor = factor });
            var (x1, r1) = (Xi(), Rest());
            return (x0.Zip(x1, (a, b) => Math.Abs(a - b)).Max(), r0.Zip(r1, (a, b) => Math.Abs(a - b)).Max());
        }
        var normal = Moves(1.0);
        var slow = Moves(0.01);
        // Adam moves each element by at most ~lr·factor per step: 6 steps × 5e-3 × 0.01 = 3e-4.
        Assert.True(slow.Xi < 4e-4, $"ξ moved {slow.Xi} with factor 0.01");
        Assert.True(normal.Xi > 10 * slow.Xi, $"ξ moved {normal.Xi} (factor 1) vs {slow.Xi} (factor 0.01)");
        Assert.True(slow.Other > 1e-3, $"decoder moved only {slow.Other}");
        using var m = NewModel(4, 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Train(data, new TrainOptions { Epochs = 1, AssignmentLearningRateFactor = 0 }));
    }

    [Fact]
    public void TrainingTwiceContinuesTheHistory()
    {
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 9);
        var data = TestData.Of(x);
        using var model = NewModel(4, 9);
        model.Train(data, new TrainOptions { Epochs = 3, Seed = 9, Device = "cpu" });
        var h = model.Train(data, new TrainOptions { Epochs = 2, Seed = 10, Device = "cpu" });
        Assert.Equal(new[] { 1, 2, 3, 4, 5 }, h.Select(m => m.Epoch));
        Assert.True(h[3].Loss < h[0].Loss);
    }

    [Fact]
    public void ThreadSettingIsRestoredAfterTraining()
    {
        var (x, _, _) = Synthetic.RiseFall(32, 2, 0.1, 6);
        var data = TestData.Of(x);
        using var model = NewModel(4, 6);
        int before = torch.get_num_threads();
        model.Train(data, new TrainOptions { Epochs = 1, Seed = 6, Device = "cpu", Threads = before + 1 });
        Assert.Equal(before, torch.get_num_threads());
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Train(data, new TrainOptions { Epochs = 1, Threads = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Train(data, new TrainOptions { Epochs = 1, BatchSize = 0 }));
    }

    [Fact]
    public void BaselinesTrainAndLossFalls()
    {
        var (x, _, _) = Synthetic.RiseFall(128, 2, 0.1, 7);
        var data = TestData.Of(x);
        var small = Gaussian with { Encoder = new NetworkShape(new[] { 16 }, ActivationKind.Relu) };
        var models = new CollapsedVaeModel[]
        {
            new BasisVAE(4, 2, small, basisNet: new NetworkShape(new[] { 16 }, ActivationKind.Tanh), options: new ModelOptions { Seed = 1 }),
            new Vae(4, 1, small, options: new ModelOptions { Seed = 1 }),
            new LinearVae(4, 2, small, options: new ModelOptions { Seed = 1 }),
        };
        foreach (var m in models)
        {
            var h = m.Train(data, new TrainOptions { Epochs = 15, Seed = 1, Device = "cpu" });
            Assert.True(h[^1].Loss < h[0].Loss, $"{m.ModelName}: {h[0].Loss} → {h[^1].Loss}");
            Assert.True(double.IsFinite(m.Evaluate(data).LogLikelihood));
            m.Dispose();
        }
        Assert.Equal("BasisVAE", models[0].ModelName);
        Assert.Equal(2, models[0].FamilyNames.Count);
    }

    [Fact]
    public void DeVaeTakesOneFamilyAndAnyLatentDimension()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DeVAE(RiseFall.Create(3), Gaussian));
        Assert.Contains("exactly one family", ex.Message);
        using var m = new DeVAE(Rise.Create(3), Gaussian);
        Assert.Single(m.FamilyNames);
        // p = 2 with a one-family decoder (linear) under the DeVAE model
        using var m2 = new DeVAE(new Model.Decoders.LinearDecoder(3, 2), Gaussian);
        Assert.Equal(2, m2.LatentDim);
        var (x, _, _) = Synthetic.RiseFall(40, 2, 0.1, 1);
        var x3 = new double[40, 3];
        for (int i = 0; i < 40; i++) for (int j = 0; j < 3; j++) x3[i, j] = x[i, j];
        var d3 = TestData.Of(x3);
        var h = m2.Train(d3, new TrainOptions { Epochs = 3, Seed = 1, Device = "cpu" });
        Assert.Equal(3, h.Count);
        Assert.Equal(2, m2.Latent(d3).GetLength(1));
    }

    [Fact]
    public void CountLikelihoodsTrain()
    {
        var rng = new Random(3);
        int n = 96, d = 4;
        var x = new double[n, d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++)
        {
            double mu = Math.Exp(0.5 + (j % 2 == 0 ? 1 : -1) * (i - n / 2.0) / n * 2);
            // Poisson by inversion
            double l = Math.Exp(-mu), p = 1; int k = 0;
            do { k++; p *= rng.NextDouble(); } while (p > l);
            x[i, j] = k - 1;
        }
        var data = TestData.Of(x);
        foreach (var kind in new[] { LikelihoodKind.Poisson, LikelihoodKind.NegativeBinomial, LikelihoodKind.ZeroInflatedNegativeBinomial })
        {
            using var m = new BasisDeVAE(RiseFall.Create(d), Gaussian with { Likelihood = kind }, new ModelOptions { Seed = 2 });
            var h = m.Train(data, new TrainOptions { Epochs = 10, Seed = 2, Device = "cpu" });
            Assert.True(h[^1].Loss < h[0].Loss, $"{kind}: {h[0].Loss} → {h[^1].Loss}");
            Assert.NotNull(m.LibraryMean);
            Assert.True(double.IsFinite(m.Evaluate(data).Elbo));
        }
    }

    [CudaFact]
    public void TrainsOnCudaWhenPresent()
    {
        var (x, _, labels) = Synthetic.RiseFall(200, 4, 0.1, 1);
        var data = TestData.Of(x);
        using var model = NewModel(8, 1);
        var hist = model.Train(data, new TrainOptions { Epochs = 30, BatchSize = 16, LearningRate = 0.02, Seed = 1, Device = "cuda" });
        Assert.Equal(DeviceType.CUDA, model.Device.type);
        Assert.True(hist[^1].Loss < hist[0].Loss);
        Assert.Equal(1.0, new LatentFlip(("increasing", "decreasing")).Compare(model.AssignedFamilies(), labels).Agreement);
    }

    [NoCudaFact]
    public void CudaRequestWithoutGpuIsAClearError()
    {
        var ex = Assert.Throws<ArgumentException>(() => Seeding.ResolveDevice("cuda"));
        Assert.Contains("CUDA is not available", ex.Message);
        Assert.Equal(DeviceType.CPU, Seeding.ResolveDevice("auto").type);
        Assert.Throws<ArgumentException>(() => Seeding.ResolveDevice("tpu"));
    }

    internal static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average(), sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++) { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb); }
        return sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    internal sealed class SyncProgress : IProgress<EpochMetrics>
    {
        private readonly List<EpochMetrics> sink;
        private readonly Action<EpochMetrics>? then;
        public SyncProgress(List<EpochMetrics> sink, Action<EpochMetrics>? then = null) { this.sink = sink; this.then = then; }
        public void Report(EpochMetrics value) { sink.Add(value); then?.Invoke(value); }
    }
}

[CollectionDefinition("torch-global-state", DisableParallelization = true)]
public class TorchGlobalStateCollection { }

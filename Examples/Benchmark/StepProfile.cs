using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Examples.Benchmark;

/// <summary>
/// Where a training step's time goes (<c>--profile</c>): the case's model on the case's data (<c>synth</c>: the paper's
/// model, batch 32; <c>scrna-B</c>: the single-cell model at batch B), one batch, each part repeated after a warm-up; mean wall,
/// fastest wall and mean CPU milliseconds per repetition, the number of forward operators (tensors created) of the decoder and of the
/// whole loss, and one operator's fixed cost (<see cref="OperatorFloor"/>). A profile, not a target: at the synth size the figures are
/// mostly TorchSharp's and libtorch's per-operator overhead.
/// </summary>
internal static class StepProfile
{
    public static void Run(TextWriter w, string caseName, int threads, int cells, int genes, string integration)
    {
        torch.set_num_threads(threads);
        bool synth = caseName == "synth";
        int batch = synth ? 32 : int.Parse(caseName["scrna-".Length..], CultureInfo.InvariantCulture);
        int reps = synth ? 500 : 5, warmup = synth ? 100 : 2;
        AnnData data;
        CollapsedVaeModel model;
        if (synth) (data, model) = BenchmarkCommand.SynthCase(1);
        else (data, model) = BenchmarkCommand.ScrnaCase(1, cells, genes);
        IntegrationRules.Apply(model, integration);
        using var ownedModel = model;
        var module = model.Module;
        module.train();
        using var inputs = FirstBatch.Of(data, batch, synth);
        batch = (int)inputs.X.shape[0];
        using var zb = torch.randn(batch, model.Decoder.LatentDim);
        using var adam = new FlatAdam(module.parameters());
        w.WriteLine(FormattableString.Invariant(
            $"step profile: {caseName}, {data.VarCount} features, batch {batch}, integration {integration}, {threads} thread(s), {reps} repetitions per line"));
        LossTerms Loss() => inputs.Loss(module);
        var decoderOps = OperatorFloor.Count(() => module.Decoder.forward(zb));
        var lossOps = OperatorFloor.Count(() => Loss().Stacked().sum());
        var costs = OperatorFloor.Measure(threads, torch.CPU);
        w.WriteLine(FormattableString.Invariant(
            $"  forward operators (tensors created) per step: decoder {decoderOps.Total} ({decoderOps.Gradient} with a gradient), whole loss {lossOps.Total} ({lossOps.Gradient} with a gradient)"));
        w.WriteLine(FormattableString.Invariant(
            $"  one operator's fixed cost: {costs.GradientMicroseconds:F2} µs with a gradient (forward + backward), {costs.PlainMicroseconds:F2} µs without; the whole loss's operators at that cost: {costs.Milliseconds(lossOps):F3} ms per step"));
        if (module.Decoder is DerivSpec.Runtime.Decoding.DerivativeDecoder dd)
        {
            // The points the rule evaluates the network at for this batch: B·n nodes; the fixed knots the batch can read
            // (FixedGridOptions.HalfCellsFor); the shared grid's points.
            long shared = integration == IntegrationRules.Grid ? dd.GridOptions.Points
                : 2L * dd.FixedGridOptions.HalfCellsFor(zb.abs().max().item<float>()) + 1;
            using var points = integration == IntegrationRules.GaussLegendre
                ? zb.unsqueeze(-1) * dd.Quadrature.UnitNodes
                : torch.linspace(-10, 10, shared).view(1, 1, -1).expand(1, dd.LatentDim, -1);
            Time(w, reps, warmup, $"derivative net at {points.numel()} points", () => { using var _ = torch.no_grad(); dd.DerivativeNetwork(points); });
        }
        Time(w, reps, warmup, "decoder forward (no grad)", () => { using var _ = torch.no_grad(); module.Decoder.forward(zb); });
        Time(w, reps, warmup, "decoder forward", () => module.Decoder.forward(zb));
        Time(w, reps, warmup, "decoder forward + backward", () => module.Decoder.forward(zb).sum().backward());
        Time(w, reps, warmup, "encoder forward + backward", () => { var (mu, s) = module.Encoder.forward(inputs.EncoderInput); (mu.sum() + s.sum()).backward(); });
        Time(w, reps, warmup, "decoder log prior + backward", () => module.Decoder.LogPrior().backward());
        Time(w, reps, warmup, "loss forward", () => Loss().Stacked());
        Time(w, reps, warmup, "loss forward + backward", () => Loss().Stacked().sum().backward());
        Time(w, reps, warmup, "Adam step", () => adam.Step());
        Time(w, reps, warmup, "full step", () => { Loss().Stacked().sum().backward(); adam.Step(); });
    }

    private static void Time(TextWriter w, int reps, int warmup, string what, Action step)
    {
        for (int i = 0; i < warmup; i++) { using var s = torch.NewDisposeScope(); step(); }
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        double best = double.PositiveInfinity;
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using (var s = torch.NewDisposeScope()) step();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        watch.Stop();
        self.Refresh();
        double cpu = (self.TotalProcessorTime - cpu0).TotalMilliseconds / reps;
        // The fastest repetition is the least disturbed by other processes on a shared machine.
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {what,-32} wall {watch.Elapsed.TotalMilliseconds / reps,8:F3} ms   min {best,8:F3} ms   cpu {cpu,8:F3} ms"));
        w.Flush();
    }
}

/// <summary>The first <c>batch</c> rows of a case's data as the loss takes them: x, the encoder's input (log1p for counts)
/// and the log library sizes (counts only).</summary>
internal sealed class FirstBatch : IDisposable
{
    private FirstBatch(Tensor x, Tensor encoderInput, Tensor? logLibrary, long samples)
    {
        X = x;
        EncoderInput = encoderInput;
        LogLibrary = logLibrary;
        Samples = samples;
    }

    public Tensor X { get; }
    public Tensor EncoderInput { get; }
    public Tensor? LogLibrary { get; }

    /// <summary>N, the data's sample count.</summary>
    public long Samples { get; }

    /// <summary>The batch of <paramref name="data"/> (dense) on the CPU; <paramref name="synth"/>: Gaussian data, else counts.</summary>
    public static FirstBatch Of(AnnData data, int batch, bool synth)
    {
        batch = (int)Math.Min(batch, data.ObsCount);
        var values = ((DenseMatrix)data.X).Values;
        var x = torch.tensor(values.Slice(0, batch * data.VarCount).ToArray(), new long[] { batch, data.VarCount });
        return new FirstBatch(x, synth ? x.alias() : torch.log1p(x), synth ? null : x.sum(dim: 1).clamp_min(1).log(), data.ObsCount);
    }

    /// <summary>The same batch on <paramref name="device"/> (copies; the caller disposes them).</summary>
    public FirstBatch To(Device device) => new(X.to(device), EncoderInput.to(device), LogLibrary?.to(device), Samples);

    /// <summary>The module's training loss on this batch (α 0.1, β 1, γ 1).</summary>
    public LossTerms Loss(CollapsedVaeModule module) => module.Loss(X, EncoderInput, LogLibrary, Samples, 0.1, 1, 1);

    public void Dispose()
    {
        X.Dispose();
        EncoderInput.Dispose();
        LogLibrary?.Dispose();
    }
}

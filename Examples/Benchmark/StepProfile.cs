using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;
using TorchSharp;

namespace DerivSpec.Examples.Benchmark;

/// <summary>
/// Where a training step's time goes (<c>--profile</c>): the case's model on the case's data (<c>synth</c>: the paper's
/// model, batch 32; <c>scrna-B</c>: the single-cell model at batch B), one batch, each part repeated after a warm-up; mean wall,
/// fastest wall and mean CPU milliseconds per repetition, and the number of forward operators (tensors created) of the decoder and of the
/// whole loss. A profile, not a target: at the synth size the figures are mostly TorchSharp's per-operator overhead.
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
        batch = Math.Min(batch, data.ObsCount);
        var values = ((DenseMatrix)data.X).Values;
        using var x = torch.tensor(values.Slice(0, batch * data.VarCount).ToArray(), new long[] { batch, data.VarCount });
        using var encoderInput = synth ? x.alias() : torch.log1p(x);
        using var logLibrary = synth ? null : x.sum(dim: 1).clamp_min(1).log();
        using var zb = torch.randn(batch, model.Decoder.LatentDim);
        using var adam = new FlatAdam(module.parameters());
        long n = data.ObsCount;
        w.WriteLine(FormattableString.Invariant(
            $"step profile: {caseName}, {data.VarCount} features, batch {batch}, integration {integration}, {threads} thread(s), {reps} repetitions per line"));
        LossTerms Loss() => module.Loss(x, encoderInput, logLibrary, n, 0.1, 1, 1);
        using (var countScope = torch.NewDisposeScope())
        {
            module.Decoder.forward(zb);
            int dec = countScope.DisposablesCount;
            Loss().Stacked().sum();
            w.WriteLine(FormattableString.Invariant(
                $"  forward operators (tensors created) per step: decoder {dec}, whole loss {countScope.DisposablesCount - dec}"));
        }
        if (module.Decoder is DerivSpec.Runtime.Decoding.DerivativeDecoder dd)
        {
            using var points = integration == IntegrationRules.GaussLegendre
                ? zb.unsqueeze(-1) * dd.Quadrature.UnitNodes
                : torch.linspace(-10, 10, dd.FixedGridOptions.Knots).view(1, 1, -1).expand(1, dd.LatentDim, -1);
            Time(w, reps, warmup, $"derivative net at {points.numel()} points", () => { using var _ = torch.no_grad(); dd.DerivativeNetwork(points); });
        }
        Time(w, reps, warmup, "decoder forward (no grad)", () => { using var _ = torch.no_grad(); module.Decoder.forward(zb); });
        Time(w, reps, warmup, "decoder forward", () => module.Decoder.forward(zb));
        Time(w, reps, warmup, "decoder forward + backward", () => module.Decoder.forward(zb).sum().backward());
        Time(w, reps, warmup, "encoder forward + backward", () => { var (mu, s) = module.Encoder.forward(encoderInput); (mu.sum() + s.sum()).backward(); });
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

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
/// Where a synth training step's time goes (<c>--profile</c>): the paper's model on the paper's data, one batch of 32,
/// each part repeated many times after a warm-up; wall and CPU milliseconds per repetition. A profile, not a target:
/// the figures include TorchSharp's per-op overhead, which is what dominates at this size.
/// </summary>
internal static class StepProfile
{
    public static void Run(TextWriter w, int threads, int reps, string integration)
    {
        torch.set_num_threads(threads);
        var (data, model) = BenchmarkCommand.SynthCase(1);
        IntegrationRules.Apply(model, integration);
        using var ownedModel = model;
        var module = model.Module;
        module.train();
        using var x = torch.tensor(((DenseMatrix)data.X).Values.ToArray(), new long[] { data.ObsCount, data.VarCount });
        using var xb = x.narrow(0, 0, 32);
        using var zb = torch.randn(32, 1);
        using var adam = new FlatAdam(module.parameters());
        long n = data.ObsCount;
        w.WriteLine(FormattableString.Invariant($"step profile: synth, batch 32, integration {integration}, {threads} thread(s), {reps} repetitions per line"));
        using (var countScope = torch.NewDisposeScope())
        {
            module.Decoder.forward(zb);
            int dec = countScope.DisposablesCount;
            module.Loss(xb, xb, null, n, 0.1, 1, 1).Stacked().sum();
            w.WriteLine(FormattableString.Invariant($"  tensors created: decoder forward {dec}, whole loss forward {countScope.DisposablesCount - dec}"));
        }
        if (module.Decoder is DerivSpec.Runtime.Decoding.DerivativeDecoder dd)
        {
            using var points = integration == "gl" ? zb.unsqueeze(-1) * dd.Quadrature.UnitNodes : torch.linspace(-10, 10, dd.FixedGridOptions.Knots).view(1, 1, -1);
            Time(w, reps, $"derivative net at {points.numel()} points", () => { using var _ = torch.no_grad(); dd.DerivativeNetwork(points); });
        }
        Time(w, reps, "decoder forward (no grad)", () => { using var _ = torch.no_grad(); module.Decoder.forward(zb); });
        Time(w, reps, "decoder forward", () => module.Decoder.forward(zb));
        Time(w, reps, "decoder forward + backward", () => module.Decoder.forward(zb).sum().backward());
        Time(w, reps, "encoder forward + backward", () => { var (mu, s) = module.Encoder.forward(xb); (mu.sum() + s.sum()).backward(); });
        Time(w, reps, "decoder log prior + backward", () => module.Decoder.LogPrior().backward());
        Time(w, reps, "loss forward", () => module.Loss(xb, xb, null, n, 0.1, 1, 1).Stacked());
        Time(w, reps, "loss forward + backward", () => module.Loss(xb, xb, null, n, 0.1, 1, 1).Stacked().sum().backward());
        Time(w, reps, "Adam step", () => adam.Step());
        Time(w, reps, "full step", () => { module.Loss(xb, xb, null, n, 0.1, 1, 1).Stacked().sum().backward(); adam.Step(); });
    }

    private static void Time(TextWriter w, int reps, string what, Action step)
    {
        for (int i = 0; i < Math.Max(20, reps / 5); i++) { using var s = torch.NewDisposeScope(); step(); }
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpu0 = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < reps; i++) { using var s = torch.NewDisposeScope(); step(); }
        watch.Stop();
        self.Refresh();
        double cpu = (self.TotalProcessorTime - cpu0).TotalMilliseconds / reps;
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-32} wall {watch.Elapsed.TotalMilliseconds / reps,7:F3} ms   cpu {cpu,7:F3} ms"));
    }
}

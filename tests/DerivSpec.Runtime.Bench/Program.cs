using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Tests;
using DerivSpec.Runtime.Training;
using TorchSharp;

// synth-like case: N = 500, d = 50, K = 3 families (Bench.dspec: increasing, decreasing and a second increasing family),
// derivative net 1 → 64 tanh, the default (shape-preserving) integration rule, encoder ReLU 64, batch 32, Gaussian.
int epochs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
int batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
torch.set_num_threads(threads);
var (x, _, _) = Synthetic.RiseFall(500, 25, 0.1, 1);
var data = TestData.Of(x);
var dec = DerivSpec.Runtime.Bench.Bench.Create(50);
using var model = new BasisDeVAE(dec, ModelDefaults.Paper, new ModelOptions { Seed = 1 });
var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
var hist = model.Train(data, new TrainOptions { Epochs = epochs, BatchSize = batch, Seed = 1, Device = "cpu", Threads = threads });
var cpuTotal = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
var secs = hist.Skip(1).Select(h => h.Seconds).OrderBy(s => s).ToArray();
double median = secs[secs.Length / 2];
int steps = (500 + batch - 1) / batch;
Console.WriteLine(FormattableString.Invariant($"{{\"case\":\"synth-generated\",\"threads\":{threads},\"batch\":{batch},\"epochs\":{epochs},\"median_s_per_epoch\":{median:F4},\"ms_per_step\":{median / steps * 1000:F2},\"cpu_s_per_epoch\":{cpuTotal / epochs:F4},\"final_loss\":{hist[^1].Loss:F2}}}"));

if (Environment.GetEnvironmentVariable("DSPEC_PROFILE") == "1")
{
    var xt = torch.tensor(x).to(torch.float32);
    var xb = xt.narrow(0, 0, batch);
    var mod = model.Module;
    void Time(string what, Action a)
    {
        for (int i = 0; i < 5; i++) { using var s = torch.NewDisposeScope(); a(); }
        var proc = Process.GetCurrentProcess();
        var cpu0 = proc.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        int reps = 100;
        for (int i = 0; i < reps; i++) { using var s = torch.NewDisposeScope(); a(); }
        proc.Refresh();
        double cpuMs = (proc.TotalProcessorTime - cpu0).TotalMilliseconds / reps;
        Console.WriteLine(FormattableString.Invariant($"{what}: wall {sw.Elapsed.TotalMilliseconds / reps:F3} ms, cpu {cpuMs:F3} ms"));
    }
    var zb = torch.randn(batch, 1);
    var sa = torch.randn(32, 50); var sb2 = torch.randn(32, 50);
    Time("100 x small add (no grad)", () => { for (int i = 0; i < 100; i++) sa.add(sb2); });
    var sg1 = torch.randn(32, 50).requires_grad_(true);
    Time("100 x small add (grad graph) + backward", () => { var t = sg1; for (int i = 0; i < 100; i++) t = t.add(sb2); t.sum().backward(); });
    Time("decoder forward", () => dec.forward(zb));
    Time("decoder forward+backward", () => { var z = zb.requires_grad_(true); dec.forward(z).sum().backward(); });
    Time("decoder forward+backward (params)", () => { dec.forward(zb.detach()).sum().backward(); });
    Time("encoder forward", () => mod.Encoder.forward(xb));
    var locFixed = dec.forward(zb).detach();
    Time("encoder fwd+bwd", () => { var (mu, sg) = mod.Encoder.forward(xb); (mu.sum() + sg.sum()).backward(); });
    Time("likelihood expected-loglik fwd+bwd", () => {
        var loc = locFixed.requires_grad_(true);
        var logPhi = torch.nn.functional.log_softmax(mod.PhiLogits, 1); var phi = logPhi.exp();
        mod.Likelihood.ExpectedLogLikelihood(xb, loc, zb, null, phi.t()).backward(); });
    Time("encoder+likelihood+loss fwd+bwd (decoder output detached)", () => {
        var (mu, sg) = mod.Encoder.forward(xb); var z = GaussianEncoder.Sample(mu, sg);
        var loc = dec.forward(z).detach().requires_grad_(true);
        var logPhi = torch.nn.functional.log_softmax(mod.PhiLogits, 1); var phi = logPhi.exp();
        var e = mod.Likelihood.ExpectedLogLikelihood(xb, loc, z, null, phi.t());
        CollapsedLoss.Compute(e, logPhi, phi, batch, mu, sg, dec.LogPrior(), 500, 0.1, 1, 1).Stacked().sum().backward(); });
    Time("loss forward (full)", () => mod.Loss(xb, xb, null, 500, 0.1, 1, 1));
    Time("loss forward+backward", () => mod.Loss(xb, xb, null, 500, 0.1, 1, 1).Stacked().sum().backward());
    var adam = new FlatAdam(mod.parameters());
    Time("adam step", () => adam.Step());
    Time("full step", () => { mod.Loss(xb, xb, null, 500, 0.1, 1, 1).Stacked().sum().backward(); adam.Step(); });
}

using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using TorchSharp;

// The generated paper decoder (K = 3: rise, fall, transient; net 1 → 64 tanh → 3·d; n = 15) at B = 32, d = 50, P = 1:
// forward and forward+backward times (median of reps after warm-up), then a short BasisDeVAE training on N = 500
// synthetic data (epochs after the first) — the figures reported in the Generator note.
int threads = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1;
int reps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
int epochs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 6;
torch.set_num_threads(threads);
const int B = 32, d = 50;
torch.manual_seed(1);
using var decoder = DerivSpec.Generator.Bench.Paper.Create(d);
var z = torch.randn(B, 1);

// Median wall time per call and mean process CPU time per call (the CPU time is robust on a shared, loaded machine).
(double Wall, double Cpu) Measure(Action body)
{
    for (int i = 0; i < 20; i++) { using var s = torch.NewDisposeScope(); body(); }
    var times = new double[reps];
    var process = Process.GetCurrentProcess();
    var cpu0 = process.TotalProcessorTime;
    for (int i = 0; i < reps; i++)
    {
        using var s = torch.NewDisposeScope();
        var sw = Stopwatch.StartNew();
        body();
        times[i] = sw.Elapsed.TotalMilliseconds;
    }
    process.Refresh();
    double cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds / reps;
    Array.Sort(times);
    return (times[reps / 2], cpu);
}

(double Wall, double Cpu) fwd;
using (torch.no_grad()) fwd = Measure(() => decoder.forward(z));
var fwdBwd = Measure(() =>
{
    decoder.zero_grad();
    (decoder.forward(z).square().sum() - decoder.LogPrior()).backward();
});

// Training: the paper's synthetic shape (N = 500, d = 50; 30 transient, 10 increasing, 10 decreasing features).
var rng = new Random(7);
var x = new double[500, d];
var kind = Enumerable.Range(0, d).Select(j => j < 30 ? 2 : j < 40 ? 0 : 1).ToArray();
var shift = Enumerable.Range(0, d).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
for (int i = 0; i < 500; i++)
{
    double t = rng.NextDouble() * 4 - 2;
    for (int j = 0; j < d; j++)
    {
        double u = t - shift[j];
        double clean = kind[j] switch { 0 => Math.Log(1 + Math.Exp(2 * u)), 1 => -Math.Log(1 + Math.Exp(2 * u)), _ => 2 * Math.Exp(-u * u) };
        x[i, j] = clean + 0.1 * (rng.NextDouble() * 2 - 1);
    }
}
var data = AnnData.FromArray(x);
torch.manual_seed(1);
using var model = new BasisDeVAE(DerivSpec.Generator.Bench.Paper.Create(d), DerivSpec.Generator.Bench.Paper.Defaults, new ModelOptions { Seed = 1 });
var trainCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var history = model.Train(data, new TrainOptions { Epochs = epochs, BatchSize = B, Seed = 1, Device = "cpu", Threads = threads });
double trainCpuPerEpoch = (Process.GetCurrentProcess().TotalProcessorTime - trainCpu0).TotalSeconds / epochs;
var epochSeconds = history.Skip(1).Select(h => h.Seconds).OrderBy(s => s).ToArray();
double medianEpoch = epochSeconds[epochSeconds.Length / 2];
int steps = (500 + B - 1) / B;
Console.WriteLine(FormattableString.Invariant(
    $"{{\"case\":\"generated-paper-decoder\",\"threads\":{threads},\"B\":{B},\"d\":{d},\"K\":3,\"n\":{decoder.QuadratureOrder},\"forward_ms\":{fwd.Wall:F3},\"forward_cpu_ms\":{fwd.Cpu:F3},\"forward_backward_ms\":{fwdBwd.Wall:F3},\"forward_backward_cpu_ms\":{fwdBwd.Cpu:F3},\"train_s_per_epoch\":{medianEpoch:F3},\"train_cpu_s_per_epoch\":{trainCpuPerEpoch:F3},\"train_ms_per_step\":{medianEpoch / steps * 1000:F2},\"final_loss\":{history[^1].Loss:F1}}}"));

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;

namespace DerivSpec.Examples.Benchmark;

/// <summary>
/// Training speed of the real models, one JSON line per case: median seconds per epoch after one warm-up epoch,
/// samples per second, peak resident memory of the process, device. Cases: <c>synth</c> (the paper's synthetic data,
/// N = 500, d = 50, K = 3, batch 32) and <c>scrna-32</c>, <c>scrna-128</c>, <c>scrna-512</c> (N = 8509 cells ×
/// d = 5216 genes, ZINB, K = 3, net width 64, n = 15) and <c>atlas</c> (a 200,000-cell × 20,000-gene sparse count
/// table, ≈ 3 % stored, written as .h5ad row by row, loaded, and trained for 50 steps; see <see cref="AtlasCase"/>).
/// Each case runs in a fresh child process so that its peak memory is its own (pass <c>--in-process</c> to run in this one).
/// </summary>
public static class BenchmarkCommand
{
    private const string Name = "benchmark";

    private static readonly string[] AllCases = { "synth", "scrna-32", "scrna-128", "scrna-512", "atlas" };

    private static readonly string[] DefaultCases = { "synth", "scrna-32", "scrna-128", "scrna-512" };

    /// <summary>Entry point.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var cmd = new ExampleCommand(Name,
            "Training speed of the real models, one JSON line per case (median seconds per epoch after a warm-up epoch, samples per " +
            "second, peak memory); each case in a fresh child process.\nRun it with: dotnet run --project Examples/Benchmark -c Release -- [options]");
        var cases = cmd.String("--cases", $"Comma-separated: {string.Join(", ", AllCases)} (default: all but atlas).", string.Join(",", DefaultCases), "LIST");
        var oneCase = cmd.OptionalString("--case", "One case, measured in this process (how the parent runs each case in a child process).", "CASE");
        oneCase.Hidden = true;
        var epochs = cmd.OptionalInt("--epochs", "Measured epochs after the warm-up epoch (default: 20 for synth, 3 for scrna).", 1, 100_000);
        var device = cmd.Device();
        var threads = cmd.OptionalInt("--threads", "torch CPU threads (default: 1 for synth, all cores for scrna and atlas).", 1, 256);
        var cells = cmd.Int("--cells", "scrna cells.", 8509, 20);
        var genes = cmd.Int("--genes", "scrna genes.", 5216, 3);
        var integration = cmd.Integration();
        var atlasCells = cmd.Int("--atlas-cells", "atlas: cells.", 200_000, 10);
        var atlasGenes = cmd.Int("--atlas-genes", "atlas: genes.", 20_000, 3);
        var atlasDensity = cmd.Double("--atlas-density", "atlas: fraction of stored (non-zero) counts.", 0.03, 1e-6, 1);
        var atlasSteps = cmd.Int("--atlas-steps", "atlas: training steps of batch 128.", 50, 1, 1_000_000);
        var atlasFile = cmd.OptionalString("--atlas-file", "atlas: where to write the .h5ad (default: a temporary file, deleted afterwards).", "PATH");
        var inProcess = cmd.Flag("--in-process", "Run the cases in this process (peak memory is then cumulative).");
        var workerThread = cmd.Flag("--worker-thread", "Train on a new thread, not the process's main thread (glibc gives other threads " +
            "their own malloc arenas, which still map blocks of 64 MB and more afresh: see README, Speed).");
        var profile = cmd.Flag("--profile", "Instead of measuring the cases: time the parts of one training step (decoder, encoder, loss, Adam) over repetitions, " +
            "for each case of --cases (synth or scrna-B; default synth), and count its forward operators.");
        return cmd.Run(args, stdout, stderr, (p, ct) => RunCore(new Options(p.GetValue(oneCase) ?? p.GetValue(cases)!, p.GetValue(oneCase) is not null,
            p.GetValue(epochs), p.GetValue(device)!, p.GetValue(threads), p.GetValue(cells), p.GetValue(genes), p.GetValue(integration)!,
            new AtlasCase.Settings(p.GetValue(atlasCells), p.GetValue(atlasGenes), p.GetValue(atlasDensity), p.GetValue(atlasSteps), p.GetValue(atlasFile)),
            p.GetValue(inProcess), p.GetValue(profile), p.GetValue(workerThread)), stdout, stderr, ct));
    }

    private sealed record Options(string Cases, bool Child, int? Epochs, string Device, int? Threads, int Cells, int Genes,
        string Integration, AtlasCase.Settings Atlas, bool InProcess, bool Profile, bool WorkerThread);

    private static int RunCore(Options o, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var (caseList, child, epochs, device, threads, cells, genes, integration, atlas, inProcess, profile, workerThread) = o;
        var cases = caseList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var c in cases)
            if (!AllCases.Contains(c)) throw new UsageException($"unknown case '{c}' (cases: {string.Join(", ", AllCases)}).");
        if (profile)
        {
            // The default case list means "not chosen": profile synth.
            var profiled = caseList == string.Join(",", DefaultCases) ? new[] { "synth" } : cases;
            if (profiled.Contains("atlas")) throw new UsageException("--profile: the atlas case has no step profile (synth or scrna-B).");
            foreach (var c in profiled) StepProfile.Run(stdout, c, threads ?? 1, cells, genes, integration);
            return 0;
        }
        Seeding.ResolveDevice(device);

        if (!child && !inProcess && cases.Length > 0)
        {
            foreach (var c in cases)
            {
                ct.ThrowIfCancellationRequested();
                var childArgs = new List<string> { "--case", c, "--device", device, "--cells", cells.ToString(CultureInfo.InvariantCulture), "--genes", genes.ToString(CultureInfo.InvariantCulture), "--integration", integration };
                if (epochs is int e) childArgs.AddRange(new[] { "--epochs", e.ToString(CultureInfo.InvariantCulture) });
                if (threads is int t) childArgs.AddRange(new[] { "--threads", t.ToString(CultureInfo.InvariantCulture) });
                if (c == "atlas") childArgs.AddRange(atlas.ToArgs());
                if (workerThread) childArgs.Add("--worker-thread");
                int rc = RunChild(childArgs, stdout, stderr, ct);
                if (rc != 0) return rc;
            }
            return 0;
        }
        foreach (var c in cases)
        {
            ct.ThrowIfCancellationRequested();
            string Case() => c == "atlas"
                ? AtlasCase.Run(atlas, device, threads, integration, stderr, ct)
                : Measure(c, device, epochs, threads, cells, genes, integration, workerThread, stderr, ct);
            stdout.WriteLine(workerThread ? OnNewThread(Case) : Case());
            stdout.Flush();
        }
        return 0;
    }

    /// <summary>Runs <paramref name="body"/> on a new thread and returns its result (or rethrows its exception).</summary>
    private static string OnNewThread(Func<string> body)
    {
        string? result = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try { result = body(); }
            catch (Exception e) { error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); }
        });
        thread.Start();
        thread.Join();
        error?.Throw();
        return result!;
    }

    private static int RunChild(List<string> args, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot find this program's path to start a child process.");
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            psi.ArgumentList.Add(typeof(BenchmarkCommand).Assembly.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {self}.");
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) stderr.WriteLine(e.Data); };
        p.BeginErrorReadLine();
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null) { stdout.WriteLine(line); stdout.Flush(); }
        using (ct.Register(() => { try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
            p.WaitForExit();
        ct.ThrowIfCancellationRequested();
        return p.ExitCode;
    }

    /// <summary>The synth case: the paper's simulated data (seed <paramref name="seed"/>) and a fresh paper model.</summary>
    internal static (AnnData Data, CollapsedVaeModel Model) SynthCase(long seed)
    {
        var d = SyntheticData.Generate((int)seed);
        var data = d.ToAnnData();
        Seeding.Set(seed);
        return (data, new BasisDeVAE(DerivSpec.Examples.Synthetic.Paper.Create(d.Features), DerivSpec.Examples.Synthetic.Paper.Defaults, new ModelOptions { Seed = seed }));
    }

    /// <summary>The scrna cases' data (simulated counts, seed <paramref name="seed"/>) and a fresh single-cell model.</summary>
    internal static (AnnData Data, CollapsedVaeModel Model) ScrnaCase(long seed, int cells, int genes)
    {
        var sim = SingleCellData.Generate((int)seed, cells, genes);
        Seeding.Set(seed);
        return (sim.Counts, new BasisDeVAE(DerivSpec.Examples.SingleCell.Scrna.Create(genes), DerivSpec.Examples.SingleCell.Scrna.Defaults, new ModelOptions { Seed = seed }));
    }

    private static string Measure(string name, string device, int? epochsArg, int? threadsArg, int cells, int genes, string integration,
        bool workerThread, TextWriter log, CancellationToken ct)
    {
        bool synth = name == "synth";
        int batch = synth ? 32 : int.Parse(name["scrna-".Length..], CultureInfo.InvariantCulture);
        int measured = epochsArg ?? (synth ? 20 : 3);
        int threads = threadsArg ?? (synth ? 1 : Environment.ProcessorCount);
        const long seed = 1;
        AnnData data;
        CollapsedVaeModel model;
        if (synth) (data, model) = SynthCase(seed);
        else (data, model) = ScrnaCase(seed, cells, genes);   // dense float32, the only copy: batches are gathered from it per step
        IntegrationRules.Apply(model, integration);
        using (model)
        {
            // CPU time per epoch next to wall time: on a shared machine wall time includes waiting for a core.
            var self = Process.GetCurrentProcess();
            var cpuAtEpochEnd = new List<double>();
            var userAtEpochEnd = new List<double>();
            var sysAtEpochEnd = new List<double>();
            self.Refresh();
            double cpuStart = self.TotalProcessorTime.TotalSeconds;
            var options = new TrainOptions
            {
                Epochs = 1 + measured, BatchSize = batch, Seed = seed, Device = device, Threads = threads, Cancellation = ct,
                Progress = new ModelRun.InlineProgress<EpochMetrics>(m =>
                {
                    self.Refresh();
                    cpuAtEpochEnd.Add(self.TotalProcessorTime.TotalSeconds);
                    userAtEpochEnd.Add(self.UserProcessorTime.TotalSeconds);
                    sysAtEpochEnd.Add(self.PrivilegedProcessorTime.TotalSeconds);
                    log.WriteLine(FormattableString.Invariant($"  {name}: epoch {m.Epoch} {m.Seconds:F3} s"));
                }),
            };
            var history = model.Train(data, options);
            double median = ModelRun.Median(history.Skip(1).Select(h => h.Seconds));
            double cpuMedian = ModelRun.Median(cpuAtEpochEnd.Zip(cpuAtEpochEnd.Prepend(cpuStart), (b, a) => b - a).Skip(1));
            // user and kernel (page faults, mapping) seconds of the measured epochs (the first, warm-up epoch left out)
            double userS = userAtEpochEnd[^1] - userAtEpochEnd[0], sysS = sysAtEpochEnd[^1] - sysAtEpochEnd[0];
            long n = data.ObsCount;
            int steps = (int)((n + batch - 1) / batch);
            var dev = model.Device;
            // The floor, in this process at this thread count: the derivative net's products at B·n points.
            MatmulFloor.Result? floor = model.Decoder is DerivSpec.Runtime.Decoding.DerivativeDecoder dd
                ? MatmulFloor.Measure(MatmulFloor.Widths(dd), (long)batch * dd.QuadratureOrder, dd.LatentDim, threads, dev)
                : null;
            // The per-operator floor: the loss's operators counted on the first batch, one operator's fixed cost timed here.
            OperatorFloor.Counts ops;
            model.Module.train();
            using (var inputs = FirstBatch.Of(data, batch, synth))
            using (var onDevice = inputs.To(dev))
                ops = OperatorFloor.Count(() => onDevice.Loss(model.Module).Stacked().sum());
            var costs = OperatorFloor.Measure(threads, dev);
            double opFloor = costs.Milliseconds(ops);
            double msPerStep = median / steps * 1000;
            var json = new Dictionary<string, object?>
            {
                ["case"] = name,
                ["device"] = dev.type == TorchSharp.DeviceType.CUDA ? $"cuda:{Math.Max(0, dev.index)}" : "cpu",
                ["threads"] = threads,
                ["samples"] = n,
                ["features"] = data.VarCount,
                ["families"] = model.FamilyNames.Count,
                ["batch"] = batch,
                ["integration"] = integration,
                ["steps_per_epoch"] = steps,
                ["measured_epochs"] = measured,
                ["median_s_per_epoch"] = Math.Round(median, 5),
                ["ms_per_step"] = Math.Round(msPerStep, 3),
                ["floor_ms_per_step"] = floor is null ? null : Math.Round(floor.Milliseconds, 3),
                ["x_floor"] = floor is null ? null : Math.Round(msPerStep / floor.Milliseconds, 2),
                ["floor_gflops"] = floor is null ? null : Math.Round(floor.Gflops, 2),
                ["ops_per_step"] = ops.Total,
                ["ops_with_gradient"] = ops.Gradient,
                ["us_per_op"] = Math.Round(costs.GradientMicroseconds, 2),
                ["us_per_op_no_grad"] = Math.Round(costs.PlainMicroseconds, 2),
                ["op_floor_ms_per_step"] = Math.Round(opFloor, 3),
                ["x_both_floors"] = floor is null ? null : Math.Round(msPerStep / (floor.Milliseconds + opFloor), 2),
                ["median_cpu_s_per_epoch"] = Math.Round(cpuMedian, 5),
                ["user_s"] = Math.Round(userS, 3),
                ["sys_s"] = Math.Round(sysS, 3),
                ["malloc_tuned"] = DerivSpec.Runtime.Native.NativeAllocator.IsTuned,
                ["training_thread"] = workerThread ? "worker" : "main",
                ["samples_per_s"] = Math.Round(n / median, 1),
                ["peak_rss_mb"] = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
                ["final_loss"] = Math.Round(history[^1].Loss, 3),
                ["machine"] = $"{Environment.ProcessorCount} cpu, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            };
            return JsonSerializer.Serialize(json);
        }
    }
}

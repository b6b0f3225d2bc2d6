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
/// The <c>atlas</c> case: memory and load time at atlas scale. Writes a sparse count table (default 200,000 cells ×
/// 20,000 genes, ≈ 3 % stored, counts 1 + Geometric(0.5)) row by row with <see cref="H5adCsrWriter"/>, loads it with
/// <see cref="H5adReader"/> (CSR, kept sparse), validates it once for counts, trains the scRNA model (ZINB, K = 3) for
/// 50 steps of batch 128 on as many cells drawn from the loaded table (one epoch over them), and passes every cell
/// through the encoder (<see cref="CollapsedVaeModel.Latent"/>, in chunks, densifying only a chunk of rows at a time).
/// Prints one JSON line with the times and the process's peak resident memory.
/// </summary>
internal static class AtlasCase
{
    /// <summary>The case's options.</summary>
    public sealed record Settings(int Cells, int Genes, double Density, int Steps, string? File)
    {
        public IEnumerable<string> ToArgs()
        {
            yield return "--atlas-cells"; yield return Cells.ToString(CultureInfo.InvariantCulture);
            yield return "--atlas-genes"; yield return Genes.ToString(CultureInfo.InvariantCulture);
            yield return "--atlas-density"; yield return Density.ToString("R", CultureInfo.InvariantCulture);
            yield return "--atlas-steps"; yield return Steps.ToString(CultureInfo.InvariantCulture);
            if (File is not null) { yield return "--atlas-file"; yield return File; }
        }
    }

    private const int Batch = 128;

    public static string Run(Settings s, string device, int? threadsArg, string integration, TextWriter log, CancellationToken ct)
    {
        string path = s.File ?? Path.Combine(Path.GetTempPath(), $"derivspec-atlas-{Guid.NewGuid():N}.h5ad");
        int threads = threadsArg ?? Environment.ProcessorCount;
        try
        {
            var watch = Stopwatch.StartNew();
            long stored = Write(path, s, ct);
            double writeS = watch.Elapsed.TotalSeconds;
            long fileBytes = new FileInfo(path).Length;
            log.WriteLine(FormattableString.Invariant($"  atlas: wrote {s.Cells} × {s.Genes}, {stored} stored counts, {fileBytes / 1048576.0:F0} MB in {writeS:F1} s"));
            GC.Collect();
            GC.WaitForPendingFinalizers();

            watch.Restart();
            var data = H5adReader.Read(path);
            double loadS = watch.Elapsed.TotalSeconds;
            double peakAfterLoad = PeakMb();
            log.WriteLine(FormattableString.Invariant($"  atlas: loaded in {loadS:F1} s: {data.X}"));
            watch.Restart();
            data.Validate(ValueSupport.Counts, data.VarCount);
            double validateS = watch.Elapsed.TotalSeconds;

            const long seed = 1;
            var rng = new Random(7);
            int cells = Math.Min(data.ObsCount, s.Steps * Batch);
            var rows = Enumerable.Range(0, data.ObsCount).OrderBy(_ => rng.Next()).Take(cells).OrderBy(i => i).ToArray();
            var train = data.SelectObs(rows);
            Seeding.Set(seed);
            using var model = new BasisDeVAE(DerivSpec.Examples.SingleCell.Scrna.Create(data.VarCount), DerivSpec.Examples.SingleCell.Scrna.Defaults,
                new ModelOptions { Seed = seed });
            IntegrationRules.Apply(model, integration);
            watch.Restart();
            var history = model.Train(train, new TrainOptions { Epochs = 1, BatchSize = Batch, Seed = seed, Device = device, Threads = threads, Cancellation = ct });
            double trainS = watch.Elapsed.TotalSeconds;
            double peakAfterTrain = PeakMb();
            int steps = (cells + Batch - 1) / Batch;
            log.WriteLine(FormattableString.Invariant($"  atlas: {steps} steps in {trainS:F1} s, loss {history[^1].Loss:G6}"));
            watch.Restart();
            var z = model.Latent(data);
            double latentS = watch.Elapsed.TotalSeconds;
            var json = new Dictionary<string, object?>
            {
                ["case"] = "atlas",
                ["device"] = model.Device.type == TorchSharp.DeviceType.CUDA ? $"cuda:{Math.Max(0, model.Device.index)}" : "cpu",
                ["threads"] = threads,
                ["cells"] = data.ObsCount,
                ["genes"] = data.VarCount,
                ["stored_values"] = data.X.StoredValues,
                ["file_mb"] = Math.Round(fileBytes / 1048576.0, 1),
                ["write_s"] = Math.Round(writeS, 2),
                ["load_s"] = Math.Round(loadS, 2),
                ["validate_s"] = Math.Round(validateS, 3),
                ["train_cells"] = cells,
                ["batch"] = Batch,
                ["steps"] = steps,
                ["train_s"] = Math.Round(trainS, 2),
                ["ms_per_step"] = Math.Round(trainS / steps * 1000, 1),
                ["latent_s"] = Math.Round(latentS, 2),
                ["latent_rows"] = z.GetLength(0),
                ["integration"] = integration,
                ["peak_rss_after_write_and_load_mb"] = peakAfterLoad,
                ["peak_rss_after_train_mb"] = peakAfterTrain,
                ["peak_rss_mb"] = PeakMb(),
                ["machine"] = $"{Environment.ProcessorCount} cpu, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}",
            };
            return JsonSerializer.Serialize(json);
        }
        finally
        {
            if (s.File is null && File.Exists(path)) File.Delete(path);
        }
    }

    private static double PeakMb()
    {
        using var self = Process.GetCurrentProcess();
        return Math.Round(self.PeakWorkingSet64 / 1048576.0, 1);
    }

    /// <summary>
    /// Two passes over per-row generators (row i seeded with i): the first counts the stored values (the file announces
    /// them), the second writes the rows. Row i stores k_i ~ U(0.5, 1.5)·density·genes distinct genes.
    /// </summary>
    private static long Write(string path, Settings s, CancellationToken ct)
    {
        int RowLength(int i) => (int)Math.Min(s.Genes, Math.Round(s.Density * s.Genes * (0.5 + new Random(i).NextDouble())));
        long stored = 0;
        for (int i = 0; i < s.Cells; i++) stored += RowLength(i);
        using var writer = new H5adCsrWriter(path, s.Cells, s.Genes, stored);
        var mark = new bool[s.Genes];
        var cols = new int[s.Genes];
        var vals = new float[s.Genes];
        for (int i = 0; i < s.Cells; i++)
        {
            if ((i & 4095) == 0) ct.ThrowIfCancellationRequested();
            var r = new Random(i);
            r.NextDouble();   // the draw RowLength used
            int k = RowLength(i), n = 0;
            while (n < k)
            {
                int j = r.Next(s.Genes);
                if (mark[j]) continue;
                mark[j] = true;
                cols[n++] = j;
            }
            Array.Sort(cols, 0, k);
            for (int m = 0; m < k; m++)
            {
                mark[cols[m]] = false;
                int c = 1;
                while (r.NextDouble() < 0.5) c++;
                vals[m] = c;
            }
            writer.AppendRow(cols.AsSpan(0, k), vals.AsSpan(0, k));
        }
        writer.Complete();
        return stored;
    }
}

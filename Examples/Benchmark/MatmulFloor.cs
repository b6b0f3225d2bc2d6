using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using DerivSpec.Runtime.Decoding;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Examples.Benchmark;

/// <summary>
/// The hardware floor of a training step: the derivative network's matrix products alone, forward and backward, at the
/// points the paper's per-sample rule evaluates it (B·n, n Gauss–Legendre nodes per sample), timed as sgemm (bmm over
/// the P latent groups) in this process at this thread count. For every layer of widths (a, b) at M points: the forward
/// [M, a]·[a, b], the input gradient [M, b]·[b, a] and the weight gradient [a, M]·[M, b] — 6·M·a·b FLOPs.
/// Nothing else of a step (activations, integration, likelihood, encoder, Adam) is counted, so no implementation can
/// go below it.
/// </summary>
internal static class MatmulFloor
{
    /// <summary>The floor's figures.</summary>
    /// <param name="Points">M = B·n points per latent group.</param>
    /// <param name="Flops">Forward + backward FLOPs of the net's layers at M points, all groups.</param>
    /// <param name="Milliseconds">Measured time of those products (median of repetitions).</param>
    public sealed record Result(long Points, double Flops, double Milliseconds)
    {
        /// <summary>The measured rate, GFLOP/s.</summary>
        public double Gflops => Flops / (Milliseconds * 1e6);
    }

    /// <summary>The layer widths of <paramref name="decoder"/>'s derivative network: 1, hidden…, d·K'.</summary>
    public static int[] Widths(DerivativeDecoder decoder)
    {
        var w = new List<int> { 1 };
        w.AddRange(decoder.Layout.DerivativeNet.Hidden);
        w.Add(decoder.Features * decoder.Layout.NetFamilies);
        return w.ToArray();
    }

    /// <summary>Times the products for <paramref name="groups"/> groups of <paramref name="points"/> points through
    /// layers <paramref name="widths"/> on <paramref name="device"/> with <paramref name="threads"/> CPU threads.</summary>
    public static Result Measure(IReadOnlyList<int> widths, long points, int groups, int threads, Device device, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Count < 2) throw new ArgumentException("A network has at least an input and an output width.", nameof(widths));
        int previous = torch.get_num_threads();
        if (threads != previous) torch.set_num_threads(threads);
        try
        {
            using var scope = torch.NewDisposeScope();
            var shapes = new List<(Tensor A, Tensor B)>();
            double flops = 0;
            for (int l = 0; l + 1 < widths.Count; l++)
            {
                long a = widths[l], b = widths[l + 1];
                flops += 6.0 * groups * points * a * b;
                shapes.Add((torch.rand(groups, points, a, dtype: dtype, device: device), torch.rand(groups, a, b, dtype: dtype, device: device)));   // forward
                shapes.Add((torch.rand(groups, points, b, dtype: dtype, device: device), torch.rand(groups, b, a, dtype: dtype, device: device)));   // input gradient
                shapes.Add((torch.rand(groups, a, points, dtype: dtype, device: device), torch.rand(groups, points, b, dtype: dtype, device: device))); // weight gradient
            }
            // Outputs allocated once and overwritten (addmm_ with β = 0): the floor has no allocation in it.
            var products = shapes.SelectMany(s =>
            {
                var o = torch.bmm(s.A, s.B);
                return Enumerable.Range(0, groups).Select(g => (Out: o[g], A: s.A[g], B: s.B[g]));
            }).ToArray();
            void Once()
            {
                foreach (var (o, a, b) in products) o.addmm_(a, b, beta: 0, alpha: 1);
                if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
            }
            return new Result(points, flops, MedianMilliseconds(Once, warmup: 3, secondsPerSample: 0.3));
        }
        finally
        {
            if (torch.get_num_threads() != previous) torch.set_num_threads(previous);
        }
    }

    /// <summary>Milliseconds per call of <paramref name="once"/>: after <paramref name="warmup"/> calls, enough calls for
    /// about <paramref name="secondsPerSample"/> s per sample, the median of 7 samples (the least disturbed by other
    /// processes on a shared machine). Shared by the matrix and the operator floor.</summary>
    internal static double MedianMilliseconds(Action once, int warmup, double secondsPerSample)
    {
        for (int i = 0; i < warmup; i++) once();
        var watch = Stopwatch.StartNew();
        int reps = 0;
        while (watch.Elapsed.TotalSeconds < 0.05 || reps < 3) { once(); reps++; }
        int perSample = Math.Max(1, (int)(reps * secondsPerSample / watch.Elapsed.TotalSeconds));
        var samples = new double[7];
        for (int s = 0; s < samples.Length; s++)
        {
            watch.Restart();
            for (int r = 0; r < perSample; r++) once();
            samples[s] = watch.Elapsed.TotalMilliseconds / perSample;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }
}

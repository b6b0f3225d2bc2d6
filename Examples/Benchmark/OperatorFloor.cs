using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Examples.Benchmark;

/// <summary>
/// The per-operator floor of a training step, next to <see cref="MatmulFloor"/>: what the step's operators cost when
/// they do no arithmetic worth counting. One operator's fixed cost — TorchSharp's call into libtorch, the managed tensor
/// and its dispose-scope entry, libtorch's dispatcher, and for an operator that records a gradient its autograd node
/// and the backward operator it adds — is timed in this process, at this thread count, on a 4 × 4 tensor. The step's
/// operators are counted from one forward pass of its loss: the tensors the pass creates, split into those that record a
/// gradient and those that do not (index arithmetic, masks, detached statistics).
/// <para>
/// An implementation with the same operators cannot run below <c>Gradient·c_grad + Plain·c_plain</c> plus the matrix
/// floor; one with fewer operators can. Not counted: Adam (in place, over one flat buffer) and the few operators of
/// backward that have no forward tensor of their own (the seed gradient, accumulation into the leaves).
/// </para>
/// </summary>
internal static class OperatorFloor
{
    /// <summary>Operators of one forward pass: those that record a gradient and those that do not.</summary>
    public sealed record Counts(int Gradient, int Plain)
    {
        /// <summary>All of them.</summary>
        public int Total => Gradient + Plain;
    }

    /// <summary>Measured fixed cost of one operator, microseconds: with a gradient (forward and its backward), and without.</summary>
    public sealed record Costs(double GradientMicroseconds, double PlainMicroseconds)
    {
        /// <summary>The floor of a step with <paramref name="counts"/> operators, milliseconds.</summary>
        public double Milliseconds(Counts counts) =>
            (counts.Gradient * GradientMicroseconds + counts.Plain * PlainMicroseconds) / 1000.0;
    }

    /// <summary>Counts the tensors <paramref name="forward"/> creates (run once in a fresh dispose scope).</summary>
    public static Counts Count(Action forward)
    {
        ArgumentNullException.ThrowIfNull(forward);
        using var scope = NewDisposeScope();
        forward();
        var tensors = scope.DisposablesView.OfType<Tensor>().ToArray();
        int gradient = tensors.Count(t => !t.IsInvalid && t.requires_grad);
        return new Counts(gradient, tensors.Length - gradient);
    }

    /// <summary>Times one operator's fixed cost on <paramref name="device"/> with <paramref name="threads"/> CPU threads:
    /// chains of 200 multiplications of a 4 × 4 tensor, with a gradient (then backward through the chain) and without;
    /// the median of 7 samples of about 0.2 s each.</summary>
    public static Costs Measure(int threads, Device device)
    {
        int previous = torch.get_num_threads();
        if (threads != previous) torch.set_num_threads(threads);
        try
        {
            const int chain = 200;
            using var factor = torch.full(4, 4, 1.0f, device: device);
            using var leaf = torch.ones(4, 4, device: device).requires_grad_(true);
            void WithGradient()
            {
                using var scope = NewDisposeScope();
                var y = leaf;
                for (int i = 0; i < chain; i++) y = y * factor;
                y.sum().backward();
                leaf.grad?.zero_();
            }
            void Plain()
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var y = factor;
                for (int i = 0; i < chain; i++) y = y * factor;
            }
            return new Costs(PerOperator(WithGradient, chain, device), PerOperator(Plain, chain, device));
        }
        finally
        {
            if (torch.get_num_threads() != previous) torch.set_num_threads(previous);
        }
    }

    private static double PerOperator(Action once, int chain, Device device) =>
        MatmulFloor.MedianMilliseconds(() =>
        {
            once();
            if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
        }, warmup: 20, secondsPerSample: 0.2) * 1000.0 / chain;
}

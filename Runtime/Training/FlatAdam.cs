using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// Adam over ONE flat parameter buffer: every parameter of the module is re-pointed (<c>set_</c>) at a slice of a single
/// contiguous tensor, and its <c>.grad</c> at the matching slice of a single gradient buffer (autograd accumulates into
/// an existing gradient in place). A step is then a handful of element-wise ops regardless of how many parameter
/// tensors the model has, and a snapshot/restore of the whole state is one copy each.
/// Call only after the module has been moved to its final device/dtype (moving replaces parameter tensors).
/// </summary>
public sealed class FlatAdam : IDisposable
{
    private readonly Parameter[] parameters;
    private readonly Tensor flat, grad, m, v;
    private readonly double lr, beta1, beta2, eps;
    private long step;
    private Tensor? lrScale;      // per-element learning-rate factor, null = 1 everywhere

    /// <summary>Flattens the parameters of <paramref name="parameters"/> (all must share one device and dtype).</summary>
    public FlatAdam(IEnumerable<Parameter> parameters, double lr = 5e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        this.parameters = parameters.Where(p => p.requires_grad).ToArray();
        if (this.parameters.Length == 0) throw new ArgumentException("The model has no trainable parameters.", nameof(parameters));
        this.lr = lr; this.beta1 = beta1; this.beta2 = beta2; this.eps = eps;
        var first = this.parameters[0];
        foreach (var p in this.parameters)
            if (p.dtype != first.dtype || p.device.ToString() != first.device.ToString())
                throw new ArgumentException($"All parameters must share one device and dtype ({first.device}, {first.dtype}); found {p.device}, {p.dtype}.");
        long total = this.parameters.Sum(p => p.numel());
        flat = torch.empty(total, dtype: first.dtype, device: first.device);
        grad = torch.zeros(total, dtype: first.dtype, device: first.device);
        m = torch.zeros(total, dtype: first.dtype, device: first.device);
        v = torch.zeros(total, dtype: first.dtype, device: first.device);
        using (torch.no_grad())
        using (torch.NewDisposeScope())               // the narrow/view wrappers below are temporary
        {
            long offset = 0;
            foreach (var p in this.parameters)
            {
                long n = p.numel();
                var slice = flat.narrow(0, offset, n).view(p.shape);
                slice.copy_(p);
                p.set_(slice);          // re-points p at the slice (returns p itself)
                p.grad = grad.narrow(0, offset, n).view(p.shape);
                offset += n;
            }
        }
        Count = total;
    }

    /// <summary>Total number of scalar parameters.</summary>
    public long Count { get; }

    /// <summary>Steps taken.</summary>
    public long Steps => step;

    /// <summary>The flat parameter buffer (a view of every parameter).</summary>
    public Tensor Parameters => flat;

    /// <summary>The flat gradient buffer.</summary>
    public Tensor Gradients => grad;

    /// <summary>
    /// Multiplies the learning rate of <paramref name="parameter"/> (one of the optimised parameters) by
    /// <paramref name="factor"/> (&gt; 0) from the next step on.
    /// </summary>
    public void ScaleLearningRate(Parameter parameter, double factor)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!(factor > 0) || double.IsInfinity(factor)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The learning-rate factor must be finite and > 0.");
        long offset = 0;
        foreach (var p in parameters)
        {
            if (ReferenceEquals(p, parameter) || p.Handle == parameter.Handle)
            {
                using var scope = torch.NewDisposeScope();
                using (torch.no_grad())
                {
                    lrScale ??= torch.ones_like(flat).DetachFromDisposeScope();
                    lrScale.narrow(0, offset, p.numel()).fill_(factor);
                }
                return;
            }
            offset += p.numel();
        }
        throw new ArgumentException("The parameter is not one of this optimiser's parameters.", nameof(parameter));
    }

    /// <summary>One Adam step from the accumulated gradients, then zeroes them. No host synchronisation.</summary>
    public void Step()
    {
        step++;
        double bc1 = 1 - Math.Pow(beta1, step), bc2 = 1 - Math.Pow(beta2, step);
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            m.mul_(beta1).add_(grad, 1 - beta1);
            v.mul_(beta2).addcmul_(grad, grad, 1 - beta2);
            using var denom = v.sqrt();
            denom.div_(Math.Sqrt(bc2)).add_(eps);
            if (lrScale is not null) denom.div_(lrScale);   // step ∝ lr·factor
            flat.addcdiv_(m, denom, -lr / bc1);
            grad.zero_();
        }
    }

    /// <summary>Zeroes the gradient buffer.</summary>
    public void ZeroGrad()
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad()) grad.zero_();
    }

    /// <summary>A snapshot holder of the same size (parameters, m, v, step).</summary>
    public Snapshot CreateSnapshot() => new(flat.clone(), m.clone(), v.clone(), step);

    /// <summary>Writes the current state into <paramref name="s"/> (three device copies, no host sync).</summary>
    public void Save(Snapshot s)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            s.Parameters.copy_(flat);
            s.M.copy_(m);
            s.V.copy_(v);
        }
        s.Step = step;
    }

    /// <summary>Restores the state saved in <paramref name="s"/>.</summary>
    public void Restore(Snapshot s)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            flat.copy_(s.Parameters);
            m.copy_(s.M);
            v.copy_(s.V);
            grad.zero_();
        }
        step = s.Step;
    }

    /// <summary>A saved optimiser state.</summary>
    public sealed class Snapshot : IDisposable
    {
        internal Snapshot(Tensor p, Tensor m, Tensor v, long step) { Parameters = p; M = m; V = v; Step = step; }
        internal Tensor Parameters { get; }
        internal Tensor M { get; }
        internal Tensor V { get; }
        internal long Step { get; set; }
        /// <inheritdoc />
        public void Dispose() { Parameters.Dispose(); M.Dispose(); V.Dispose(); }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Parameters keep viewing `flat` (its storage stays alive through them); only the optimiser state is released.
        flat.Dispose(); grad.Dispose(); m.Dispose(); v.Dispose(); lrScale?.Dispose();
    }
}

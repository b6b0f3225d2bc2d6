using System;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Quadrature;

/// <summary>
/// A module that holds a Gauss–Legendre rule as registered buffers (<c>nodes</c>, <c>weights</c>, shape [n], on
/// [-1, 1]) so that <c>.to(device)</c> / <c>.to(dtype)</c> move them with the decoder that owns it. The buffers are not
/// trained; they are persistent (TorchSharp 0.107 moves only persistent buffers on <c>.to</c>), so they appear in state dicts.
/// </summary>
public sealed class GaussLegendreBuffers : nn.Module
{
    /// <summary>The rule the buffers were built from (double precision, host side).</summary>
    public GaussLegendre Rule { get; }

    /// <summary>Order n of the rule.</summary>
    public int Order => Rule.Order;

    /// <summary>Creates the buffers for order <paramref name="order"/> (1..100).</summary>
    /// <exception cref="ArgumentOutOfRangeException">order is outside 1..100.</exception>
    public GaussLegendreBuffers(int order, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(GaussLegendreBuffers))
    {
        Rule = GaussLegendre.Create(order);
        var half = new double[order];
        for (int i = 0; i < order; i++) half[i] = 0.5 * (Rule.Nodes[i] + 1.0);
        register_buffer("nodes", torch.tensor(Rule.Nodes, dtype: ScalarType.Float64).to(dtype), persistent: true);
        register_buffer("weights", torch.tensor(Rule.Weights, dtype: ScalarType.Float64).to(dtype), persistent: true);
        register_buffer("unit_nodes", torch.tensor(half, dtype: ScalarType.Float64).to(dtype), persistent: true);
        if (device is not null) this.to(device);
    }

    /// <summary>Nodes u_i on [-1, 1], shape [n], on the module's device and dtype.</summary>
    public Tensor Nodes => get_buffer("nodes")!;

    /// <summary>Weights w_i, shape [n] (sum 2).</summary>
    public Tensor Weights => get_buffer("weights")!;

    /// <summary>Nodes mapped to [0, 1]: (u_i + 1) / 2, shape [n].</summary>
    public Tensor UnitNodes => get_buffer("unit_nodes")!;

    /// <summary>
    /// The integration points τ_i = z·(u_i + 1)/2 of ∫_0^z for every element of <paramref name="upper"/>:
    /// shape [..., n] for <paramref name="upper"/> of shape [...].
    /// </summary>
    public Tensor Points(Tensor upper) => upper.unsqueeze(-1) * UnitNodes;

    /// <summary>
    /// ∫_0^z f(τ) dτ ≈ z/2 · Σ_i w_i f(τ_i), where <paramref name="values"/> holds f at <see cref="Points"/> along dimension
    /// <paramref name="nodeDim"/> and <paramref name="upper"/> broadcasts against the result (the node dimension removed).
    /// </summary>
    public Tensor Integrate(Tensor upper, Tensor values, long nodeDim = -1)
    {
        long nd = nodeDim < 0 ? values.dim() + nodeDim : nodeDim;
        var shape = new long[values.dim()];
        for (int i = 0; i < shape.Length; i++) shape[i] = i == nd ? Order : 1;
        using var w = Weights.reshape(shape);
        using var s = (values * w).sum(dim: nd);
        return s * upper * 0.5;
    }

    /// <inheritdoc />
    protected override nn.Module _to(Device device, ScalarType dtype, bool nonBlocking)
    {
        var m = base._to(device, dtype, nonBlocking);
        Refill();
        return m;
    }

    /// <inheritdoc />
    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool nonBlocking)
    {
        var m = base._to(deviceType, deviceIndex, nonBlocking);
        Refill();
        return m;
    }

    /// <inheritdoc />
    protected override nn.Module _to(ScalarType dtype, bool nonBlocking)
    {
        var m = base._to(dtype, nonBlocking);
        Refill();
        return m;
    }

    /// <summary>After a dtype change, re-fills the buffers from the double-precision rule (a float32 → float64 cast would
    /// keep only float32 accuracy).</summary>
    private void Refill()
    {
        using var _ = torch.no_grad();
        var half = new double[Order];
        for (int i = 0; i < Order; i++) half[i] = 0.5 * (Rule.Nodes[i] + 1.0);
        using (var t = torch.tensor(Rule.Nodes, dtype: ScalarType.Float64)) Nodes.copy_(t);
        using (var t = torch.tensor(Rule.Weights, dtype: ScalarType.Float64)) Weights.copy_(t);
        using (var t = torch.tensor(half, dtype: ScalarType.Float64)) UnitNodes.copy_(t);
    }
}

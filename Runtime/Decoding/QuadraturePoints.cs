using System;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Decoding;

/// <summary>
/// One forward pass's quadrature state: for z [B, P] the nodes τ_i = z/2·(u_i + 1), the derivative network evaluated
/// once at all B·n·P nodes, and the constrained parameters (computed once per pass). Generated family code composes
/// these primitives. Shapes (d = features, n = order):
/// <list type="bullet">
/// <item>outer values (at z): <see cref="Z"/> [B, P, 1], <see cref="Outer"/> parameters [P, d] → results [B, P, d];</item>
/// <item>inner values (at τ): <see cref="Tau"/> [B, P, n, 1], <see cref="Inner"/> parameters [P, 1, d],
///   <see cref="Net"/> [B, P, n, d] → integrands [B, P, n, d];</item>
/// <item><see cref="Integrate"/> reduces an integrand over the nodes: [B, P, n, d] → [B, P, d].</item>
/// </list>
/// Tensors belong to the caller's dispose scope.
/// </summary>
public sealed class QuadraturePoints
{
    private readonly DerivativeDecoder _decoder;
    private readonly Tensor?[] _values;
    private readonly Tensor? _net;
    private Tensor? _zMinusTau;
    private Tensor? _scaledWeights;

    internal QuadraturePoints(DerivativeDecoder decoder, Tensor z)
    {
        _decoder = decoder;
        _values = new Tensor?[decoder.Layout.Parameters.Count];
        Z = z.unsqueeze(-1);
        HalfZ = Z * 0.5;
        var tau = Z * decoder.Quadrature.UnitNodes;      // [B, P, n]: z·(u_i + 1)/2
        Tau = tau.unsqueeze(-1);
        if (decoder.Layout.NetFamilies > 0) _net = decoder.DerivativeNetwork(tau);
    }

    /// <summary>z as an outer value: [B, P, 1].</summary>
    public Tensor Z { get; }

    /// <summary>z/2: [B, P, 1].</summary>
    public Tensor HalfZ { get; }

    /// <summary>The nodes τ_i = z/2·(u_i + 1) as an inner value: [B, P, n, 1].</summary>
    public Tensor Tau { get; }

    /// <summary>z − τ_i = z/2·(1 − u_i): [B, P, n, 1] (the kernel of the second-order rule).</summary>
    public Tensor ZMinusTau => _zMinusTau ??= (Z - Tau.squeeze(-1)).unsqueeze(-1);

    /// <summary>The derivative network's raw outputs for net slot <paramref name="slot"/> at the nodes: [B, P, n, d].</summary>
    public Tensor Net(int slot)
    {
        if (_net is null) throw new InvalidOperationException("No family of this decoder uses the derivative network.");
        return _net[slot];
    }

    /// <summary>Constrained parameter <paramref name="index"/> shaped for outer use: [d] or [P, d].</summary>
    public Tensor Outer(int index) => _values[index] ??= _decoder.ParameterValue(index);

    /// <summary>Constrained parameter <paramref name="index"/> shaped for inner use (broadcasts against the nodes):
    /// [1, d] for per-feature, [P, 1, d] for per-latent parameters.</summary>
    public Tensor Inner(int index) => Outer(index).unsqueeze(-2);

    /// <summary>A constant as an outer value: [B, P, 1] filled with <paramref name="value"/>.</summary>
    public Tensor Constant(double value) => full_like(Z, value);

    /// <summary>A constant as an inner value: [B, P, n, 1] filled with <paramref name="value"/>.</summary>
    public Tensor InnerConstant(double value) => full_like(Tau, value);

    /// <summary>∫_0^z f(τ) dτ ≈ z/2·Σ_i w_i f(τ_i): integrand [B, P, n, d] (or broadcastable to [B, P, n, ·]) →
    /// [B, P, d].</summary>
    public Tensor Integrate(Tensor integrand)
    {
        var f = integrand;
        long n = _decoder.QuadratureOrder;
        if (f.dim() != 4 || f.shape[2] != n || f.shape[0] != Tau.shape[0] || f.shape[1] != Tau.shape[1])
            f = broadcast_tensors(f, Tau)[0];
        // (z/2)·wᵢ for every sample and latent dimension, [B, P, n, 1], computed once per pass: one batched matmul
        // per integral does the weighting, the sum over nodes and the z/2 scaling.
        _scaledWeights ??= (HalfZ * _decoder.Quadrature.Weights).unsqueeze(-1);
        return matmul(f.transpose(-1, -2), _scaledWeights).squeeze(-1);
    }

    /// <summary>The second-order rule s(z) = v0·z + ∫_0^z (z − τ) e(τ) dτ: v0 [P, d], e at the nodes → [B, P, d].</summary>
    public Tensor SecondOrder(Tensor v0, Tensor secondDerivative) => v0 * Z + Integrate(ZMinusTau * secondDerivative);

    /// <summary>Family output before any output map: x = x0 + Σ_p s_p → [B, d] (s: [B, P, d] or [B, P, 1]).</summary>
    public Tensor Assemble(Tensor x0, Tensor shape)
    {
        if (shape.dim() != 3) return x0 + shape;
        // Σ_p over the latent dimension; for P = 1 a view.
        var s = shape.shape[1] == 1 ? shape.squeeze(1) : shape.sum(dim: 1);
        return x0 + s;
    }
}

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
/// <item><see cref="Integrate(TorchSharp.torch.Tensor)"/> reduces an integrand over the nodes: [B, P, n, d] → [B, P, d].</item>
/// </list>
/// Tensors belong to the caller's dispose scope.
/// </summary>
public sealed class QuadraturePoints
{
    private readonly DerivativeDecoder _decoder;
    private readonly Tensor?[] _values;
    private readonly Tensor? _net;          // [P, B, m, K', d]: the network's output as its last layer wrote it
    private Tensor[]? _netSlots;            // per slot: [B, P, m, d] views of _net
    private Tensor[]? _softplusSlots;       // per slot: [B, P, m, d] views of softplus(_net)
    private Tensor? _zMinusTau;
    private Tensor? _scaledWeights;
    private Tensor? _shiftWeights;

    private readonly SharedGrid? _grid;
    private readonly FixedGrid? _fixed;

    internal QuadraturePoints(DerivativeDecoder decoder, Tensor z)
    {
        _decoder = decoder;
        _values = new Tensor?[decoder.Layout.Parameters.Count];
        Z = z.unsqueeze(-1);
        HalfZ = Z * 0.5;
        Tensor tau;
        if (decoder.Integration == IntegrationRule.ShapePreserving)
        {
            _fixed = new FixedGrid(z, decoder.FixedTables(z));
            Tau = _fixed.Points;                         // [1, P, 2N + 1, 1]: the same knots for every batch
            tau = Tau.squeeze(-1);
        }
        else if (decoder.Integration == IntegrationRule.SharedGrid)
        {
            _grid = new SharedGrid(z, decoder.GridOptions, decoder.GridCellRule(z));
            Tau = _grid.Points;                          // [1, P, M, 1]: shared by the batch
            tau = Tau.squeeze(-1);
        }
        else
        {
            tau = Z * decoder.Quadrature.UnitNodes;      // [B, P, n]: z·(u_i + 1)/2
            Tau = tau.unsqueeze(-1);
        }
        if (decoder.Layout.NetFamilies > 0) _net = decoder.NetworkOutput(tau);
    }

    /// <summary>The rule this pass integrates with.</summary>
    public IntegrationRule Rule => _fixed is not null ? IntegrationRule.ShapePreserving : _grid is not null ? IntegrationRule.SharedGrid : IntegrationRule.GaussLegendre;

    private bool SharedPoints => _grid is not null || _fixed is not null;

    /// <summary>z as an outer value: [B, P, 1].</summary>
    public Tensor Z { get; }

    /// <summary>z/2: [B, P, 1].</summary>
    public Tensor HalfZ { get; }

    /// <summary>The points where integrands are evaluated, as an inner value: the nodes τ_i = z/2·(u_i + 1), [B, P, n, 1],
    /// under <see cref="IntegrationRule.GaussLegendre"/>; the fixed knots, [1, P, 2N + 1, 1], under
    /// <see cref="IntegrationRule.ShapePreserving"/> (the default); the shared grid's points, [1, P, M, 1], under
    /// <see cref="IntegrationRule.SharedGrid"/>.</summary>
    public Tensor Tau { get; }

    /// <summary>z − τ_i = z/2·(1 − u_i): [B, P, n, 1] (the kernel of the second-order rule; Gauss–Legendre only).</summary>
    public Tensor ZMinusTau => !SharedPoints
        ? _zMinusTau ??= (Z - Tau.squeeze(-1)).unsqueeze(-1)
        : throw new InvalidOperationException("z − τ depends on the sample; under the grid rules write ∫(z − τ)e dτ as z·∫e − ∫τe (SecondOrder does).");

    /// <summary>The derivative network's raw outputs for net slot <paramref name="slot"/> at the nodes: [B, P, n, d]
    /// (a strided view of the network's output).</summary>
    public Tensor Net(int slot) => (_netSlots ??= Slots(NetOutput))[slot];

    /// <summary>softplus of <see cref="Net"/>(<paramref name="slot"/>): [B, P, n, d]. The first call applies softplus to
    /// every slot's outputs at once (one operation over [P, B, n, K', d] instead of one per slot), and every slot reads a
    /// view of it: the generator emits this for <c>softplus(net)</c> when every family that uses <c>net</c> uses it only
    /// as <c>softplus(net)</c>. The values are those of <c>softplus(Net(slot))</c>.</summary>
    public Tensor SoftplusNet(int slot) => (_softplusSlots ??= Slots(nn.functional.softplus(NetOutput)))[slot];

    private Tensor NetOutput => _net ?? throw new InvalidOperationException("No family of this decoder uses the derivative network.");

    /// <summary>[P, B, m, K', d] → K' views [B, P, m, d]. unbind (not select) so that the slots' gradients go back in one
    /// stack into the network's own layout.</summary>
    private static Tensor[] Slots(Tensor output)
    {
        var slots = output.unbind(3);
        for (int k = 0; k < slots.Length; k++) slots[k] = slots[k].transpose(0, 1);
        return slots;
    }

    /// <summary>Constrained parameter <paramref name="index"/> shaped for outer use: [d] or [P, d].</summary>
    public Tensor Outer(int index) => _values[index] ??= _decoder.ParameterValue(index);

    /// <summary>Constrained parameter <paramref name="index"/> shaped for inner use (broadcasts against the nodes):
    /// [1, d] for per-feature, [P, 1, d] for per-latent parameters.</summary>
    public Tensor Inner(int index) => Outer(index).unsqueeze(-2);

    /// <summary>A constant as an outer value: [B, P, 1] filled with <paramref name="value"/> (rounded to the dtype:
    /// beyond its range, ±∞).</summary>
    public Tensor Constant(double value) => DecoderMath.Full(Z, value);

    /// <summary>A constant as an inner value: [B, P, n, 1] filled with <paramref name="value"/> (rounded to the dtype:
    /// beyond its range, ±∞).</summary>
    public Tensor InnerConstant(double value) => DecoderMath.Full(Tau, value);

    /// <summary>∫_0^z f(τ) dτ ≈ z/2·Σ_i w_i f(τ_i): integrand [B, P, n, d] (or broadcastable to [B, P, n, ·]) →
    /// [B, P, d].</summary>
    public Tensor Integrate(Tensor integrand) => Integrate(integrand, null);

    /// <summary>∫_0^z f(τ) dτ for an integrand known to change sign at the constant <paramref name="anchor"/> (see
    /// <see cref="Integrate(Tensor, Tensor?)"/>).</summary>
    public Tensor Integrate(Tensor integrand, double anchor) => Integrate(integrand, AnchorTensor(anchor));

    /// <summary>∫_0^z f(τ) dτ for an integrand known to change sign at <paramref name="anchor"/> (f(a) = 0; a constant in
    /// τ, broadcastable to [P, d]). The shape-preserving rule gives its interpolant a zero at a, so the integral turns
    /// exactly there; the other rules ignore the anchor. The generator passes the anchor the checker proved.</summary>
    public Tensor Integrate(Tensor integrand, Tensor? anchor)
    {
        // An integrand that is constant along some axis (a parameter, a constant) is broadcast to the points first.
        var f = integrand.dim() == 4 && integrand.shape[0] == Tau.shape[0] && integrand.shape[1] == Tau.shape[1] && integrand.shape[2] == Tau.shape[2]
            ? integrand
            : broadcast_tensors(integrand, Tau)[0];
        if (_fixed is not null) return _fixed.Integrate(f, anchor);   // rejects an integrand that depends on the sample
        if (_grid is not null) return _grid.Integrate(f);
        // Wide integrands: one contraction over the nodes ([1, n]·[n, d] per sample) reads the integrand once, forward
        // and backward. Narrow ones: an elementwise product and a sum, which at that size costs less than B·P tiny matmuls.
        return Contract(f)
            ? matmul(ScaledWeights.transpose(-1, -2), f).squeeze(-2)
            : (f * ScaledWeights).sum(dim: -2);
    }

    /// <summary>(z/2)·wᵢ for every sample and latent dimension, [B, P, n, 1]: the Gauss–Legendre weights of this pass,
    /// computed once.</summary>
    private Tensor ScaledWeights => _scaledWeights ??= (HalfZ * _decoder.Quadrature.Weights).unsqueeze(-1);

    /// <summary>Integrands at least this wide (features d) are integrated by a matmul over the nodes under the
    /// Gauss–Legendre rule; narrower ones by a product and a sum (Benchmark --profile: the product wins at the synthetic
    /// size, d = 50; the matmul at the single-cell size, d = 5216).</summary>
    public const long ContractionMinFeatures = 256;

    private static bool Contract(Tensor f) => f.shape[^1] >= ContractionMinFeatures;

    /// <summary>∫_0^z (τ − c)·e(τ) dτ with c constant in τ (a parameter [P, 1, d] or [1, d] as an inner value, or a
    /// tensor broadcastable to those): <paramref name="factor"/> is e at the points [B, P, n, d]. The shape-preserving
    /// and shared-grid rules integrate the product (τ − c)·e itself, exactly as <see cref="Integrate(Tensor, Tensor?)"/>
    /// does for it: the shape-preserving rule's zero at the anchor and its one-signed sums depend on that form. The
    /// Gauss–Legendre rule computes ∫τe − c·∫e by linearity, both integrals in one contraction over its nodes, so no
    /// [B, P, n, d] product (τ − c)·e is formed.</summary>
    public Tensor IntegrateShifted(Tensor factor, Tensor shift, Tensor? anchor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        ArgumentNullException.ThrowIfNull(shift);
        if (SharedPoints || !Contract(factor) || !SameAsPoints(factor)) return Integrate((Tau - shift) * factor, anchor);
        var r = ShiftedContraction(factor);
        var c = shift.dim() >= 2 && shift.shape[^2] == 1 ? shift.squeeze(-2) : shift;   // inner [.., 1, d] → outer [.., d]
        return addcmul(r.select(2, 0), c, r.select(2, 1), value: -1);
    }

    /// <summary>∫_0^z (τ − c)·e(τ) dτ for a number c (see <see cref="IntegrateShifted(Tensor, Tensor, Tensor?)"/>).</summary>
    public Tensor IntegrateShifted(Tensor factor, double shift, Tensor? anchor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        if (SharedPoints || !Contract(factor) || !SameAsPoints(factor)) return Integrate((Tau - shift) * factor, anchor);
        var r = ShiftedContraction(factor);
        return r.select(2, 0).add(r.select(2, 1), alpha: -shift);
    }

    /// <summary>∫_0^z (τ − c)·e(τ) dτ without an anchor.</summary>
    public Tensor IntegrateShifted(Tensor factor, Tensor shift) => IntegrateShifted(factor, shift, (Tensor?)null);

    /// <summary>∫_0^z (τ − c)·e(τ) dτ for a number c, without an anchor.</summary>
    public Tensor IntegrateShifted(Tensor factor, double shift) => IntegrateShifted(factor, shift, (Tensor?)null);

    /// <summary>∫_0^z (τ − c)·e(τ) dτ with a constant anchor.</summary>
    public Tensor IntegrateShifted(Tensor factor, Tensor shift, double anchor) => IntegrateShifted(factor, shift, AnchorTensor(anchor));

    /// <summary>∫_0^z (τ − c)·e(τ) dτ for a number c with a constant anchor.</summary>
    public Tensor IntegrateShifted(Tensor factor, double shift, double anchor) => IntegrateShifted(factor, shift, AnchorTensor(anchor));

    private Tensor? AnchorTensor(double anchor) => _fixed is null ? null : tensor(anchor, dtype: Z.dtype, device: Z.device);

    private bool SameAsPoints(Tensor f) =>
        f.dim() == 4 && f.shape[0] == Tau.shape[0] && f.shape[1] == Tau.shape[1] && f.shape[2] == Tau.shape[2];

    /// <summary>[B, P, 2, d]: Σᵢ (z/2)wᵢ·τᵢ·e(τᵢ) and Σᵢ (z/2)wᵢ·e(τᵢ) in one matmul (Gauss–Legendre only).</summary>
    private Tensor ShiftedContraction(Tensor factor)
    {
        _shiftWeights ??= cat(new[] { (ScaledWeights * Tau).transpose(-1, -2), ScaledWeights.transpose(-1, -2) }, -2);   // [B, P, 2, n]
        return matmul(_shiftWeights, factor);
    }

    /// <summary>The second-order rule s(z) = v0·z + ∫_0^z (z − τ) e(τ) dτ: v0 [P, d], e at the nodes → [B, P, d]
    /// (under the shared-grid rule as v0·z + z·∫e − ∫τe, whose integrands depend on τ only).</summary>
    public Tensor SecondOrder(Tensor v0, Tensor secondDerivative)
    {
        if (SharedPoints) return v0 * Z + Z * Integrate(secondDerivative) - Integrate(Tau * secondDerivative);
        if (!Contract(secondDerivative) || !SameAsPoints(secondDerivative)) return v0 * Z + Integrate(ZMinusTau * secondDerivative);
        // Gauss–Legendre, wide: the kernel (z − τᵢ) goes into the contraction's weights, not into a [B, P, n, d] product.
        var kernel = (ScaledWeights * ZMinusTau).transpose(-1, -2);                  // [B, P, 1, n]
        return v0 * Z + matmul(kernel, secondDerivative).squeeze(-2);
    }

    /// <summary>Whether families with an output map apply it (the decoder's <see cref="DerivativeDecoder.ApplyOutputMaps"/>);
    /// when false, they return x = x0 + Σ_p s_p, the value before the map.</summary>
    public bool ApplyOutputMaps => _decoder.ApplyOutputMaps;

    /// <summary>Family output before any output map: x = x0 + Σ_p s_p → [B, d] (s: [B, P, d] or [B, P, 1]).</summary>
    public Tensor Assemble(Tensor x0, Tensor shape)
    {
        // A shape that does not depend on z (made of parameters only) is [P, d]: it is s_p for every sample.
        if (shape.dim() == 2) shape = shape.unsqueeze(0);
        if (shape.dim() != 3) return x0 + shape;
        return x0 + SumOverLatent(shape, 1);
    }

    /// <summary>
    /// Σ_p s_p over the latent coordinates (dimension <paramref name="dim"/> of <paramref name="shape"/>); for P = 1 a
    /// view. For P &gt; 1 each term is first saturated to ±(largest finite value of the dtype)/(2P). One coordinate's term
    /// may be +∞ where another's is −∞ (each a value beyond the float range, e.g. exp of a large integral), and their sum
    /// would be ∞ − ∞ = NaN; with finite terms of at most that size no partial sum can overflow, in any order of
    /// summation. Saturation is nondecreasing, so monotonicity and unimodality in each coordinate are kept, and it changes
    /// only values that are beyond the float range already (≈ 8.5e37 in float32 for P = 2).
    /// </summary>
    internal static Tensor SumOverLatent(Tensor shape, long dim)
    {
        long p = shape.shape[dim];
        if (p == 1) return shape.squeeze(dim);
        double largest = shape.dtype == ScalarType.Float64 ? double.MaxValue : float.MaxValue;
        double bound = largest / (2.0 * p);
        return shape.clamp(-bound, bound).sum(dim: dim);
    }

    /// <summary>All families assembled and stacked: [B, K, d]. <paramref name="values"/>[k] is family k's shape s
    /// ([B, P, d] or broadcastable) when <paramref name="offsets"/>[k] is the index of its x0 (then x0 + Σ_p s_p is
    /// formed here), or its finished value ([B, d] or broadcastable) when <paramref name="offsets"/>[k] is −1 (a family
    /// with an output map). When every family is a plain [B, P, d] shape and the x0 offsets are unconstrained and stored
    /// in consecutive rows, this is one stack, one sum over P and one addition.</summary>
    public Tensor AssembleFamilies(Tensor[] values, int[] offsets)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(offsets);
        int k = values.Length;
        if (k != offsets.Length || k != _decoder.FamilyNames.Count)
            throw new ArgumentException($"Expected {_decoder.FamilyNames.Count} family values and offsets, got {k} and {offsets.Length}.");
        long b = Z.shape[0], p = Z.shape[1], d = _decoder.Features;
        var parameters = _decoder.Layout.Parameters;
        bool fused = true;
        int firstRow = -1;
        for (int i = 0; i < k && fused; i++)
        {
            var v = values[i];
            int o = offsets[i];
            fused = o >= 0 && parameters[o].Shape == ParameterShape.Feature && parameters[o].Constraint == ParameterConstraintKind.None &&
                    v.dim() == 3 && v.shape[0] == b && v.shape[1] == p && v.shape[2] == d;
            if (!fused) break;
            if (i == 0) firstRow = _decoder.StorageRow(o);
            else fused = _decoder.StorageRow(o) == firstRow + i;
        }
        if (fused)
        {
            var s = stack(values, dim: 1);                           // [B, K, P, d]
            s = SumOverLatent(s, 2);                                 // Σ_p
            return s + _decoder.FeatureRawRows(firstRow, k);          // + x0 [K, d]
        }
        var assembled = new Tensor[k];
        for (int i = 0; i < k; i++)
        {
            var v = offsets[i] >= 0 ? Assemble(Outer(offsets[i]), values[i]) : values[i];
            assembled[i] = v.dim() == 2 && v.shape[0] == b && v.shape[1] == d ? v : v.expand(b, d);
        }
        return stack(assembled, dim: 1);
    }
}

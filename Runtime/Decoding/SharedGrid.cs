using System;
using DerivSpec.Runtime.Quadrature;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Decoding;

/// <summary>How a <see cref="DerivativeDecoder"/> computes the integrals ∫₀^z b(τ) dτ of its families.</summary>
public enum IntegrationRule
{
    /// <summary>
    /// The default, and the only rule that keeps every proven property in the decoder that runs (spec/README.md,
    /// "Integration rules"): the integrand is evaluated at fixed knots t_j = j·h covering [−R, R] (<see cref="FixedGridOptions"/>;
    /// the same for every batch, so a decoded value is a function of z and the parameters alone), replaced by its
    /// piecewise-linear interpolant — with an extra zero at the integrand's sign-change anchor when the checker found one,
    /// e.g. z0 in ∫(τ − z0)·softplus(net) — and that interpolant is integrated exactly. A nonnegative integrand gives a
    /// nondecreasing x(z) (up to float rounding of the sums, a few ulps), and an integrand with the sign of (τ − a) gives an
    /// integral that turns exactly at a, for any network weights. Beyond [−R, R] the integrand is held at its end value
    /// (or continued linearly through its anchor). Error: h²/12·|b′| per unit length inside the knots.
    /// </summary>
    ShapePreserving,

    /// <summary>
    /// The paper's rule: n-point Gauss–Legendre on [0, z] for every sample, so the derivative network runs at B·n·P
    /// points per pass (the .dspec's <c>order</c> is n). Its nodes move with z, so it does NOT keep proven monotonicity:
    /// with a narrow bump in the integrand x(z) can fall.
    /// </summary>
    GaussLegendre,

    /// <summary>
    /// One grid shared by the whole batch (see <see cref="SharedGridOptions"/>): the integrand is evaluated at the grid's
    /// knots and at m Gauss–Legendre nodes inside each of its G cells — G·(m + 1) + 1 points per latent dimension,
    /// whatever the batch size — the integral is accumulated cell by cell, and each sample's value is read off by cubic
    /// Hermite interpolation (values and the integrand itself as slopes). Every integral of the language qualifies: the
    /// integrand of <c>integral(…)</c> and of a first- or second-order family depends on τ and the parameters only.
    /// Worth it when B·n is large compared with the grid (the scRNA case: B·n = 1920 or 7680 points against 257); at the
    /// synthetic case's batch of 32 (480 points) the extra bookkeeping costs more than it saves. It does NOT keep
    /// proven properties: the cubic read-off between two knots can fall where a slope exceeds three times the secant of its
    /// cell, and the grid spans the batch's z range, so a sample's value depends on the other samples in its batch.
    /// </summary>
    SharedGrid,
}

/// <summary>
/// Settings of <see cref="IntegrationRule.SharedGrid"/>. The grid spans [min(0, min z), max(0, max z)] of the batch in
/// every latent dimension (computed on the device: no host synchronisation) with <see cref="Cells"/> equal cells of width
/// h. Per cell the rule is exact for polynomials of degree 2m − 1; the Hermite read-off has error at most
/// h⁴/384 · max|b‴| (b the integrand). With the defaults, a batch whose z spans 4 units has h = 1/16.
/// </summary>
/// <param name="Cells">G ≥ 1, the number of cells.</param>
/// <param name="NodesPerCell">m ≥ 1, Gauss–Legendre nodes per cell.</param>
public sealed record SharedGridOptions(int Cells = 64, int NodesPerCell = 3)
{
    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (Cells is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(Cells), Cells, "The shared grid needs between 1 and 100000 cells.");
        if (NodesPerCell is < 1 or > GaussLegendre.MaxOrder)
            throw new ArgumentOutOfRangeException(nameof(NodesPerCell), NodesPerCell, $"Nodes per cell must be between 1 and {GaussLegendre.MaxOrder}.");
    }

    /// <summary>Evaluation points per latent dimension: G·(m + 1) + 1.</summary>
    public long Points => (long)Cells * (NodesPerCell + 1) + 1;
}

/// <summary>
/// One pass's shared grid: the evaluation points (knots first, then the cells' interior nodes, cell by cell) and, for
/// each sample and for z = 0, the cell it falls in and its position t ∈ [0, 1] there. Tensors belong to the caller's
/// dispose scope.
/// </summary>
internal sealed class SharedGrid
{
    private readonly int _cells, _m;
    private readonly long _batch, _p;
    private readonly Tensor _cellWeights;  // [1, P, 1, m, 1] (h/2)·w_i
    private readonly Tensor _leftIndex;    // [(B + 1)·P] long: p·(G + 1) + cell, the knot left of each point
    private readonly Tensor _rightIndex;   // the knot right of it
    private readonly Tensor _basis;        // [4, B + 1, P, 1] Hermite basis h00, h10·h, h01, h11·h

    /// <summary>All evaluation points, [1, P, G·(m + 1) + 1, 1].</summary>
    public Tensor Points { get; }

    /// <param name="z">The batch, [B, P].</param>
    /// <param name="options">Cells and nodes per cell.</param>
    /// <param name="cellRule">The m-point Gauss–Legendre rule on z's device and dtype (m = options.NodesPerCell).</param>
    public SharedGrid(Tensor z, SharedGridOptions options, GaussLegendreBuffers cellRule)
    {
        _cells = options.Cells;
        _m = options.NodesPerCell;
        _batch = z.shape[0];
        _p = z.shape[1];
        var zd = z.detach();
        var lo = zd.min(dim: 0).values.clamp_max(0.0);                         // [P]
        var hi = zd.max(dim: 0).values.clamp_min(0.0);
        var h = (hi - lo).clamp_min(1e-6) / _cells;                            // [P]
        var steps = arange(_cells + 1, dtype: z.dtype, device: z.device);       // [G + 1]
        var knots = lo.unsqueeze(1) + h.unsqueeze(1) * steps;                  // [P, G + 1]
        var interior = knots.narrow(1, 0, _cells).unsqueeze(2) + h.view(_p, 1, 1) * cellRule.UnitNodes;   // [P, G, m]
        Points = cat(new[] { knots, interior.reshape(_p, (long)_cells * _m) }, 1).view(1, _p, -1, 1);
        _cellWeights = h.view(1, _p, 1, 1, 1) * (cellRule.Weights * 0.5).view(1, 1, 1, _m, 1);

        // Each sample's cell and position in it, and the same for z = 0 (appended as sample B). The position carries
        // the gradient with respect to z (the grid and the cell index do not).
        var u = (cat(new[] { z, zeros(1, _p, dtype: z.dtype, device: z.device) }, 0) - lo) / h;   // [B + 1, P], in [0, G]
        var cell = u.detach().floor().clamp(0, _cells - 1);
        var t = (u - cell).unsqueeze(-1);                                                          // [B + 1, P, 1]
        var offsets = arange(_p, dtype: ScalarType.Int64, device: z.device) * (_cells + 1);
        _leftIndex = (cell.to(ScalarType.Int64) + offsets).reshape(-1);
        _rightIndex = _leftIndex + 1;
        var t2 = t * t;
        var t3 = t2 * t;
        var hb = h.view(1, _p, 1);
        _basis = stack(new[]
        {
            t3 * 2 - t2 * 3 + 1,          // h00
            (t3 - t2 * 2 + t) * hb,       // h10 · h
            t2 * 3 - t3 * 2,              // h01
            (t3 - t2) * hb,               // h11 · h
        }, 0);
    }

    /// <summary>∫₀^z f(τ) dτ for every sample: f at <see cref="Points"/>, [1, P, M, d] (or [1, P, M, 1]) → [B, P, d].</summary>
    public Tensor Integrate(Tensor f)
    {
        if (f.dim() != 4 || f.shape[0] != 1 || f.shape[1] != _p || f.shape[2] != Points.shape[2])
            throw new InvalidOperationException(
                $"The shared-grid rule integrates functions of τ alone, given at the grid's points [1, {_p}, {Points.shape[2]}, ·]; " +
                $"got an integrand of shape [{string.Join(", ", f.shape)}]. An integrand that depends on the sample (on z outside the " +
                "integral) needs IntegrationRule.GaussLegendre.");
        long d = f.shape[3];
        var atKnots = f.narrow(2, 0, _cells + 1);                                            // [1, P, G + 1, d]
        var inside = f.narrow(2, _cells + 1, (long)_cells * _m).view(1, _p, _cells, _m, d);  // [1, P, G, m, d]
        var perCell = (inside * _cellWeights).sum(dim: 3);                                   // [1, P, G, d]
        var cumulative = cat(new[] { zeros_like(perCell.narrow(2, 0, 1)), perCell.cumsum(2) }, 2);   // [1, P, G + 1, d]
        // Rows of [C | f] per (p, knot); one gather for the cell's left end, one for its right end.
        var table = cat(new[] { cumulative, atKnots }, 3).view(_p * (_cells + 1), 2 * d);
        var left = table.index_select(0, _leftIndex).view(_batch + 1, _p, 2 * d);
        var right = table.index_select(0, _rightIndex).view(_batch + 1, _p, 2 * d);
        var value = left.narrow(2, 0, d) * _basis[0] + left.narrow(2, d, d) * _basis[1]
                  + right.narrow(2, 0, d) * _basis[2] + right.narrow(2, d, d) * _basis[3];   // [B + 1, P, d]
        return value.narrow(0, 0, _batch) - value.narrow(0, _batch, 1);
    }
}

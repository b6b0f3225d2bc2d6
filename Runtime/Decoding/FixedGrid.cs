using System;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Decoding;

/// <summary>
/// Settings of <see cref="IntegrationRule.ShapePreserving"/>: the fixed knots t_j = j·h, h = 1/<see cref="CellsPerUnit"/>,
/// j = −N…N with N = <see cref="Radius"/>·<see cref="CellsPerUnit"/> (so 0 is a knot). The knots do not depend on the
/// batch, so a decoded value is a function of z and the parameters only.
/// </summary>
/// <param name="Radius">R: the knots cover [−R, R]; beyond, the integrand is extended from the end knots (see the rule).</param>
/// <param name="CellsPerUnit">Cells per unit of z (1/h).</param>
public sealed record FixedGridOptions(int Radius = 10, int CellsPerUnit = 32)
{
    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (Radius is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(Radius), Radius, "The grid radius must be between 1 and 1000.");
        if (CellsPerUnit is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(CellsPerUnit), CellsPerUnit, "Cells per unit must be between 1 and 4096.");
        if ((long)Radius * CellsPerUnit > 1_000_000) throw new ArgumentOutOfRangeException(nameof(Radius), Radius, "The grid may have at most 2,000,000 cells.");
    }

    /// <summary>N: cells on each side of 0.</summary>
    public int HalfCells => Radius * CellsPerUnit;

    /// <summary>Knots (evaluation points) per latent dimension: 2N + 1.</summary>
    public int Knots => 2 * HalfCells + 1;

    /// <summary>Cell width h.</summary>
    public double Width => 1.0 / CellsPerUnit;
}

/// <summary>
/// One pass of <see cref="IntegrationRule.ShapePreserving"/>: the integrand is evaluated at the fixed knots, replaced by
/// its piecewise-linear interpolant e_I (with an extra zero at a sign-change anchor when one is given), and e_I is
/// integrated exactly. Because e_I is a convex combination of the knot values, a nonnegative integrand gives a
/// nondecreasing integral, and an integrand with the sign of (τ − a) at the knots gives an integral that turns exactly at
/// a. Beyond [−R, R] the integrand is held at its end value, or, when the anchor lies beyond that end, continued linearly
/// through zero at the anchor (which keeps the turn at a). Tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class FixedGrid
{
    private readonly int _half;        // N
    private readonly long _knots;      // 2N + 1
    private readonly double _h;
    private readonly long _batch, _p;
    private readonly Tensor _leftIndex;   // [B·P] long: p·(2N + 1) + j, the knot left of each sample
    private readonly Tensor _rightIndex;  // j + 1
    private readonly Tensor _cell;        // [B, P, 1] long: j
    private readonly Tensor _x;           // [B, P, 1]: z − t_j clamped to [0, h] (carries d/dz inside the grid)
    private readonly Tensor _beyondRight; // [B, P, 1]: max(z − t_2N, 0)
    private readonly Tensor _beyondLeft;  // [B, P, 1]: max(t_0 − z, 0)
    private readonly Tensor _z;           // [B, P, 1]

    /// <summary>The knots as inner points, [1, P, 2N + 1, 1].</summary>
    public Tensor Points { get; }

    /// <param name="z">The batch, [B, P].</param>
    /// <param name="options">Radius and cells per unit.</param>
    /// <param name="knots">The knots t_j, [2N + 1], on z's device and dtype (cached by the decoder).</param>
    public FixedGrid(Tensor z, FixedGridOptions options, Tensor knots)
    {
        _half = options.HalfCells;
        _knots = options.Knots;
        _h = options.Width;
        _batch = z.shape[0];
        _p = z.shape[1];
        Points = knots.view(1, 1, _knots, 1).expand(1, _p, _knots, 1);
        _z = z.unsqueeze(-1);
        double lo = -_half * _h, hi = _half * _h;
        // The cell j with t_j ≤ z < t_{j+1}, clamped to the grid; the offset x = z − t_j is taken from the knot table so
        // that it is exactly the rounded difference (the same rounding as the anchor's offset in its cell).
        var cell = (z.detach() * (double)options.CellsPerUnit + _half).floor().clamp(0, 2 * _half - 1).to(ScalarType.Int64);  // [B, P]
        var left = knots.index_select(0, cell.reshape(-1)).view(_batch, _p, 1);
        _x = (_z - left).clamp(0.0, _h);
        _beyondRight = (_z - hi).clamp_min(0.0);
        _beyondLeft = (-_z + lo).clamp_min(0.0);
        _cell = cell.unsqueeze(-1);
        var offsets = arange(_p, dtype: ScalarType.Int64, device: z.device).unsqueeze(0) * _knots;
        _leftIndex = (cell + offsets).reshape(-1);
        _rightIndex = _leftIndex + 1;
    }

    /// <summary>∫₀^z e(τ) dτ for every sample: e at <see cref="Points"/>, [1, P, 2N + 1, d] (or [1, P, 2N + 1, 1]) →
    /// [B, P, d]. <paramref name="anchor"/>, when given, is a point a (broadcastable to [P, d]) where e is known to
    /// change sign (e(a) = 0): the interpolant gets a knot there with value 0.</summary>
    public Tensor Integrate(Tensor f, Tensor? anchor = null)
    {
        if (f.dim() != 4 || f.shape[0] != 1 || f.shape[1] != _p || f.shape[2] != _knots)
            throw new InvalidOperationException(
                $"The shape-preserving rule integrates functions of τ alone, given at the grid's knots [1, {_p}, {_knots}, ·]; " +
                $"got an integrand of shape [{string.Join(", ", f.shape)}]. An integrand that depends on the sample (on z outside the " +
                "integral) needs IntegrationRule.GaussLegendre.");
        long d = f.shape[3];
        var e = f.squeeze(0);                                                  // [P, 2N + 1, d]
        long cells = 2L * _half;
        var eLeft = e.narrow(1, 0, cells);
        var eRight = e.narrow(1, 1, cells);
        var cellIntegral = (eLeft + eRight) * (0.5 * _h);                      // [P, 2N, d] trapezoid = ∫ of the interpolant

        Tensor? anchorCell = null, aTrueLen = null, aLen = null, aLenR = null, aArea = null;
        if (anchor is not null)
        {
            // The anchor's cell ja (per latent dimension and feature) and its offset L = a − t_ja in it.
            var a = anchor.expand(_p, d);                                            // [P, d]
            var ja = (a.detach() * (1.0 / _h) + _half).floor();
            var inside = ja.ge(0).logical_and(ja.le(cells - 1));                      // [P, d]
            var jaIdx = ja.clamp(0, cells - 1).to(ScalarType.Int64).unsqueeze(1);    // [P, 1, d]
            var tja = (ja.clamp(0, cells - 1) - _half) * _h;
            var aLeft = e.gather(1, jaIdx);                                          // e_ja   [P, 1, d]
            var aRight = e.gather(1, jaIdx + 1);                                     // e_ja+1
            var len = (a - tja).unsqueeze(1).clamp(0.0, _h);                         // L ∈ [0, h]
            aTrueLen = len;
            double floor = _h * 1e-6;
            aLen = len.clamp_min(floor);                                             // L used in divisions
            var lenR = (-len + _h).clamp(0.0, _h);
            aLenR = lenR.clamp_min(floor);
            // Area left of a: e_ja·(L − L²/(2L̃)); right of a: e_ja+1·R²/(2R̃) (L̃ = L, R̃ = R unless tiny).
            var areaLeft = aLeft * (len - len.square() / (aLen * 2));
            var areaRight = aRight * (lenR.square() / (aLenR * 2));
            aArea = areaLeft;
            var anchored = areaLeft + areaRight;                                     // [P, 1, d]
            var cellIds = arange(cells, dtype: ScalarType.Int64, device: f.device).view(1, cells, 1);
            var isAnchorCell = cellIds.eq(jaIdx).logical_and(inside.unsqueeze(1));   // [P, 2N, d]
            cellIntegral = where(isAnchorCell, anchored, cellIntegral);
            anchorCell = jaIdx.squeeze(1).masked_fill(inside.logical_not(), -1);    // [P, d]; −1 when outside
        }

        // Cumulative integral from the knot at 0 (index N): C_N = 0, increasing sums to the right, negated sums to the left.
        var right = cellIntegral.narrow(1, _half, _half).cumsum(1);
        var leftSums = cellIntegral.narrow(1, 0, _half).flip(1).cumsum(1).flip(1).neg();
        var cumulative = cat(new[] { leftSums, zeros_like(cellIntegral.narrow(1, 0, 1)), right }, 1);   // [P, 2N + 1, d]

        var table = cat(new[] { cumulative, e }, 2).view(_p * _knots, 2 * d);
        var lo = table.index_select(0, _leftIndex).view(_batch, _p, 2 * d);
        var hi = table.index_select(0, _rightIndex).view(_batch, _p, 2 * d);
        var c = lo.narrow(2, 0, d);
        var ej = lo.narrow(2, d, d);
        var ej1 = hi.narrow(2, d, d);
        // Inside the cell: ∫ from t_j to t_j + x of the linear interpolant.
        var partial = _x * (ej + (ej1 - ej) * (_x * (0.5 / _h)));
        var value = c + partial;

        if (anchor is null)
            return value + ej1 * _beyondRight - ej * _beyondLeft;

        // Samples in their feature's anchor cell: the two-piece interpolant through (a, 0).
        var a2 = anchor.expand(_p, d);
        var inAnchorCell = _cell.eq(anchorCell!.unsqueeze(0));                        // [B, P, d]
        var len2 = aLen!.squeeze(1).unsqueeze(0);                                     // [1, P, d]
        var lenR2 = aLenR!.squeeze(1).unsqueeze(0);
        var trueLen = aTrueLen!.squeeze(1).unsqueeze(0);
        var beforeA = _x.le(trueLen);
        var leftPiece = ej * (_x - _x.square() / (len2 * 2));
        var y = (_x - trueLen).clamp_min(0.0);
        var rightPiece = aArea!.squeeze(1).unsqueeze(0) + ej1 * (y.square() / (lenR2 * 2));
        var anchoredValue = c + where(beforeA, leftPiece, rightPiece);
        value = where(inAnchorCell, anchoredValue, value);

        // Beyond the knots: hold the end value, or, when the anchor lies beyond that end, continue linearly through 0 at a.
        double floorD = _h * 1e-6;
        double hiEnd = _half * _h, loEnd = -_half * _h;
        var deltaR = (-a2 + hiEnd).clamp_max(-floorD).unsqueeze(0);                   // t_2N − a (< 0 when a beyond)
        var aBeyondRight = a2.gt(hiEnd).unsqueeze(0);
        var rightTerm = ej1 * _beyondRight * where(aBeyondRight, _beyondRight / (deltaR * 2) + 1, ones_like(deltaR));
        var deltaL = (-a2 + loEnd).clamp_min(floorD).unsqueeze(0);                    // t_0 − a (> 0 when a beyond)
        var aBeyondLeft = a2.lt(loEnd).unsqueeze(0);
        var leftTerm = ej * _beyondLeft * where(aBeyondLeft, -_beyondLeft / (deltaL * 2) + 1, ones_like(deltaL));
        return value + rightTerm - leftTerm;
    }
}

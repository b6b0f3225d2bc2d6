using System;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Decoding;

/// <summary>
/// Settings of <see cref="IntegrationRule.ShapePreserving"/>: the fixed knots t_j = j·h, h = 1/<see cref="CellsPerUnit"/>,
/// j = −N…N with N = <see cref="Radius"/>·<see cref="CellsPerUnit"/> (so 0 is a knot). The knots do not depend on the
/// batch, so a decoded value is a function of z and the parameters only (a pass evaluates the integrand only at the knots
/// its batch can read, <see cref="HalfCellsFor"/>, which changes no value).
/// </summary>
/// <param name="Radius">R: the knots cover [−R, R]; beyond, the integrand is extended from the end knots (see the rule).</param>
/// <param name="CellsPerUnit">Cells per unit of z (1/h).</param>
public sealed record FixedGridOptions(int Radius = 8, int CellsPerUnit = 32)
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

    /// <summary>
    /// M, the cells a pass keeps on each side of 0 when every sample of its batch lies within
    /// [−<paramref name="maxAbsZ"/>, <paramref name="maxAbsZ"/>]: maxAbsZ/h rounded down, plus 3 (at most N; N for NaN or
    /// ∞). The cut changes no value: a sample reads only the cells between 0 and its own cell, all kept (the margin
    /// covers the rounding of z/h), and an anchor beyond the kept cells corrects nothing a sample reads (its correction
    /// is 0 − 0 on the whole grid too). What it saves is the integrand at the knots nobody reads — at the paper's latent
    /// scale (|z| ≲ 4) more than half of them, and with them that part of the derivative network's work.
    /// </summary>
    public int HalfCellsFor(double maxAbsZ)
    {
        double cells = Math.Floor(maxAbsZ * CellsPerUnit) + 3;
        return cells >= HalfCells || double.IsNaN(cells) ? HalfCells : (int)cells;
    }
}

/// <summary>
/// What the shape-preserving rule needs that depends on the options, dtype and device but not on the batch: the knots
/// t_j = (j − N)·h.
/// Made once by the decoder; lives outside any training step's dispose scope.
/// </summary>
internal sealed class FixedGridTables : IDisposable
{
    /// <param name="options">Radius and cells per unit.</param>
    /// <param name="like">Gives the dtype (of the knots) and the device.</param>
    public FixedGridTables(FixedGridOptions options, Tensor like)
    {
        Options = options;
        int half = options.HalfCells;
        using (NewDisposeScope())
        {
            // t_j = (j − N)·h, computed exactly as FixedGrid computes an anchor's cell start.
            Knots = ((arange(2 * half + 1, dtype: like.dtype, device: like.device) - half) * options.Width).DetachFromDisposeScope();
        }
    }

    /// <summary>The options the tables were made for.</summary>
    public FixedGridOptions Options { get; }

    /// <summary>The knots, [2N + 1].</summary>
    public Tensor Knots { get; }

    /// <summary>True when the tables are on <paramref name="like"/>'s device and in its dtype.</summary>
    public bool Matches(Tensor like) =>
        Knots.dtype == like.dtype && Knots.device.type == like.device.type && Knots.device.index == like.device.index;

    /// <inheritdoc />
    public void Dispose() => Knots.Dispose();
}

/// <summary>
/// One pass of <see cref="IntegrationRule.ShapePreserving"/>: the integrand is evaluated at the fixed knots, replaced by
/// its piecewise-linear interpolant e_I (with an extra zero at a sign-change anchor when one is given), and e_I is
/// integrated exactly. Because e_I is a convex combination of the knot values, a nonnegative integrand gives a
/// nondecreasing integral, and an integrand with the sign of (τ − a) at the knots gives an integral that turns exactly at
/// a. Beyond [−R, R] the integrand is held at its end value, or, when the anchor lies beyond that end, continued linearly
/// through zero at the anchor (which keeps the turn at a).
/// <para>
/// A pass evaluates the integrand only at the knots its batch can read: t_{−M} … t_M with M from the batch's largest |z|
/// (<see cref="FixedGridOptions.HalfCellsFor"/>; M = N when some sample lies near or beyond R). A sample reads the same
/// cells, in the same order, on the cut grid as on the whole one, so the cut changes no value, only the work.
/// </para>
/// <para>
/// Per integral: the cell integrals (trapezoids of the knot values) are summed outward from the knot at 0 — one cumulative
/// sum over both sides at once — and each sample reads the sum of the whole cells between 0 and its own cell, plus (right
/// of 0) or minus (left of 0) the exact integral of the interpolant over its part of its own cell, so every term on a
/// side has one sign. The table does not depend on the batch and each sample's read-off is
/// element-wise, so a sample's value is the same, bit for bit, in any batch. In float32 the cumulative sums of
/// nonnegative cells never decrease (rounding is monotone), so a drop can only come from the read-off's own rounding (a
/// few ulps). An anchor adds a per-feature correction: the two-piece interpolant through (a, 0) minus the linear one, on
/// a's cell. What is per sample but not per integral (cell, offset, weights, gather rows) is computed once per pass.
/// </para>
/// Tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class FixedGrid
{
    private readonly int _half;           // M: cells on each side of 0 in this pass (N, or fewer when the batch lies near 0)
    private readonly long _knots;         // 2M + 1
    private readonly double _h, _perUnit;
    private readonly long _batch, _p;
    private readonly Tensor _z;           // [B, P, 1]
    private Tensor? _zAndZero;            // [B + 1, P, 1]: the samples, then 0 (anchored integrals only; made on first use)
    private readonly Tensor _sumRow;      // [B·P] long: row of the sample's cumulative value in [P·2·M, d]
    private readonly Tensor _sumCoef;     // [B, P, 1]: +h/2 right of 0, −h/2 left of it
    private readonly Tensor _noSum;       // [B, P, 1] bool: no whole cell lies between 0 and the sample's cell
    private readonly Tensor _ownRows;     // [2·B·P] long: rows p·(2M + 1) + j, then + j + 1, of the sample's cell's knots
    private readonly Tensor _ownWeights;  // [2, B, P, 1]: the left and right knot's weights in the sample's own cell
    private readonly Tensor _ownZero;     // [2, B, P, 1] bool: weight 0 (0·∞ must not make NaN)
    private Tensor? _beyondRight;         // [B, P, 1]: max(z − t_2N, 0) (made on first use: most batches lie inside)
    private Tensor? _beyondLeft;          // [B, P, 1]: max(t_0 − z, 0)
    private readonly bool _anyBeyond;     // some sample lies beyond [−R, R]

    /// <summary>The knots as inner points, [1, P, 2M + 1, 1]: the grid's knots t_{−M} … t_M
    /// (<see cref="FixedGridOptions.HalfCellsFor"/>).</summary>
    public Tensor Points { get; }

    /// <param name="z">The batch, [B, P].</param>
    /// <param name="tables">The knots on z's device and dtype (cached by the decoder).</param>
    public FixedGrid(Tensor z, FixedGridTables tables)
    {
        var options = tables.Options;
        _h = options.Width;
        _perUnit = options.CellsPerUnit;
        _batch = z.shape[0];
        _p = z.shape[1];
        // The batch's largest |z| (a NaN sample counts as 0, an infinite one as the dtype's largest value): one read to the
        // host, which gives both the cut and whether some sample lies beyond the end knot (compared as torch would
        // compare in z's dtype).
        double largest = 0;
        if (z.numel() > 0)
            using (var max = z.detach().nan_to_num(0.0).abs().max().to(ScalarType.Float64))
                largest = max.item<double>();
        _half = options.HalfCellsFor(largest);
        _knots = 2L * _half + 1;
        double h = _h, end = _half * h;
        _anyBeyond = _half == options.HalfCells && largest > DecoderMath.RoundTo(z.dtype, end);
        var knots = tables.Knots.narrow(0, options.HalfCells - _half, _knots);          // t_{−M} … t_M, the same values
        Points = knots.view(1, 1, _knots, 1).expand(1, _p, _knots, 1);
        _z = z.unsqueeze(-1);                                                            // [B, P, 1]
        // The cell j with t_j ≤ z < t_{j+1}, clamped to the grid; x = z − t_j, t_j read from the knot table so that it is
        // rounded exactly as an anchor's offset in its cell is. floor(z/h) is taken before M is added, so the cell is
        // the same on a cut grid as on the whole one.
        // A NaN z (a diverged encoder) reads the cell right of 0 and gives NaN values, never an out-of-range index.
        var cell = (z.detach() * _perUnit).nan_to_num(nan: 0.0).floor().add(_half).clamp(0, 2 * _half - 1).to(ScalarType.Int64);   // [B, P]
        var pRows = arange(_p, dtype: ScalarType.Int64, device: z.device).unsqueeze(0);
        var leftRow = (cell + pRows * _knots).reshape(-1);
        _ownRows = cat(new[] { leftRow, leftRow + 1 });                                 // [2·B·P]: left knots, then right knots
        var x = (_z - knots.index_select(0, cell.reshape(-1)).view(_batch, _p, 1)).clamp(0.0, h);
        // Cumulative sums are stored outward from 0: side 0 = left of 0 (cells M−1, M−2, …), side 1 = right (M, M+1, …);
        // row m − 1 of a side holds the sum of its first m cells. A sample in cell j ≥ M reads +sum(right, j − M), the
        // cells from 0 to t_j, and adds the interpolant's integral from t_j to z. One in cell j < M reads
        // −sum(left, M − j − 1), the cells from t_{j+1} to 0, and subtracts the integral from z to t_{j+1}: every term of a
        // side has the same sign, so an infinite knot value gives ±∞, never ∞ − ∞.
        var right = cell.ge(_half);
        var m = where(right, cell - _half, -cell + _half - 1);                          // whole cells between 0 and the sample's cell
        var side = right.to(ScalarType.Int64);
        _sumRow = ((pRows * 2 + side) * _half + (m - 1).clamp_min(0)).reshape(-1);
        var rightF = right.to(z.dtype).unsqueeze(-1);
        var sign = rightF * 2 - 1;                                                      // +1 right of 0, −1 left
        _sumCoef = sign * (0.5 * h);
        // The hats' integrals over [t_j, z] (right of 0) or over [z, t_{j+1}] (left of 0, then negated).
        var below = x.square() * (0.5 / h);                                             // ∫_{t_j}^{z} of the right knot's hat
        var belowLeft = x - below;                                                      // … of the left knot's hat
        var ownWeights = stack(new[] { belowLeft, below }, 0);                         // [2, B, P, 1]
        _ownWeights = where(right.unsqueeze(-1), ownWeights, ownWeights - 0.5 * h);      // left of 0: −(h/2 − …)
        _ownZero = _ownWeights.eq(0);
        _noSum = m.le(0).unsqueeze(-1);
    }

    /// <summary>How far each sample lies beyond the right and the left end knot (0 inside), made on first use.</summary>
    private (Tensor Right, Tensor Left) Beyond()
    {
        double end = _half * _h;
        _beyondRight ??= (_z - end).clamp_min(0.0);
        _beyondLeft ??= (-_z - end).clamp_min(0.0);
        return (_beyondRight, _beyondLeft);
    }

    /// <summary>Read-offs of at least this many elements ([B, P, d]) skip the masks that no sample of the batch needs
    /// (one more read to the host per pass); smaller ones, bound by per-operation overhead, always take the masked form
    /// in fewer operations. Every form adds (eL·wL + eR·wR) + c in this order, so the values are the same bits.</summary>
    internal const long MaskSkippingElements = 1 << 16;

    private bool? _anyOwnZero;   // some own-cell weight is 0 (z on a knot)
    private bool _anyNoSum;      // some sample has no whole cell between 0 and its cell

    private bool AnyOwnZero
    {
        get
        {
            if (_anyOwnZero is bool known) return known;
            using var flags = stack(new[] { _ownZero.any(), _noSum.any() }).cpu();
            var f = flags.data<bool>();
            _anyNoSum = f[1];
            return (_anyOwnZero = f[0]).Value;
        }
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
        var e = f.squeeze(0);                                                          // [P, K, d]
        long d = e.shape[2];
        // Twice the trapezoid of each cell (h/2 is applied per sample), cells in outward order: both sides summed in one pass.
        var cells = e.narrow(1, 0, 2L * _half) + e.narrow(1, 1, 2L * _half);           // [P, 2M, d], cells left to right
        var outward = cat(new[] { cells.narrow(1, 0, _half).flip(1), cells.narrow(1, _half, _half) }, 1);   // cells M−1, …, 0, then M, …, 2M−1
        var sums = outward.view(_p * 2, _half, d).cumsum(1).view(_p * 2 * _half, d);
        // No whole cell between 0 and the sample: 0, even when that row is ∞.
        var c = sums.index_select(0, _sumRow).view(_batch, _p, d).mul(_sumCoef);
        // The sample's own cell; a weight of 0 contributes 0 even when the knot value is infinite. (eL·wL + eR·wR) + c,
        // in this order, on every path.
        var ends = e.reshape(_p * _knots, d).index_select(0, _ownRows).view(2, _batch, _p, d);
        Tensor value;
        if (_batch * _p * d < MaskSkippingElements)
        {
            value = (ends * _ownWeights).masked_fill(_ownZero, 0).sum(dim: 0).add_(c.masked_fill(_noSum, 0));
        }
        else
        {
            bool anyOwnZero = AnyOwnZero;
            if (_anyNoSum) c = c.masked_fill(_noSum, 0);
            var left = ends[0] * _ownWeights[0];
            var right = ends[1] * _ownWeights[1];
            if (anyOwnZero)
            {
                left = left.masked_fill(_ownZero[0], 0);
                right = right.masked_fill(_ownZero[1], 0);
            }
            value = left.add_(right).add_(c);
        }
        if (_anyBeyond)
        {
            var eLeft = ends[0];
            var eRight = ends[1];
            var (beyondRight, beyondLeft) = Beyond();
            value = value + where(beyondRight.gt(0), eRight * beyondRight, zeros_like(c)) - where(beyondLeft.gt(0), eLeft * beyondLeft, zeros_like(c));
        }
        return anchor is null ? value : value + AnchorCorrection(e, anchor);
    }

    /// <summary>The two-piece interpolant through (a, 0) on a's cell minus the linear one, integrated from 0 to z:
    /// G(z) − G(0) with G(z) = Δ(clamp(z − t_ja, 0, h)), Δ(x) the difference over the first x of the cell; plus the
    /// continuation through a beyond the knots when a lies beyond them: [B, P, d].</summary>
    private Tensor AnchorCorrection(Tensor e, Tensor anchor)
    {
        long d = e.shape[2];
        long cells = 2L * _half;
        double h = _h, floor = _h * 1e-6, end = _half * h;
        var a = anchor.expand(_p, d);                                                     // [P, d]
        var jaC = (a.detach() * _perUnit).nan_to_num(nan: 0.0).floor().add(_half).clamp(0, cells - 1);   // a's cell, as a sample's (a NaN a: any cell)
        var jaIdx = jaC.to(ScalarType.Int64).unsqueeze(1);                                // [P, 1, d]
        var eL = e.gather(1, jaIdx).squeeze(1);                                           // e at the cell's ends, [P, d]
        var eR = e.gather(1, jaIdx + 1).squeeze(1);
        var start = (jaC - _half) * h;                                                    // t_ja, rounded as the knots are
        var len = (a - start).clamp(0.0, h);                                              // L = a − t_ja
        // With x the part of a's cell below z, the linear interpolant's integral is eL·x + s·x², s = (eR − eL)/(2h);
        // the two-piece one's is eL·(x − x²/(2L)) up to L, then areaLeft + eR·(x − L)²/(2R). Divisors are kept ≥ h·1e-6
        // (the same L̃, R̃ in every term, so the pieces still meet).
        var s = (eR - eL) * (0.5 / h);
        var lenC = len.clamp_min(floor);
        var kappa = eR / ((-len + h).clamp_min(floor) * 2);
        var negAlpha = -(eL / (lenC * 2) + s);                                            // before a: Δ = −(eL/(2L̃) + s)·x²
        var areaLeft = eL * (len - len.square() / (lenC * 2));

        Tensor Delta(Tensor zz)
        {
            var x = (zz - start).clamp(0.0, h);
            var x2 = x.square();
            var after = addcmul(addcmul(areaLeft, eL, x, value: -1), s, x2, value: -1).addcmul(kappa, (x - len).square(), 1);
            return where(x.le(len), negAlpha * x2, after);
        }

        _zAndZero ??= cat(new[] { _z, zeros(1, _p, 1, dtype: _z.dtype, device: _z.device) }, 0);
        var both = Delta(_zAndZero);                                                      // the samples and z = 0 in one pass
        var corr = both.narrow(0, 0, _batch) - both.narrow(0, _batch, 1);
        bool anyBeyond = a.detach().abs().gt(end).any().item<bool>();
        if (!anyBeyond) return corr;

        // An anchor beyond the knots changes nothing inside them; beyond the same end the integrand is continued as
        // e_end·(τ − a)/(t_end − a), which keeps the turn at a.
        // Masks, not products with 0/1, so that an infinite knot value where a term does not apply gives 0, not NaN.
        var outside = a.lt(-end).logical_or(a.gt(end));
        var deltaR = (-a + end).clamp_max(-floor);                                        // t_2N − a < 0
        var deltaL = (-a - end).clamp_min(floor);                                         // t_0 − a > 0
        var right = (e.select(1, _knots - 1) / (deltaR * 2)).masked_fill(a.le(end), 0);   // [P, d]
        var left = (e.select(1, 0) / (deltaL * 2)).masked_fill(a.ge(-end), 0);
        var (overRight, overLeft) = Beyond();
        var beyondRight = (overRight.square() * right).masked_fill(overRight.le(0), 0);
        var beyondLeft = (overLeft.square() * left).masked_fill(overLeft.le(0), 0);
        return corr.masked_fill(outside, 0) + beyondRight + beyondLeft;
    }
}

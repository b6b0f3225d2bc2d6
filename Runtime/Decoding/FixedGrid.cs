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
/// through zero at the anchor (which keeps the turn at a).
/// <para>
/// Without an anchor the integral is linear in the knot values with weights that depend on z alone:
/// ∫₀^z e_I = Σ_k W_k(z)·e_k. W [P, B, 2N + 1] is built once per pass and shared by every family; each integral is then
/// one batched matrix product (forward and backward), instead of a dozen full-size passes over the knots. An anchor
/// adds a per-feature correction: the two-piece interpolant through (a, 0) minus the linear one, on a's cell.
/// </para>
/// Tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class FixedGrid
{
    private readonly int _half;           // N
    private readonly long _knots;         // 2N + 1
    private readonly double _h, _perUnit;
    private readonly long _batch, _p;
    private readonly Tensor _weights;     // [P, B, 2N + 1]
    private readonly Tensor _cell;        // [B, P, 1] long: j, the cell of z (clamped to the grid)
    private readonly Tensor _x;           // [B, P, 1]: z − t_j clamped to [0, h]
    private readonly Tensor _z;           // [B, P, 1]
    private readonly Tensor _beyondRight; // [B, P, 1]: max(z − t_2N, 0)
    private readonly Tensor _beyondLeft;  // [B, P, 1]: max(t_0 − z, 0)

    /// <summary>The knots as inner points, [1, P, 2N + 1, 1].</summary>
    public Tensor Points { get; }

    /// <param name="z">The batch, [B, P].</param>
    /// <param name="options">Radius and cells per unit.</param>
    /// <param name="knots">The knots t_j = (j − N)·h, [2N + 1], on z's device and dtype (cached by the decoder).</param>
    public FixedGrid(Tensor z, FixedGridOptions options, Tensor knots)
    {
        _half = options.HalfCells;
        _knots = options.Knots;
        _h = options.Width;
        _perUnit = options.CellsPerUnit;
        _batch = z.shape[0];
        _p = z.shape[1];
        double h = _h;
        Points = knots.view(1, 1, _knots, 1).expand(1, _p, _knots, 1);
        var zz = _z = z.unsqueeze(-1);                                                   // [B, P, 1]
        // The cell j with t_j ≤ z < t_{j+1}, clamped to the grid; x = z − t_j with t_j read from the knot table, so that
        // it is rounded exactly as an anchor's offset in its cell is.
        var cell = (z.detach() * (double)options.CellsPerUnit + _half).floor().clamp(0, 2 * _half - 1).to(ScalarType.Int64);
        _cell = cell.unsqueeze(-1);
        var left = knots.index_select(0, cell.reshape(-1)).view(_batch, _p, 1);
        _x = (zz - left).clamp(0.0, h);
        _beyondRight = (zz - _half * h).clamp_min(0.0);
        _beyondLeft = (-zz - _half * h).clamp_min(0.0);
        var negative = _cell.lt(_half);

        // W_k(z) = s·h·[min(N, j+1) ≤ k ≤ max(N, j)] − s·h/2·[k = N] − h/2·[k = j] + a(x)·[k = j] + b(x)·[k = j+1]
        //          + r·[k = 2N] − l·[k = 0],   s = ±1 the sign of z, a(x) = x − x²/(2h), b(x) = x²/(2h).
        var k = arange(_knots, dtype: ScalarType.Int64, device: z.device).view(1, 1, _knots);
        var sign = -negative.to(z.dtype) * 2 + 1;                                                 // s
        var from = where(negative, _cell + 1, full_like(_cell, _half));
        var to = where(negative, full_like(_cell, _half), _cell);
        var between = k.ge(from).logical_and(k.le(to)).to(z.dtype);                   // [B, P, K]
        var isJ = k.eq(_cell).to(z.dtype);
        var isJ1 = k.eq(_cell + 1).to(z.dtype);
        var bx = _x.square() * (0.5 / h);
        var ax = _x - bx;
        var atZero = k.eq(_half).to(z.dtype);                                         // [1, 1, K]
        var w = between * (sign * h) - atZero * (sign * (0.5 * h)) + isJ * (ax - 0.5 * h) + isJ1 * bx;
        var ends = k.eq(2L * _half).to(z.dtype) * _beyondRight - k.eq(0).to(z.dtype) * _beyondLeft;
        _weights = (w + ends).permute(1, 0, 2);                                        // [P, B, K]
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
        // An infinite knot value (exp of a large net output overflows float32) would meet the zero weights of knots
        // outside [0, z] as 0·∞ = NaN for every sample. Then the finite values are contracted alone and an integral
        // is ±∞ exactly where it gives an infinite knot a nonzero weight (∞ − ∞ = NaN, as IEEE has it).
        Tensor? posInf = null, negInf = null;
        if (e.isinf().any().item<bool>())
        {
            posInf = e.isposinf().to(e.dtype);
            negInf = e.isneginf().to(e.dtype);
            e = where(e.isinf(), zeros_like(e), e);
        }
        var plain = Contract(_weights, e);                                            // [B, P, d]
        if (anchor is not null) plain = plain + AnchorCorrection(e, anchor);
        if (posInf is null) return plain;
        var up = _weights.gt(0).to(e.dtype);
        var down = _weights.lt(0).to(e.dtype);
        var toPlus = Contract(up, posInf!) + Contract(down, negInf!);
        var toMinus = Contract(up, negInf!) + Contract(down, posInf!);
        var inf = full(1, double.PositiveInfinity, dtype: e.dtype, device: e.device);
        return plain + where(toPlus.gt(0), inf, zeros_like(inf)) - where(toMinus.gt(0), inf, zeros_like(inf));
    }

    /// <summary>Σ_k w[p, b, k]·v[p, k, ·] → [B, P, ·].</summary>
    private Tensor Contract(Tensor w, Tensor v) =>
        _p == 1 ? w.squeeze(0).mm(v.squeeze(0)).unsqueeze(1) : bmm(w, v).permute(1, 0, 2);

    /// <summary>The two-piece interpolant through (a, 0) on a's cell minus the linear one, integrated from 0 to z:
    /// G(z) − G(0) with G(z) = Δ(clamp(z − t_ja, 0, h)), Δ(x) the difference over the first x of the cell; plus the
    /// continuation through a beyond the knots when a lies beyond them: [B, P, d].</summary>
    private Tensor AnchorCorrection(Tensor e, Tensor anchor)
    {
        long d = e.shape[2];
        long cells = 2L * _half;
        double h = _h, floor = _h * 1e-6;
        var a = anchor.expand(_p, d);                                                     // [P, d]
        var jaC = (a.detach() * _perUnit + _half).floor().clamp(0, cells - 1);          // a's cell, as the samples' are found
        var jaIdx = jaC.to(ScalarType.Int64).unsqueeze(1);                                // [P, 1, d]
        var eL = e.gather(1, jaIdx).squeeze(1);                                           // e at the cell's ends, [P, d]
        var eR = e.gather(1, jaIdx + 1).squeeze(1);
        var start = (jaC - _half) * h;                                                    // t_ja, rounded as the knots are
        var len = (a - start).clamp(0.0, h);                                              // L = a − t_ja (0 or h when a is off the knots)
        var lenC = len.clamp_min(floor);                                                  // divisors kept away from 0
        var lenRC = (-len + h).clamp_min(floor);
        var areaLeft = eL * (len - len.square() / (lenC * 2));
        var slope = (eR - eL) * (0.5 / h);

        Tensor Delta(Tensor zz)                                                           // zz broadcastable to [·, P, 1]
        {
            var x = (zz - start).clamp(0.0, h);                                           // the part of a's cell below z
            var x2 = x.square();
            var two = where(x.le(len), eL * (x - x2 / (lenC * 2)), areaLeft + eR * ((x - len).clamp_min(0.0).square() / (lenRC * 2)));
            return two - (eL * x + slope * x2);
        }

        // Only an anchor within the knots changes the interpolant there (beyond them, a sign change is met by the
        // continuation below).
        double end = _half * h;
        var inside = a.ge(-end).logical_and(a.le(end)).to(e.dtype);
        var corr = (Delta(_z) - Delta(zeros(1, dtype: e.dtype, device: e.device))) * inside;

        // Beyond the knots, when a lies beyond the same end: e continued as e_end·(τ − a)/(t_end − a).
        var deltaR = (-a + end).clamp_max(-floor);                                        // t_2N − a < 0
        var deltaL = (-a - end).clamp_min(floor);                                         // t_0 − a > 0
        var right = a.gt(end).to(e.dtype) * e.select(1, _knots - 1) / (deltaR * 2);      // [P, d]
        var left = a.lt(-end).to(e.dtype) * e.select(1, 0) / (deltaL * 2);
        return corr + _beyondRight.square() * right + _beyondLeft.square() * left;
    }
}

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
        Points = knots.view(1, 1, _knots, 1).expand(1, _p, _knots, 1);
        _z = z.unsqueeze(-1);                                                            // [B, P, 1]
        double end = _half * _h;
        _beyondRight = (_z - end).clamp_min(0.0);
        _beyondLeft = (-_z - end).clamp_min(0.0);

        // W_k(z) = ∫₀^z φ_k = h·(ψ(u_k(z)) − ψ(u_k(0))) with φ_k the hat function of knot k, u_k(z) = (z − t_k)/h and
        // ψ(u) = ½ + v − ½·v·|v|, v = clamp(u, −1, 1), the hat's antiderivative. u is formed as z/h − (k − N): one
        // rounding, exact near the sample's own knots. The end knots carry the integrand beyond the grid (constant
        // there): ψ gets + ½(max(u, 0)² − max(u − 1, 0)²) at k = 2N and − ½(max(−u, 0)² − max(−u − 1, 0)²) at k = 0.
        var offsets = (arange(_knots, dtype: z.dtype, device: z.device) - _half).view(1, 1, _knots);   // k − N, exact
        var u = _z * _perUnit - offsets;                                                  // [B, P, K]
        var v = u.clamp(-1.0, 1.0);
        var psi = addcmul(v, v, v.abs(), value: -0.5);                                    // ψ − ½
        var atZero = offsets.sign().mul(-0.5);                                           // ψ(u_k(0)) − ½: ½, 0, −½
        var w = psi - atZero;
        var uRight = _z * _perUnit - _half;                                              // u_2N, [B, P, 1]
        var uLeft = _z * _perUnit + _half;                                               // u_0
        var right = (uRight.clamp_min(0.0).square() - (uRight - 1).clamp_min(0.0).square()) * 0.5;
        var left = ((-uLeft).clamp_min(0.0).square() - (-uLeft - 1).clamp_min(0.0).square()) * 0.5;
        w = cat(new[] { w.narrow(2, 0, 1) - left, w.narrow(2, 1, _knots - 2), w.narrow(2, _knots - 1, 1) + right }, 2);
        _weights = (w * _h).permute(1, 0, 2);                                             // [P, B, K]
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
        double h = _h, floor = _h * 1e-6, end = _half * h;
        var a = anchor.expand(_p, d);                                                     // [P, d]
        var jaC = (a.detach() * _perUnit + _half).floor().clamp(0, cells - 1);          // a's cell, as the knots are numbered
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

        var corr = Delta(_z) - Delta(zeros_like(start));
        bool anyBeyond = a.detach().abs().gt(end).any().item<bool>();
        if (!anyBeyond) return corr;

        // An anchor beyond the knots changes nothing inside them; beyond the same end the integrand is continued as
        // e_end·(τ − a)/(t_end − a), which keeps the turn at a.
        var inside = a.ge(-end).logical_and(a.le(end)).to(e.dtype);
        var deltaR = (-a + end).clamp_max(-floor);                                        // t_2N − a < 0
        var deltaL = (-a - end).clamp_min(floor);                                         // t_0 − a > 0
        var right = a.gt(end).to(e.dtype) * e.select(1, _knots - 1) / (deltaR * 2);      // [P, d]
        var left = a.lt(-end).to(e.dtype) * e.select(1, 0) / (deltaL * 2);
        return corr * inside + _beyondRight.square() * right + _beyondLeft.square() * left;
    }
}

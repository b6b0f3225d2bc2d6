using System;
using System.Collections.Generic;
using System.Linq;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Quadrature;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Decoding;

/// <summary>
/// Base of every decoder generated from a .dspec (CONTRACT §3). It owns
/// <list type="bullet">
/// <item>the Gauss–Legendre nodes and weights as buffers (they move with <c>.to(device)</c> and follow the dtype);</item>
/// <item>the shared derivative network: one small MLP ℝ → ℝ^{d·K'} per latent dimension, stored as P groups of
///   weights [P, in, out] and evaluated at all B·n·P quadrature points in one batched forward (K' = families that use
///   <c>net</c>);</item>
/// <item>the per-family parameters as two raw tensors, [F, d] for per-feature ones (x0) and [L, P, d] for per-latent
///   ones (v0 and user parameters), with their constraint transforms and priors;</item>
/// <item>when a parameter is constrained <c>in latent(a, b)</c>: the running latent range, a buffer
///   <c>latent_range</c> [R, P, 2] holding (lo_p, hi_p) for each of the R distinct level pairs (a, b), saved with the
///   model. It starts at the standard normal's quantiles and follows the a- and b-quantiles of the encoder's posterior
///   means in training (<see cref="ObserveLatent"/>).</item>
/// </list>
/// Derived classes implement <see cref="EvaluateFamilies"/> by composing the primitives of <see cref="QuadraturePoints"/>
/// and <see cref="DecoderMath"/>; forward(z [B, P]) returns [B, K, d].
/// </summary>
public abstract class DerivativeDecoder : FamilyDecoder
{
    private const string FeatureRawName = "feature_raw";
    private const string LatentRawName = "latent_raw";
    private const string LatentRangeName = "latent_range";

    private readonly GaussLegendreBuffers _quadrature;
    private readonly int _features;
    private readonly string[] _familyNames;
    private readonly int[] _storageRow;          // parameter index → row in its raw tensor
    private readonly int _netLayers;
    private readonly double[] _logPriorConstants; // per parameter: the constant part of its log density
    private readonly double[] _featureInit;       // initial raw values, one per row of the raw tensors
    private readonly double[] _latentInit;
    private readonly PriorGroup[] _priorGroups;
    private readonly int[] _rangeRow;            // parameter index → row of latent_range (−1: not `in latent`)
    private readonly (double A, double B)[] _rangeLevels;   // per row of latent_range: its quantile levels
    private Tensor? _quantileIndex, _quantileFraction;      // ObserveLatent's gather positions for the last batch size
    private long _quantileBatch = -1;

    private IntegrationRule _integration = IntegrationRule.ShapePreserving;
    private SharedGridOptions _gridOptions = new();
    private GaussLegendreBuffers? _gridRule;   // the shared grid's per-cell rule; not a submodule, so not saved
    private FixedGridOptions _fixedOptions = new();
    private FixedGridTables? _fixedTables;     // the shape-preserving rule's knots and cell order; not buffers, so not saved

    /// <summary>The layout this decoder was built from.</summary>
    public DecoderLayout Layout { get; }

    /// <summary>How integrals are computed: the shape-preserving fixed grid (default; the only rule that keeps proven
    /// properties), the paper's per-sample Gauss–Legendre rule (<see cref="UseGaussLegendre"/>) or one grid shared by the
    /// batch (<see cref="UseSharedGrid"/>). A run-time choice: it changes no parameter and is not saved with the model.</summary>
    public IntegrationRule Integration => _integration;

    /// <summary>The shared grid's settings (used when <see cref="Integration"/> is <see cref="IntegrationRule.SharedGrid"/>).</summary>
    public SharedGridOptions GridOptions => _gridOptions;

    /// <summary>Switches to <see cref="IntegrationRule.SharedGrid"/> with <paramref name="options"/> (defaults when null).</summary>
    public void UseSharedGrid(SharedGridOptions? options = null)
    {
        options ??= new SharedGridOptions();
        options.Validate();
        _gridOptions = options;
        _integration = IntegrationRule.SharedGrid;
    }

    /// <summary>Switches to the paper's per-sample Gauss–Legendre rule (order n from the .dspec). It does not keep proven
    /// monotonicity for every network (see <see cref="IntegrationRule.GaussLegendre"/>).</summary>
    public void UseGaussLegendre() => _integration = IntegrationRule.GaussLegendre;

    /// <summary>The shape-preserving rule's settings (used when <see cref="Integration"/> is
    /// <see cref="IntegrationRule.ShapePreserving"/>).</summary>
    public FixedGridOptions FixedGridOptions => _fixedOptions;

    /// <summary>Switches to <see cref="IntegrationRule.ShapePreserving"/> (the default) with <paramref name="options"/>
    /// (defaults when null).</summary>
    public void UseShapePreserving(FixedGridOptions? options = null)
    {
        options ??= new FixedGridOptions();
        options.Validate();
        if (options != _fixedOptions)
        {
            _fixedTables?.Dispose();
            _fixedTables = null;
        }
        _fixedOptions = options;
        _integration = IntegrationRule.ShapePreserving;
    }

    /// <summary>The shape-preserving rule's fixed tables on <paramref name="like"/>'s device and dtype (made once).</summary>
    internal FixedGridTables FixedTables(Tensor like)
    {
        var t = _fixedTables;
        if (t is not null && t.Matches(like)) return t;
        t?.Dispose();
        return _fixedTables = new FixedGridTables(_fixedOptions, like);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gridRule?.Dispose();
            _gridRule = null;
            _fixedTables?.Dispose();
            _fixedTables = null;
            _quantileIndex?.Dispose();
            _quantileFraction?.Dispose();
            _quantileIndex = _quantileFraction = null;
        }
        base.Dispose(disposing);
    }

    /// <summary>The shared grid's m-point cell rule on <paramref name="like"/>'s device and dtype (made once per device,
    /// dtype and m).</summary>
    internal GaussLegendreBuffers GridCellRule(Tensor like)
    {
        var r = _gridRule;
        if (r is not null && r.Order == _gridOptions.NodesPerCell)
        {
            var w = r.Weights;
            if (w.dtype == like.dtype && w.device.type == like.device.type && w.device.index == like.device.index) return r;
        }
        r?.Dispose();
        // Called inside a training step's dispose scope: the rule outlives it, so its buffers leave that scope.
        using (NewDisposeScope())
        {
            r = new GaussLegendreBuffers(_gridOptions.NodesPerCell, like.device, like.dtype);
            foreach (var b in r.buffers()) b.DetachFromDisposeScope();
        }
        _gridRule = r;
        return r;
    }

    /// <summary>Creates the decoder's tensors in <paramref name="dtype"/> on the CPU (so that initialisation depends
    /// only on torch's CPU seed), then moves them to <paramref name="device"/> when given.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="layout">Families, parameters, quadrature order and network shape.</param>
    /// <param name="features">Number of features d ≥ 1.</param>
    /// <param name="device">Target device (CPU when null).</param>
    /// <param name="dtype">Floating dtype: float32 or float64.</param>
    protected DerivativeDecoder(string name, DecoderLayout layout, int features, Device? device, ScalarType dtype)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (features < 1) throw new ArgumentOutOfRangeException(nameof(features), features, "The number of features must be at least 1.");
        if (dtype != ScalarType.Float32 && dtype != ScalarType.Float64)
            throw new ArgumentException($"A derivative decoder computes in float32 or float64, not {dtype}.", nameof(dtype));
        Native.TorchLoader.EnsureLoaded();
        Layout = layout;
        _features = features;
        _familyNames = layout.Families.Select(f => f.Name).ToArray();
        int p = layout.LatentDim;

        _quadrature = new GaussLegendreBuffers(layout.QuadratureOrder, dtype: dtype);
        register_module("quadrature", _quadrature);

        // Shared derivative network, P groups; PyTorch's Linear initialisation U(−1/√in, 1/√in) per group.
        if (layout.NetFamilies > 0)
        {
            var widths = new List<int> { 1 };
            widths.AddRange(layout.DerivativeNet.Hidden);
            widths.Add(features * layout.NetFamilies);
            _netLayers = widths.Count - 1;
            using (no_grad())
            {
                for (int l = 0; l < _netLayers; l++)
                {
                    double bound = 1.0 / Math.Sqrt(widths[l]);
                    var w = (rand(new long[] { p, widths[l], widths[l + 1] }, dtype: dtype) * (2 * bound) - bound);
                    var b = (rand(new long[] { p, 1, widths[l + 1] }, dtype: dtype) * (2 * bound) - bound);
                    register_parameter(WeightName(l), new TorchSharp.Modules.Parameter(w, requires_grad: true));
                    register_parameter(BiasName(l), new TorchSharp.Modules.Parameter(b, requires_grad: true));
                }
            }
        }

        // Family parameters, two raw tensors.
        var parameters = layout.Parameters;
        _storageRow = new int[parameters.Count];
        var featureInit = new List<double>();
        var latentInit = new List<double>();
        for (int i = 0; i < parameters.Count; i++)
        {
            double raw = Unconstrain(parameters[i]);
            if (parameters[i].Shape == ParameterShape.Feature) { _storageRow[i] = featureInit.Count; featureInit.Add(raw); }
            else { _storageRow[i] = latentInit.Count; latentInit.Add(raw); }
        }
        _featureInit = featureInit.ToArray();
        _latentInit = latentInit.ToArray();
        if (featureInit.Count > 0)
        {
            var t = tensor(featureInit.ToArray(), dtype: dtype).unsqueeze(1).expand(featureInit.Count, features).contiguous();
            register_parameter(FeatureRawName, new TorchSharp.Modules.Parameter(t, requires_grad: true));
        }
        if (latentInit.Count > 0)
        {
            var t = tensor(latentInit.ToArray(), dtype: dtype).view(latentInit.Count, 1, 1).expand(latentInit.Count, p, features).contiguous();
            register_parameter(LatentRawName, new TorchSharp.Modules.Parameter(t, requires_grad: true));
        }
        _logPriorConstants = parameters.Select(LogPriorConstant).ToArray();
        _priorGroups = GroupPriors(parameters, _storageRow);

        // The running latent range: one row per distinct level pair, parameters with the same levels share it.
        _rangeRow = new int[parameters.Count];
        var levels = new List<(double A, double B)>();
        for (int i = 0; i < parameters.Count; i++)
        {
            _rangeRow[i] = -1;
            if (parameters[i].Constraint != ParameterConstraintKind.LatentRange) continue;
            var pair = (parameters[i].Lower, parameters[i].Upper);
            int row = levels.IndexOf(pair);
            if (row < 0) { row = levels.Count; levels.Add(pair); }
            _rangeRow[i] = row;
        }
        _rangeLevels = levels.ToArray();
        if (_rangeLevels.Length > 0)
            register_buffer(LatentRangeName, InitialRanges(p).to(dtype), persistent: true);

        if (device is not null && device.type != DeviceType.CPU) this.to(device);
    }

    /// <inheritdoc />
    /// <remarks>The .dspec model name.</remarks>
    public override string SpecName => GetName();

    /// <inheritdoc />
    /// <remarks>From <see cref="DecoderLayout.SpecIdentity"/>: generated decoders pass their <c>DeclaredSpecIdentity</c>.</remarks>
    public override string SpecIdentity => Layout.SpecIdentity;

    /// <inheritdoc />
    /// <remarks>The derivative network's weights and biases are drawn as the constructor draws them
    /// (U(−1/√in, 1/√in), layer by layer, weight before bias) and every family parameter goes back to its
    /// <c>init</c> value from the .dspec.</remarks>
    public override void ResetParameters(TorchSharp.torch.Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        using var _ = no_grad();
        for (int l = 0; l < _netLayers; l++)
        {
            var w = Param(WeightName(l));
            double bound = 1.0 / Math.Sqrt(w.shape[1]);
            Training.SeededInit.Uniform(w, bound, generator);
            Training.SeededInit.Uniform(Param(BiasName(l)), bound, generator);
        }
        ResetRaw(FeatureRawName, _featureInit);
        ResetRaw(LatentRawName, _latentInit);
        if (_rangeLevels.Length > 0)
        {
            var range = RangeBuffer;
            using var initial = InitialRanges(LatentDim);
            range.copy_(initial);
        }
    }

    // ---- the running latent range (parameters `in latent(a, b)`) ------------------------------------------------

    /// <summary>[R, P, 2] in float64 on the CPU: each row's starting range, the standard normal's quantiles at its levels
    /// (<see cref="LatentRangeRule.InitialRange"/>), the same for every latent coordinate.</summary>
    private Tensor InitialRanges(int p)
    {
        var values = new double[_rangeLevels.Length * p * 2];
        for (int r = 0; r < _rangeLevels.Length; r++)
        {
            var (lo, hi) = LatentRangeRule.InitialRange(_rangeLevels[r].A, _rangeLevels[r].B);
            for (int c = 0; c < p; c++) { values[(r * p + c) * 2] = lo; values[(r * p + c) * 2 + 1] = hi; }
        }
        return tensor(values, new long[] { _rangeLevels.Length, p, 2 }, dtype: ScalarType.Float64);
    }

    private Tensor RangeBuffer => get_buffer(LatentRangeName) ?? throw new InvalidOperationException("This decoder has no parameter constrained 'in latent'.");

    /// <summary>Whether some parameter is constrained <c>in latent(a, b)</c> (then the decoder holds a running latent
    /// range and <see cref="ObserveLatent"/> updates it).</summary>
    public bool HasLatentRange => _rangeLevels.Length > 0;

    /// <summary>The running range that parameter <paramref name="index"/> (constrained <c>in latent(a, b)</c>) lies in:
    /// a [P, 2] view of the decoder's buffer, (lo_p, hi_p) per latent coordinate, shared by every parameter with the same
    /// levels.</summary>
    /// <exception cref="ArgumentException">The parameter is not constrained <c>in latent</c>.</exception>
    public Tensor LatentRange(int index) => RangeBuffer.select(0, RangeRow(index));

    /// <summary>Sets the running range of parameter <paramref name="index"/> (and of every parameter with the same
    /// levels) to <paramref name="range"/> [P, 2]: finite (lo_p, hi_p) with lo_p ≤ hi_p. Training moves it again.</summary>
    /// <exception cref="ArgumentException">Not an <c>in latent</c> parameter, or a range of the wrong shape, not finite,
    /// or with lo &gt; hi (the message says which coordinate).</exception>
    public void SetLatentRange(int index, Tensor range)
    {
        ArgumentNullException.ThrowIfNull(range);
        int row = RangeRow(index);
        using var scope = NewDisposeScope();
        if (range.dim() != 2 || range.shape[0] != LatentDim || range.shape[1] != 2)
            throw new ArgumentException($"A latent range has shape [{LatentDim}, 2] (lo, hi per latent coordinate), got [{string.Join(", ", range.shape)}].", nameof(range));
        double[] host;
        using (var cpu = range.detach().to(ScalarType.Float64, CPU)) host = cpu.data<double>().ToArray();
        for (int c = 0; c < LatentDim; c++)
        {
            double lo = host[2 * c], hi = host[2 * c + 1];
            if (!double.IsFinite(lo) || !double.IsFinite(hi) || lo > hi)
                throw new ArgumentException($"The latent range of coordinate {c + 1} must be finite with lo ≤ hi, got ({lo.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, {hi.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}).", nameof(range));
        }
        using var _ = no_grad();
        var target = RangeBuffer.select(0, row);
        target.copy_(range.detach().to(target.dtype, target.device));
    }

    private int RangeRow(int index)
    {
        if (index < 0 || index >= Layout.Parameters.Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The decoder has {Layout.Parameters.Count} parameters.");
        int row = _rangeRow[index];
        if (row < 0)
        {
            var spec = Layout.Parameters[index];
            throw new ArgumentException($"Parameter '{Layout.Families[spec.Family].Name}.{spec.Name}' is not constrained 'in latent'.", nameof(index));
        }
        return row;
    }

    /// <inheritdoc />
    /// <remarks>Each row of the running range moves toward the batch's a- and b-quantiles of <paramref name="mu"/>
    /// (detached; per latent coordinate, linear interpolation between order statistics at position level·(B − 1), as
    /// numpy's default): range ← m·range + (1 − m)·quantiles with m = <see cref="LatentRangeRule.Momentum"/>. On the
    /// device, without host synchronisation; lo ≤ hi is kept. Nothing happens without <c>in latent</c> parameters.</remarks>
    public override void ObserveLatent(Tensor mu)
    {
        ArgumentNullException.ThrowIfNull(mu);
        if (_rangeLevels.Length == 0) return;
        if (mu.dim() != 2 || mu.shape[1] != LatentDim || mu.shape[0] < 1)
            throw new ArgumentException($"Expected posterior means of shape [B, {LatentDim}] with B ≥ 1, got [{string.Join(", ", mu.shape)}].", nameof(mu));
        var range = RangeBuffer;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        long b = mu.shape[0];
        var (index, fraction) = QuantilePositions(b, range);
        var sorted = mu.detach().to(range.dtype).sort(dim: 0).Values;                 // [B, P]
        var below = sorted.index_select(0, index.select(0, 0));                        // [2R, P]
        var above = sorted.index_select(0, index.select(0, 1));
        var q = ((above - below) * fraction + below).view(_rangeLevels.Length, 2, LatentDim).transpose(1, 2);   // [R, P, 2]
        var lo = q.select(-1, 0);
        var hi = torch.maximum(q.select(-1, 1), lo);                                  // a rounding step may not reorder them
        var observed = stack(new[] { lo, hi }, dim: -1);
        range.mul_(LatentRangeRule.Momentum).add_(observed, alpha: 1 - LatentRangeRule.Momentum);
    }

    /// <summary>For a batch of <paramref name="b"/> samples: the order-statistic indices below and above each level's
    /// position ([2, 2R], levels a₀, b₀, a₁, b₁, …) and the interpolation fractions ([2R, 1]); made once per batch size.</summary>
    private (Tensor Index, Tensor Fraction) QuantilePositions(long b, Tensor like)
    {
        if (_quantileBatch == b && _quantileIndex is not null && _quantileFraction is not null
            && _quantileFraction.dtype == like.dtype && _quantileFraction.device.type == like.device.type && _quantileFraction.device.index == like.device.index)
            return (_quantileIndex, _quantileFraction);
        int n = 2 * _rangeLevels.Length;
        var lower = new long[n];
        var upper = new long[n];
        var fraction = new double[n];
        for (int r = 0; r < _rangeLevels.Length; r++)
            for (int e = 0; e < 2; e++)
            {
                double level = e == 0 ? _rangeLevels[r].A : _rangeLevels[r].B;
                double position = level * (b - 1);
                long k = Math.Min((long)Math.Floor(position), b - 1);
                lower[2 * r + e] = k;
                upper[2 * r + e] = Math.Min(k + 1, b - 1);
                fraction[2 * r + e] = position - k;
            }
        _quantileIndex?.Dispose();
        _quantileFraction?.Dispose();
        using (NewDisposeScope())
        {
            _quantileIndex = stack(new[] { tensor(lower), tensor(upper) }).to(like.device).DetachFromDisposeScope();
            _quantileFraction = tensor(fraction, new long[] { n, 1 }, dtype: ScalarType.Float64).to(like.dtype, like.device).DetachFromDisposeScope();
        }
        _quantileBatch = b;
        return (_quantileIndex, _quantileFraction);
    }

    /// <inheritdoc />
    /// <remarks>Sets the built-in offset x0 of every family without an output map (families with a map keep theirs: x0
    /// is not an additive offset there).</remarks>
    public override bool InitialiseOffsets(Tensor location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (location.dim() != 1 || location.shape[0] != _features)
            throw new ArgumentException($"Expected a location of shape [{_features}], got [{string.Join(", ", location.shape)}].", nameof(location));
        bool any = false;
        using var _ = no_grad();
        for (int i = 0; i < Layout.Parameters.Count; i++)
        {
            var spec = Layout.Parameters[i];
            if (spec.Shape != ParameterShape.Feature || spec.Name != "x0" || Layout.Families[spec.Family].HasOutputMap) continue;
            using var scope = NewDisposeScope();
            var raw = RawParameter(i);
            raw.copy_(Unconstrain(i, location.to(raw.dtype, raw.device)));
            any = true;
        }
        return any;
    }

    /// <summary>The raw values whose constrained values are <paramref name="value"/> (broadcastable to parameter
    /// <paramref name="index"/>'s shape), elementwise; values outside the constraint's domain are first moved just inside
    /// it (for <c>in latent</c>: inside the current running range; a range that is a single point gives raw 0).</summary>
    internal Tensor Unconstrain(int index, Tensor value)
    {
        const double margin = 1e-3;
        var spec = Layout.Parameters[index];
        return spec.Constraint switch
        {
            ParameterConstraintKind.None => value.clone(),
            ParameterConstraintKind.Positive => InverseSoftplus(value.clamp_min(margin)),
            ParameterConstraintKind.Negative => InverseSoftplus((-value).clamp_min(margin)),
            ParameterConstraintKind.Interval => Logit(((value - spec.Lower) / (spec.Upper - spec.Lower)).clamp(margin, 1 - margin)),
            ParameterConstraintKind.LatentRange => LatentLogit(LatentRange(index), value),
        };

        static Tensor LatentLogit(Tensor range, Tensor value)
        {
            var lo = range.select(-1, 0).unsqueeze(-1);
            var width = range.select(-1, 1).unsqueeze(-1) - lo;
            var t = ((value - lo) / width).nan_to_num(nan: 0.5, posinf: 0.5, neginf: 0.5);   // a point range: the middle
            return Logit(t.clamp(margin, 1 - margin));
        }

        // softplus⁻¹(y) = y + log(−expm1(−y)), stable for large y; logit(t) = log t − log1p(−t).
        static Tensor InverseSoftplus(Tensor y) => y + torch.log(-torch.expm1(-y));
        static Tensor Logit(Tensor t) => t.log() - torch.log1p(-t);
    }

    private void ResetRaw(string name, double[] init)
    {
        if (init.Length == 0) return;
        var t = Param(name);
        using var values = tensor(init, dtype: t.dtype, device: t.device);
        var shape = new long[t.dim()];
        shape[0] = init.Length;
        for (int i = 1; i < shape.Length; i++) shape[i] = 1;
        using var view = values.view(shape);
        t.copy_(view.expand_as(t));
    }

    private static string WeightName(int layer) => "net_w" + layer.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static string BiasName(int layer) => "net_b" + layer.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override int Features => _features;

    /// <inheritdoc />
    public override int LatentDim => Layout.LatentDim;

    /// <inheritdoc />
    public override IReadOnlyList<string> FamilyNames => _familyNames;

    /// <summary>Gauss–Legendre order n.</summary>
    public int QuadratureOrder => Layout.QuadratureOrder;

    /// <summary>The Gauss–Legendre rule as buffers (submodule "quadrature"; moves with the decoder).</summary>
    public GaussLegendreBuffers Quadrature => _quadrature;

    private TorchSharp.Modules.Parameter Param(string name) =>
        get_parameter(name) ?? throw new InvalidOperationException($"Parameter '{name}' is missing.");

    /// <summary>The unconstrained tensor that holds parameter <paramref name="index"/> (a view into the shared raw
    /// tensor: [d] or [P, d]).</summary>
    public Tensor RawParameter(int index)
    {
        var spec = Layout.Parameters[index];
        return spec.Shape == ParameterShape.Feature
            ? Param(FeatureRawName).select(0, _storageRow[index])
            : Param(LatentRawName).select(0, _storageRow[index]);
    }

    /// <summary>The constrained value of parameter <paramref name="index"/>: [d] for per-feature, [P, d] for per-latent parameters.</summary>
    public Tensor ParameterValue(int index) => Constrain(index, RawParameter(index));

    /// <summary>The constrained value of a parameter by family and parameter name.</summary>
    /// <exception cref="ArgumentException">No such parameter.</exception>
    public Tensor ParameterValue(string family, string parameter)
    {
        int k = Array.IndexOf(_familyNames, family);
        for (int i = 0; i < Layout.Parameters.Count; i++)
            if (Layout.Parameters[i].Family == k && Layout.Parameters[i].Name == parameter) return ParameterValue(i);
        throw new ArgumentException($"Decoder has no parameter '{family}.{parameter}'.");
    }

    /// <summary>
    /// Per family, the free parameters one feature has in it: each family parameter (x0 and v0 included) once, or once
    /// per latent coordinate; plus, for a family that reads <c>net</c>, its output weights and bias for that feature in
    /// each latent coordinate's group (P·(h + 1), h the last hidden width, 1 without hidden layers). The derivative
    /// network's hidden layers are shared by all features and not counted.
    /// </summary>
    public override IReadOnlyList<int> ParametersPerFeature()
    {
        var counts = new int[_familyNames.Length];
        foreach (var spec in Layout.Parameters) counts[spec.Family] += spec.Shape == ParameterShape.Feature ? 1 : LatentDim;
        var hidden = Layout.DerivativeNet.Hidden;
        int inputs = hidden.Count > 0 ? hidden[^1] : 1;
        for (int k = 0; k < counts.Length; k++)
            if (Layout.Families[k].UsesNet) counts[k] += LatentDim * (inputs + 1);
        return counts;
    }

    /// <summary>
    /// True (the default): every family with an output map (<c>map g(x)</c>) returns g(x). False: such families return x
    /// = x0 + Σ_p s_p, the value before the map — for inspecting where a curve's shape comes from (the refuter uses it
    /// to tell a map's amplification of x's rounding from a break of x itself). Not saved with the model.
    /// </summary>
    public bool ApplyOutputMaps { get; set; } = true;

    /// <summary>
    /// Every family parameter's constrained value per feature, as named columns for a results table: "family.param"
    /// (x0 included), or "family.param[p]" per latent coordinate p = 1…P when P &gt; 1. An <c>in latent</c> parameter is
    /// read at the current running range (so the transient's peak location is in the same units as the posterior means).
    /// </summary>
    public IReadOnlyList<(string Name, double[] Values)> ParameterColumns()
    {
        using var _ = torch.no_grad();
        var columns = new List<(string, double[])>();
        for (int i = 0; i < Layout.Parameters.Count; i++)
        {
            var spec = Layout.Parameters[i];
            string name = _familyNames[spec.Family] + "." + spec.Name;
            using var value = ParameterValue(i).detach().to(ScalarType.Float64).cpu();
            if (spec.Shape == ParameterShape.Feature) { columns.Add((name, value.data<double>().ToArray())); continue; }
            long latent = value.shape[0];
            for (long p = 0; p < latent; p++)
            {
                using var row = value.select(0, p).contiguous();
                columns.Add((latent == 1 ? name : $"{name}[{p + 1}]", row.data<double>().ToArray()));
            }
        }
        return columns;
    }

    /// <summary>Evaluates the shared derivative network at points <paramref name="tau"/> [B, P, m] (column p feeds
    /// group p) in one batched forward; returns [K', B, P, m, d] with K' the families that use <c>net</c>, in
    /// <see cref="DecoderLayout.NetSlots"/> order (a strided view of the network's output, not a copy).</summary>
    public Tensor DerivativeNetwork(Tensor tau) => NetworkOutput(tau).permute(3, 1, 0, 2, 4);

    /// <summary>Layer outputs of at least this many elements get their bias added inside the matmul (see
    /// <see cref="NetworkOutput"/>).</summary>
    private const long FusedBiasElements = 1 << 18;

    /// <summary>The derivative network at <paramref name="tau"/> [B, P, m] in the layout its last matmul writes:
    /// [P, B, m, K', d] (contiguous). Consumers take per-slot views of it (<see cref="QuadraturePoints.Net"/>) instead of
    /// a permuted copy: a copy costs a full pass forward and backward, while the views' gradients are stacked back into
    /// this layout by one pass.</summary>
    internal Tensor NetworkOutput(Tensor tau)
    {
        if (Layout.NetFamilies == 0) throw new InvalidOperationException("No family of this decoder uses the derivative network.");
        if (tau.dim() != 3 || tau.shape[1] != LatentDim)
            throw new ArgumentException($"Expected points of shape [B, {LatentDim}, m], got [{string.Join(", ", tau.shape)}].", nameof(tau));
        long b = tau.shape[0], m = tau.shape[2];
        int p = LatentDim;
        var h = tau.permute(1, 0, 2).reshape(p, b * m, 1);
        var act = Layout.DerivativeNet.Activation;
        for (int l = 0; l < _netLayers; l++)
        {
            // The first layer has one input: b + τ·w as one fused op instead of a k = 1 matmul. With one latent group
            // and a large output the others add the bias inside the matmul (addmm: no second pass over the output, for
            // three more view operations; TorchSharp 0.107's baddbmm binds its arguments wrongly, so P > 1 keeps bmm
            // and an in-place add, and so do small outputs, where the view operations cost more than the pass).
            var w = Param(WeightName(l));
            h = l == 0 ? addcmul(Param(BiasName(l)), h, w, 1.0)
                : p == 1 && b * m * w.shape[2] >= FusedBiasElements ? addmm(Param(BiasName(l))[0], h[0], w[0], 1, 1).unsqueeze(0)
                : bmm(h, w).add_(Param(BiasName(l)));
            if (l < _netLayers - 1) h = DecoderMath.Activate(h, act);
        }
        return h.view(p, b, m, Layout.NetFamilies, _features);
    }

    /// <summary>forward(z [B, P]) → [B, K, d].</summary>
    public override Tensor forward(Tensor z)
    {
        if (z.dim() != 2 || z.shape[1] != LatentDim)
            throw new ArgumentException($"{GetName()} expects z of shape [B, {LatentDim}], got [{string.Join(", ", z.shape)}].", nameof(z));
        return EvaluateStacked(new QuadraturePoints(this, z));
    }

    /// <summary>Evaluates all families at once: [B, K, d]. The default stacks <see cref="EvaluateFamilies"/>; generated
    /// decoders override it to assemble every family in a few ops on the stacked result
    /// (<see cref="QuadraturePoints.AssembleFamilies"/>).</summary>
    protected virtual Tensor EvaluateStacked(QuadraturePoints q)
    {
        var outputs = EvaluateFamilies(q);
        if (outputs.Length != _familyNames.Length)
            throw new InvalidOperationException($"{GetName()} evaluated {outputs.Length} families, expected {_familyNames.Length}.");
        long b = q.Z.shape[0];
        var expanded = new Tensor[outputs.Length];
        for (int k = 0; k < outputs.Length; k++)
        {
            var o = outputs[k];
            expanded[k] = o.dim() == 2 && o.shape[0] == b && o.shape[1] == _features ? o : o.expand(b, _features);
        }
        return stack(expanded, dim: 1);
    }

    /// <summary>Rows [<paramref name="first"/>, first + count) of the raw per-feature parameter tensor: [count, d].</summary>
    internal Tensor FeatureRawRows(int first, int count) => Param(FeatureRawName).narrow(0, first, count);

    /// <summary>The row of parameter <paramref name="index"/> in its raw tensor.</summary>
    internal int StorageRow(int index) => _storageRow[index];

    /// <summary>Evaluates every family at the batch described by <paramref name="q"/>: K tensors of shape [B, d]
    /// (or broadcastable to it), in family index order.</summary>
    protected abstract Tensor[] EvaluateFamilies(QuadraturePoints q);

    /// <inheritdoc />
    /// <remarks>Parameters stored in adjacent rows of the same raw tensor with the same constraint and prior are
    /// evaluated together over one slice (fewer, larger tensor ops); the constant part of every log density is
    /// added once, as a number, at the end.</remarks>
    public override Tensor LogPrior()
    {
        Tensor? total = null;
        double constant = 0;
        foreach (var group in _priorGroups)
        {
            var raw = Param(group.Feature ? FeatureRawName : LatentRawName).narrow(0, group.FirstRow, group.Rows);
            var value = Constrain(group.FirstParameter, raw);
            var term = LogDensitySum(group.Spec, value);
            constant += _logPriorConstants[group.FirstParameter] * value.numel();
            total = total is null ? term : total + term;
        }
        if (total is not null) return constant == 0 ? total : total + constant;
        var reference = _quadrature.Weights;
        return zeros(Array.Empty<long>(), dtype: reference.dtype, device: reference.device);
    }

    /// <summary>Runs of parameters with a prior that sit in consecutive rows of one raw tensor and share constraint
    /// and prior, in parameter order.</summary>
    private static PriorGroup[] GroupPriors(IReadOnlyList<ParameterLayout> parameters, int[] storageRow)
    {
        var groups = new List<PriorGroup>();
        for (int i = 0; i < parameters.Count; i++)
        {
            var spec = parameters[i];
            if (spec.Prior == ParameterPriorKind.None) continue;
            bool feature = spec.Shape == ParameterShape.Feature;
            if (groups.Count > 0)
            {
                var last = groups[^1];
                if (last.Feature == feature && last.FirstRow + last.Rows == storageRow[i] && SamePrior(last.Spec, spec))
                {
                    groups[^1] = last with { Rows = last.Rows + 1 };
                    continue;
                }
            }
            groups.Add(new PriorGroup(spec, i, feature, storageRow[i], 1));
        }
        return groups.ToArray();
    }

    private static bool SamePrior(ParameterLayout a, ParameterLayout b) =>
        a.Constraint == b.Constraint && a.Lower.Equals(b.Lower) && a.Upper.Equals(b.Upper) &&
        a.Prior == b.Prior && a.PriorA.Equals(b.PriorA) && a.PriorB.Equals(b.PriorB);

    private readonly record struct PriorGroup(ParameterLayout Spec, int FirstParameter, bool Feature, int FirstRow, int Rows);

    // ---- constraints and priors -------------------------------------------------------------------------------

    /// <summary>The constrained value of <paramref name="raw"/>, raw values of parameter <paramref name="index"/> (or of
    /// a run of rows that share its constraint: [rows, P, d]). Every path from a raw parameter to its value (the value
    /// the families read, the prior's argument) goes through here, so an <c>in latent</c> parameter always reads the
    /// current running range: value = lo_p + (hi_p − lo_p)·sigmoid(raw), kept within [lo_p, hi_p] under rounding.</summary>
    private Tensor Constrain(int index, Tensor raw)
    {
        var spec = Layout.Parameters[index];
        return spec.Constraint switch
        {
            ParameterConstraintKind.None => raw,
            ParameterConstraintKind.Positive => nn.functional.softplus(raw),
            ParameterConstraintKind.Negative => -nn.functional.softplus(raw),
            ParameterConstraintKind.Interval => sigmoid(raw) * (spec.Upper - spec.Lower) + spec.Lower,
            ParameterConstraintKind.LatentRange => InLatentRange(LatentRange(index), raw),
        };

        static Tensor InLatentRange(Tensor range, Tensor raw)
        {
            var lo = range.select(-1, 0).unsqueeze(-1);      // [P, 1]: broadcasts over features (and rows)
            var hi = range.select(-1, 1).unsqueeze(-1);
            return ((hi - lo) * sigmoid(raw) + lo).clamp(lo, hi);
        }
    }

    /// <summary>The raw value a parameter starts from: the inverse transform of its <c>init</c>; for <c>in latent</c>,
    /// relative to the starting range (the generator's <c>init</c> is its middle, so raw 0).</summary>
    internal static double Unconstrain(ParameterLayout spec)
    {
        double v = spec.Init;
        return spec.Constraint switch
        {
            ParameterConstraintKind.None => v,
            ParameterConstraintKind.Positive => InverseSoftplus(v),
            ParameterConstraintKind.Negative => InverseSoftplus(-v),
            ParameterConstraintKind.Interval => Logit((v - spec.Lower) / (spec.Upper - spec.Lower)),
            ParameterConstraintKind.LatentRange => InitialLatentRaw(spec),
        };
    }

    private static double InitialLatentRaw(ParameterLayout spec)
    {
        var (lo, hi) = LatentRangeRule.InitialRange(spec.Lower, spec.Upper);
        if (!(hi > lo)) return 0;
        double t = (spec.Init - lo) / (hi - lo);
        return Logit(Math.Min(Math.Max(t, 1e-3), 1 - 1e-3));
    }

    private static double InverseSoftplus(double y) => y > 20 ? y + Math.Log(-ExpM1(-y)) : Math.Log(ExpM1(y));

    /// <summary>eˣ − 1 without cancellation for small |x|.</summary>
    private static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + 0.5 * x * x + x * x * x / 6 : Math.Exp(x) - 1;

    private static double Logit(double t) => Math.Log(t) - Math.Log(1 - t);

    private const double HalfLog2Pi = 0.91893853320467274178;

    private static double LogPriorConstant(ParameterLayout s) => s.Prior switch
    {
        ParameterPriorKind.None => 0,
        ParameterPriorKind.Normal => -Math.Log(s.PriorB) - HalfLog2Pi,
        ParameterPriorKind.Gamma => s.PriorA * Math.Log(s.PriorB) - LogGamma(s.PriorA),
        ParameterPriorKind.LogNormal => -Math.Log(s.PriorB) - HalfLog2Pi,
        ParameterPriorKind.HalfNormal => Math.Log(2) - Math.Log(s.PriorA) - HalfLog2Pi,
        ParameterPriorKind.Exponential => Math.Log(s.PriorA),
    };

    /// <summary>Σ of the non-constant part of the log density over all elements of <paramref name="x"/> (a scalar);
    /// terms whose coefficient is zero (e.g. the log x term of Gamma(1, ·)) are left out.</summary>
    private static Tensor LogDensitySum(ParameterLayout s, Tensor x) => s.Prior switch
    {
        ParameterPriorKind.None => throw new ArgumentException("A parameter without prior has no log density.", nameof(s)),
        ParameterPriorKind.Normal => (s.PriorA == 0 ? x : x - s.PriorA).square().sum() * (-0.5 / (s.PriorB * s.PriorB)),
        ParameterPriorKind.Gamma => s.PriorA == 1 ? x.sum() * -s.PriorB : (log(x) * (s.PriorA - 1) - x * s.PriorB).sum(),
        ParameterPriorKind.LogNormal => LogNormalSum(s, x),
        ParameterPriorKind.HalfNormal => x.square().sum() * (-0.5 / (s.PriorA * s.PriorA)),
        ParameterPriorKind.Exponential => x.sum() * -s.PriorA,
    };

    private static Tensor LogNormalSum(ParameterLayout s, Tensor x)
    {
        var lx = log(x);
        return ((s.PriorA == 0 ? lx : lx - s.PriorA).square() * (-0.5 / (s.PriorB * s.PriorB)) - lx).sum();
    }

    /// <summary>log Γ(x) for x &gt; 0 (Lanczos, g = 7, n = 9; relative error below 1e-13).</summary>
    internal static double LogGamma(double x)
    {
        if (x < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        ReadOnlySpan<double> c = stackalloc double[]
        {
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        };
        x -= 1;
        double a = c[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) a += c[i] / (x + i);
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(a);
    }

}

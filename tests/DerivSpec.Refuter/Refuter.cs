using System;
using Declared = DerivSpec.Language.ShapeProperties;   // the properties a generated family declares
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DerivSpec.Language;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Tools;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Refuter;

/// <summary>Settings of one refuter run.</summary>
public sealed class RefuterOptions
{
    /// <summary>How many accepted families to evaluate.</summary>
    public int Families { get; init; } = 300;

    /// <summary>Master seed; family i has seed <see cref="Refuter.FamilySeed"/>(Seed, i).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Accepted families per compiled model.</summary>
    public int FamiliesPerModel { get; init; } = 100;

    /// <summary>Share of families placed in <c>latent 2</c> models (evaluated along each coordinate, the other fixed).</summary>
    public double Latent2Share { get; init; } = 0.2;

    /// <summary>Uniform grid points over [−10, 10] (points clustered around anchors are added).</summary>
    public int GridPoints { get; init; } = 4001;

    /// <summary>Integration rule: "default" (the decoder's default, no Use* call) or "gl" (<see cref="DerivativeDecoder.UseGaussLegendre"/>) or "grid" (<see cref="DerivativeDecoder.UseSharedGrid"/>).</summary>
    public string Rule { get; init; } = "default";

    /// <summary>How many violations of each kind are printed in full (one per family and kind).</summary>
    public int Report { get; init; } = 10;

    /// <summary>Count shape breaks that only float32 shows (not the same decoder in float64) as violations too.</summary>
    public bool Strict { get; init; }

    /// <summary>Progress lines (null: quiet).</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>One property broken by one family under one setting (the first place on the line where it broke).</summary>
public sealed record Violation(string Kind, string Details);

/// <summary>Figures of a run.</summary>
public sealed class RefuterResult
{
    public int Generated { get; set; }
    public int Accepted { get; set; }
    /// <summary>Accepted families with a parameter constrained <c>in latent</c> (evaluated under arbitrary running ranges).</summary>
    public int AcceptedWithLatentRange { get; set; }
    public int Models { get; set; }
    public int Unsupported { get; set; }
    public long Evaluations { get; set; }
    public int Settings { get; set; }
    public Dictionary<string, int> Rejections { get; } = new();
    public Dictionary<string, int> AcceptedByTemplate { get; } = new();
    public Dictionary<string, int> GeneratedByTemplate { get; } = new();
    public Dictionary<string, int> ViolationsByKind { get; } = new();
    public Dictionary<string, HashSet<string>> FamiliesByKind { get; } = new();
    public Dictionary<string, HashSet<string>> FamiliesWithoutIntegralByKind { get; } = new();
    public List<Violation> First { get; } = new();
    internal HashSet<string> Printed { get; } = new();
    internal Stopwatch Watch { get; } = Stopwatch.StartNew();
    public TimeSpan Elapsed { get; set; }

    /// <summary>Whether float32-only shape breaks (not confirmed in float64) count as violations.</summary>
    public bool Strict { get; set; }

    /// <summary>Violations that fail the run: every kind, except float32-only and map-rounding ones unless <see cref="Strict"/>.</summary>
    public int TotalViolations => ViolationsByKind.Where(kv => !kv.Key.StartsWith("undeclared-", StringComparison.Ordinal) && !kv.Key.Contains("overflow-", StringComparison.Ordinal) && kv.Key != "torchsharp-scalar-race" &&
        (Strict || !kv.Key.StartsWith("float32-only-", StringComparison.Ordinal) && !kv.Key.StartsWith("float32-range-", StringComparison.Ordinal)
                   && !kv.Key.StartsWith("map-rounding-", StringComparison.Ordinal))).Sum(kv => kv.Value);

    /// <summary>The figures as printed by the command.</summary>
    public string Summary()
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"families generated: {Generated}");
        s.AppendLine(CultureInfo.InvariantCulture, $"families accepted by the checker: {Accepted + Unsupported} ({100.0 * (Accepted + Unsupported) / Math.Max(1, Generated):F1}%), evaluated: {Accepted} ({AcceptedWithLatentRange} with an 'in latent' parameter)");
        foreach (var (t, n) in GeneratedByTemplate.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            s.AppendLine(CultureInfo.InvariantCulture, $"  {t}: {AcceptedByTemplate.GetValueOrDefault(t)}/{n} accepted");
        s.AppendLine("rejections by diagnostic (first error of each rejected family): " +
            string.Join(", ", Rejections.OrderByDescending(kv => kv.Value).Select(kv => kv.Key + " " + kv.Value)));
        s.AppendLine(CultureInfo.InvariantCulture, $"accepted but not supported by the generator (DSPEC9005, a parameter in a map of a latent-2 model; not evaluated): {Unsupported}");
        s.AppendLine(CultureInfo.InvariantCulture, $"compiled models: {Models}");
        s.AppendLine(CultureInfo.InvariantCulture, $"settings per family (network × parameter settings): {Settings}");
        s.AppendLine(CultureInfo.InvariantCulture, $"evaluations (families × settings × z points, per latent coordinate): {Evaluations:N0}");
        s.AppendLine(string.Create(CultureInfo.InvariantCulture, $"violations: {TotalViolations} (one per family, setting, coordinate and kind") + (Strict ? ", float32-only ones included)" : "; float32-only shape breaks and float32-range overflows, absent in float64, ±∞ of a bounded family (overflow-bounded: the exact value is beyond the float range) and NaN of families that declare nothing are listed but not counted)"));
        foreach (var (k, n) in ViolationsByKind.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            s.AppendLine(CultureInfo.InvariantCulture, $"  {k}: {n} in {FamiliesByKind[k].Count} families ({FamiliesWithoutIntegralByKind.GetValueOrDefault(k)?.Count ?? 0} of them without any integral: no integration rule involved)");
        s.AppendLine(CultureInfo.InvariantCulture, $"elapsed: {Elapsed.TotalSeconds:F1} s");
        if (First.Count > 0)
        {
            s.AppendLine();
            s.AppendLine(CultureInfo.InvariantCulture, $"the first violations of each kind (one per family), {First.Count} in all:");
            foreach (var v in First.OrderBy(v => v.Kind, StringComparer.Ordinal)) s.AppendLine("---- " + v.Kind).AppendLine(v.Details);
        }
        return s.ToString();
    }
}

/// <summary>
/// Refutes the checker and the generated decoders: random families (<see cref="FamilyGenerator"/>) that the checker
/// accepts are batched into models, compiled with the run-time compiler (the real source generator), and evaluated in
/// float32 with random and adversarial networks and with parameters at and near their bounds on a dense z grid over
/// [−10, 10]; every declared property is checked on every line.
/// <para>Checks (x_i = output at the i-th grid point, grid ascending; tol_i = 4 ulp(max(|x_i|, |x_{i+1}|, |x_line(0)|)),
/// where x_line(0) is the line's value at z_p = 0, which carries x0 and the other coordinates' terms):</para>
/// <list type="bullet">
/// <item>increasing: a drop x_{i+1} &lt; x_i − tol_i is a violation; decreasing: a rise x_{i+1} &gt; x_i + tol_i;</item>
/// <item>transient: unimodal — once the line has fallen by more than tol, a rise by more than tol is a violation.
///   Strict monotonicity cannot be checked in float32: exp(−h²) saturates to 1 near the peak and to 0 in the tails, so
///   flat stretches are allowed;</item>
/// <item>nonnegative: any x_i &lt; 0 (no tolerance: a proven lower bound ≥ 0 survives monotone rounding);</item>
/// <item>NaN: never a value of a proven family ("bounded" when the family declares it, else "nonfinite-nan"; NaN of a
///   family that declares nothing is listed as "undeclared-…", not counted). ±∞ is what a finite value beyond the
///   float range rounds to: the order properties are checked over the extended reals, and ±∞ of a family that declares
///   bounded is listed as "overflow-bounded", not counted. A NaN that the float64 decoder does not produce is listed
///   as "float32-range-…", not counted.</item>
/// </list>
/// </summary>
public static class Refuter
{
    private const int Features = 8;          // columns: one parameter setting each
    private const int Hidden = 32;           // net [32] tanh
    private const double ToleranceUlps = 4;

    /// <summary>Seed of family <paramref name="i"/> of a run with master seed <paramref name="seed"/>.</summary>
    public static int FamilySeed(int seed, int i) => unchecked((int)((uint)seed * 2654435761u ^ (uint)i * 40503u + (uint)i));

    /// <summary>Runs the refuter.</summary>
    public static RefuterResult Run(RefuterOptions options)
    {
        var result = new RefuterResult { Strict = options.Strict };
        var pools = new Dictionary<int, List<GeneratedFamily>> { [1] = new(), [2] = new() };
        var place = new Random(options.Seed);
        int modelIndex = 0;
        for (int i = 0; result.Accepted < options.Families; i++)
        {
            if (i > 50 * options.Families + 1000) throw new InvalidOperationException("The generator produces too few accepted families.");
            var family = FamilyGenerator.Generate(FamilySeed(options.Seed, i));
            int latent = place.NextDouble() < options.Latent2Share ? 2 : 1;
            result.Generated++;
            string template = family.Template;
            result.GeneratedByTemplate[template] = result.GeneratedByTemplate.GetValueOrDefault(template) + 1;
            var check = DspecCompiler.Compile(ModelText("Probe", latent, new[] { family }), "probe.dspec");
            var error = check.Diagnostics.FirstOrDefault(d => d.Severity == DspecSeverity.Error);
            if (error is not null)
            {
                result.Rejections[error.Id] = result.Rejections.GetValueOrDefault(error.Id) + 1;
                continue;
            }
            if (latent > 1 && family.Body.Contains("map ", StringComparison.Ordinal)
                && DspecRuntimeCompiler.Generate(new[] { ("probe.dspec", ModelText("Probe", latent, new[] { family })) }).GeneratorDiagnostics.Any(d => d.Id == "DSPEC9005"))
            {
                result.Unsupported++;
                continue;
            }
            result.Accepted++;
            if (family.Body.Contains(" in latent", StringComparison.Ordinal)) result.AcceptedWithLatentRange++;
            result.AcceptedByTemplate[template] = result.AcceptedByTemplate.GetValueOrDefault(template) + 1;
            var pool = pools[latent];
            pool.Add(family);
            if (pool.Count >= options.FamiliesPerModel)
            {
                CompileAndEvaluate(options, result, latent, pool.ToArray(), modelIndex++);
                pool.Clear();
            }
        }
        foreach (var (latent, pool) in pools)
            if (pool.Count > 0) CompileAndEvaluate(options, result, latent, pool.ToArray(), modelIndex++);
        result.Elapsed = result.Watch.Elapsed;
        return result;
    }

    /// <summary>A model text holding <paramref name="families"/> as f0, f1, ….</summary>
    public static string ModelText(string name, int latent, IReadOnlyList<GeneratedFamily> families)
    {
        var s = new StringBuilder();
        s.Append("model ").Append(name).Append(" {\n  latent ").Append(latent).Append("\n  net [").Append(Hidden).Append("] tanh\n");
        for (int k = 0; k < families.Count; k++) s.Append("  ").Append(families[k].Text("f" + k.ToString(CultureInfo.InvariantCulture))).Append('\n');
        return s.Append("}\n").ToString();
    }

    private static void CompileAndEvaluate(RefuterOptions options, RefuterResult result, int latent, GeneratedFamily[] families, int modelIndex)
    {
        string name = "Refuted" + modelIndex.ToString(CultureInfo.InvariantCulture);
        var text = ModelText(name, latent, families);
        using (var compilation = DspecRuntimeCompiler.Compile(text, name + ".dspec"))
        {
            if (compilation.Success)
            {
                string? failure = Preflight(compilation.Models.Single(), latent, options.Rule);
                if (failure is null)
                {
                    result.Models++;
                    options.Log?.WriteLine($"model {modelIndex}: latent {latent}, {families.Length} families compiled; evaluating ({result.Accepted} accepted so far, {result.TotalViolations} violations, {result.Watch.Elapsed.TotalSeconds:F0} s)");
                    var evalWatch = Stopwatch.StartNew();
                    try
                    {
                        Evaluate(options, result, compilation.Models.Single(), latent, families, modelIndex);
                    }
                    catch (Exception ex) when (ex is System.Runtime.InteropServices.ExternalException or InvalidOperationException or ArgumentException)
                    {
                        // A forward that throws under some setting (the preflight ran): a violation, with the whole model —
                        // except an error raised in c10/core/Scalar.h ("Unknown scalar type", a failed toDouble): TorchSharp's
                        // finalizer freeing an implicitly converted Scalar while libtorch still reads it (dotnet/TorchSharp#1434), listed apart: the rest of that model is not evaluated.
                        bool race = ex.Message.Contains("c10/core/Scalar.h", StringComparison.Ordinal);
                        Record(options, result, race ? "torchsharp-scalar-race" : "exception", "model " + modelIndex.ToString(CultureInfo.InvariantCulture),
                            () => "the generated decoder throws in forward under an evaluation setting:\n" + text + "\n" +
                            string.Join("\n", ex.ToString().Split('\n').Where(l => !l.StartsWith("frame #", StringComparison.Ordinal)).Take(8)));
                    }
                    options.Log?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  evaluated in {evalWatch.Elapsed.TotalSeconds:F1} s"));
                    return;
                }
                if (families.Length == 1)
                {
                    Record(options, result, "exception", families[0].Seed.ToString(CultureInfo.InvariantCulture),
                        () => "accepted by the checker and compiled, but the generated decoder throws in forward:\n" +
                        ModelText("M", latent, families) + failure, families[0].UsesIntegral);
                    return;
                }
            }
            else if (families.Length == 1)
            {
                if (compilation.Diagnostics.Any(d => d.Id == "DSPEC9005")) { result.Unsupported++; result.Accepted--; return; }
                Record(options, result, "codegen", families[0].Seed.ToString(CultureInfo.InvariantCulture),
                    () => "accepted by the checker, but the generated code does not compile:\n" + families[0].Text("f0") + "\n" +
                    string.Join("\n", compilation.Diagnostics.Take(5)));
                return;
            }
        }
        // Split to find the family the generator, the C# compiler or the decoder's forward rejects.
        int half = families.Length / 2;
        CompileAndEvaluate(options, result, latent, families[..half], modelIndex);
        CompileAndEvaluate(options, result, latent, families[half..], modelIndex);
    }

    /// <summary>One small forward of a fresh decoder (z = −1, 0, 2 on every coordinate): null when it runs, otherwise
    /// the exception's first lines.</summary>
    private static string? Preflight(DspecModelFactory factory, int latent, string rule)
    {
        try
        {
            using var scope = NewDisposeScope();
            using var d = (DerivativeDecoder)factory.Create(Features, dtype: ScalarType.Float32);
            if (rule == "gl") d.UseGaussLegendre();
            else if (rule == "grid") d.UseSharedGrid();
            using var _ = no_grad();
            d.forward(tensor(new float[] { -1, 0, 2 }).unsqueeze(1).expand(3, latent).contiguous());
            return null;
        }
        catch (Exception ex) when (ex is System.Runtime.InteropServices.ExternalException or InvalidOperationException or ArgumentException)
        {
            return string.Join("\n", ex.ToString().Split('\n').Where(l => !l.StartsWith("frame #", StringComparison.Ordinal)).Take(6));
        }
    }

    private static void Record(RefuterOptions options, RefuterResult result, string kind, string familyKey, Func<string> details, bool integral = true)
    {
        if (!integral)
        {
            if (!result.FamiliesWithoutIntegralByKind.TryGetValue(kind, out var without)) result.FamiliesWithoutIntegralByKind[kind] = without = new HashSet<string>();
            without.Add(familyKey);
        }
        result.ViolationsByKind[kind] = result.ViolationsByKind.GetValueOrDefault(kind) + 1;
        if (!result.FamiliesByKind.TryGetValue(kind, out var set)) result.FamiliesByKind[kind] = set = new HashSet<string>();
        set.Add(familyKey);
        if (result.First.Count(v => v.Kind == kind) < options.Report && result.Printed.Add(kind + " " + familyKey)) result.First.Add(new Violation(kind, details()));
    }

    /// <summary>The z grid: <paramref name="points"/> uniform points over [−10, 10] plus 41 points 1e-4 apart around
    /// each anchor, as distinct ascending float32 values.</summary>
    public static float[] Grid(int points, IEnumerable<double> anchors)
    {
        var set = new SortedSet<float>();
        for (int i = 0; i < points; i++) set.Add((float)(-10 + 20.0 * i / (points - 1)));
        foreach (var a in anchors)
            for (int k = -20; k <= 20; k++)
            {
                double v = a + k * 1e-4;
                if (v >= -10 && v <= 10) set.Add((float)v);
            }
        return set.ToArray();
    }

    private sealed class NetSetting
    {
        public required string Name { get; init; }
        public required Action<DerivativeDecoder> Apply { get; init; }
        public string[,]? Describe { get; init; }    // [slot, column], designed passes only
    }

    /// <summary>Half-widths of the second, near-0 evaluation of every line (a batch of its own, so the shape-preserving rule
    /// cuts its grid to a few knots, or to about 200 on each side of 0 for 6).</summary>
    private static readonly double[] NearCuts = { 0.01, 0.5, 1.5, 3, 6 };

    private static void Evaluate(RefuterOptions options, RefuterResult result, DspecModelFactory factory, int latent,
        GeneratedFamily[] families, int modelIndex)
    {
        int modelSeed = FamilySeed(options.Seed ^ 0x5eed, modelIndex);
        var rng = new Random(modelSeed);
        using var scope = NewDisposeScope();
        manual_seed(modelSeed);
        using var decoder = (DerivativeDecoder)factory.Create(Features, dtype: ScalarType.Float32);
        if (options.Rule == "gl") decoder.UseGaussLegendre();
        else if (options.Rule == "grid") decoder.UseSharedGrid();
        else if (options.Rule != "default") throw new ArgumentException($"Unknown rule '{options.Rule}' (default, gl, grid).");
        int k = families.Length;
        var layout = decoder.Layout;
        var slots = layout.NetSlots;

        // The random narrow bump of the designed networks, and the anchors the grid clusters around.
        double bumpAt = Math.Round(-9 + 18 * rng.NextDouble(), 3);
        double bumpWidth = new[] { 1e-3, 1e-2, 0.05, 0.1 }[rng.Next(4)];
        var anchors = new List<double> { 0, 1e-3, -1e-3, 1, -1, 2, 2.05, 2.02, -3, 5, 10, -10, bumpAt, bumpAt + bumpWidth };
        var fullGrid = Grid(options.GridPoints, anchors);

        var snapshot = decoder.named_parameters().Where(p => p.name is "feature_raw" or "latent_raw")
            .ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var settings = new List<NetSetting> { new() { Name = "default random init (torch seed " + modelSeed + ")", Apply = _ => { } } };
        if (layout.NetFamilies > 0)
        {
            settings.Add(new NetSetting { Name = "large random weights (W0 ~ U(±50), steps inside [-10, 10], W1 ~ U(±50)/√32, b1 ~ U(±50))", Apply = d => LargeNet(d, rng) });
            for (int r = 0; r < 2; r++)
            {
                var describe = new string[layout.NetFamilies, Features];
                var apply = DesignedNet(rng, layout.NetFamilies, latent, bumpAt, bumpWidth, describe);
                settings.Add(new NetSetting { Name = "designed network " + r, Apply = apply, Describe = describe });
            }
        }
        result.Settings = Math.Max(result.Settings, settings.Count * Features);

        for (int s = 0; s < settings.Count; s++)
        {
            var setting = settings[s];
            var regimes = new string[Features];
            using (no_grad())
            {
                setting.Apply(decoder);
                SetParameters(decoder, snapshot, rng, regimes);
            }
            for (int line = 0; line < latent; line++)
            {
                double other = latent == 1 ? 0 : new[] { -3.0, 0.7, 6 }[rng.Next(3)];
                CheckLine(setting, regimes, fullGrid, line, other);
                // The same line near 0 as a batch of its own: the shape-preserving rule then evaluates the integrand at
                // fewer knots (FixedGridOptions.HalfCellsFor), a different computation that must keep every declared
                // property too.
                double cut = NearCuts[rng.Next(NearCuts.Length)];
                CheckLine(setting, regimes, fullGrid.Where(v => Math.Abs(v) <= cut).ToArray(), line, other);
            }
        }

        void CheckLine(NetSetting setting, string[] regimes, float[] grid, int line, double other)
        {
            float[] x;
            int b = grid.Length;
            int zeroIndex = Array.IndexOf(grid, 0f);
            using (var inner = NewDisposeScope())
            using (no_grad())
            {
                var z = full(new long[] { b, latent }, other, dtype: ScalarType.Float32);
                z[TensorIndex.Colon, TensorIndex.Single(line)] = tensor(grid);
                var output = decoder.forward(z);
                x = output.contiguous().data<float>().ToArray();
            }
            result.Evaluations += (long)b * k * Features;
            double[]? x64 = null;
            double[]? preMap64 = null;
            float[]? preMap = null;
            for (int f = 0; f < k; f++)
                for (int j = 0; j < Features; j++)
                {
                    var values = new double[b];
                    for (int i = 0; i < b; i++) values[i] = x[((long)i * k + f) * Features + j];
                    foreach (var (kind, where) in Check(families[f].Properties, values, zeroIndex))
                    {
                        string recorded = kind;
                        string confirmation = "";
                        bool nonfiniteKind = kind is "nonfinite-nan" or "overflow-bounded" || kind == "bounded" && values.Any(double.IsNaN);
                        if (nonfiniteKind && families[f].Properties == Declared.None)
                        {
                            // A family that declares nothing promises nothing (a possibly undefined value in it is a
                            // warning, DSPEC2006): listed, not counted.
                            recorded = "undeclared-" + kind;
                        }
                        else if (nonfiniteKind)
                        {
                            // ±∞/NaN that the same decoder in float64 does not produce is float32's range (an
                            // intermediate beyond 3.4e38, e.g. exp(100)), not a false proof or a rule defect.
                            x64 ??= Evaluate64(factory, decoder, options.Rule, grid, latent, line, other);
                            var values64 = new double[b];
                            for (int i = 0; i < b; i++) values64[i] = x64[((long)i * k + f) * Features + j];
                            bool finite64 = values64.All(double.IsFinite);
                            var again = Check(families[f].Properties, values64, zeroIndex, single: false).Where(v => v.Kind == kind).ToList();
                            if (finite64 && again.Count == 0)
                            {
                                recorded = "float32-range-" + kind;
                                confirmation = "\nfloat64 evaluation of the same decoder and setting: finite, no " + kind + " violation on this line (float32 overflow)";
                            }
                            else if (values.Any(double.IsInfinity) || values64.Any(double.IsInfinity))
                            {
                                // ±∞ on the line in float32 or float64: the exact values leave even float64's range
                                // (exp of a network output in the thousands), and the NaN is ∞ − ∞ of such terms.
                                recorded = kind.StartsWith("overflow-", StringComparison.Ordinal) ? kind : "overflow-" + kind;
                                confirmation = "\nfloat64 evaluation of the same decoder and setting is not finite either, and the line holds ±∞ (beyond the float range: ∞ − ∞)";
                            }
                            else if (layout.Families[f].HasOutputMap
                                     && PreMapInfinite(preMap64 ??= Evaluate64(factory, decoder, options.Rule, grid, latent, line, other, maps: false), f, j, k, b))
                            {
                                // The same behind an output map: x, the value before the map, is ±∞ on the line even in
                                // float64 (its exact value leaves the double range), and the map's NaN is ∞·0 or ∞ − ∞ of it
                                // (refuter seed 15: map (x / 40) * (0 * p0) of dx/dz = exp(exp(net))).
                                recorded = kind.StartsWith("overflow-", StringComparison.Ordinal) ? kind : "overflow-" + kind;
                                confirmation = "\nfloat64 evaluation of the same decoder and setting is not finite either, and x before the map holds ±∞ on the line in float64 (beyond the double range: the map's NaN is ∞·0 or ∞ − ∞ of it)";
                            }
                            else if (LargestLatentRangeValue(decoder, f, j) > HugeParameter)
                            {
                                // An `in latent` parameter put far out by a huge running range (|value| > 700: e^value
                                // leaves float64's range): an intermediate is ±∞ even in float64, and the NaN is 0·∞ or
                                // ∞ − ∞ of it — as an unconstrained parameter of that size would give.
                                recorded = kind.StartsWith("overflow-", StringComparison.Ordinal) ? kind : "overflow-" + kind;
                                confirmation = "\nfloat64 evaluation of the same decoder and setting is not finite either; an 'in latent' parameter lies beyond ±700 (a huge running range), where an intermediate such as its exp leaves float64's range";
                            }
                            else confirmation = "\nfloat64 evaluation of the same decoder and setting is not finite either";
                        }
                        else if (kind is "increasing" or "decreasing" or "transient"
                                 && layout.Families[f].HasOutputMap
                                 && MapRounding(families[f].Properties, values, kind, zeroIndex,
                                        preMap ??= EvaluateBeforeMaps(decoder, grid, latent, line, other), f, j, k, grid) is { } excuse)
                        {
                            // Every break of this kind on the line is a step across which x, the value before the map,
                            // moves by at most its rounding (4 ulps): a steep map's image of x's rounding, not a break
                            // of x — listed, not counted (the spec's float32 tolerance is in ulps of x for a map).
                            recorded = "map-rounding-" + kind;
                            confirmation = excuse;
                        }
                        else if (kind is "increasing" or "decreasing" or "transient")
                        {
                            // A shape break that the same decoder in float64 does not show is float32 rounding
                            // (amplified by steep maps), not a break of the proof or the integration rule.
                            x64 ??= Evaluate64(factory, decoder, options.Rule, grid, latent, line, other);
                            var values64 = new double[b];
                            for (int i = 0; i < b; i++) values64[i] = x64[((long)i * k + f) * Features + j];
                            var again = Check(families[f].Properties, values64, zeroIndex, single: false).Where(v => v.Kind == kind).ToList();
                            if (again.Count == 0)
                            {
                                recorded = "float32-only-" + kind;
                                confirmation = "\nfloat64 evaluation of the same decoder and setting: no " + kind + " violation on this line (float32 rounding)";
                            }
                            else
                            {
                                int w = again[0].Index;
                                confirmation = string.Create(CultureInfo.InvariantCulture,
                                    $"\nfloat64 evaluation of the same decoder and setting breaks it too, first at z = {grid[w]:R}: x({grid[w - 1]:R}) = {values64[w - 1]:R}, x({grid[w]:R}) = {values64[w]:R}");
                            }
                        }
                        Func<string> details = () => Describe(families[f], f, latent, line, other, grid, values, where, modelIndex, modelSeed,
                            setting.Name, setting.Describe is not null && slots[f] >= 0 ? setting.Describe[slots[f], j] : null,
                            j, regimes[j], ParameterText(decoder, f, j), options.Rule) + confirmation;
                        Record(options, result, recorded, families[f].Seed.ToString(CultureInfo.InvariantCulture), details, families[f].UsesIntegral);
                    }
                }
        }
    }

    /// <summary>The same float32 decoder and setting on the same line with its output maps off: x = x0 + Σ_p s_p of
    /// every family, [b, K, d] flattened.</summary>
    private static float[] EvaluateBeforeMaps(DerivativeDecoder decoder, float[] grid, int latent, int line, double other)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        decoder.ApplyOutputMaps = false;
        try
        {
            var z = full(new long[] { grid.Length, latent }, other, dtype: ScalarType.Float32);
            z[TensorIndex.Colon, TensorIndex.Single(line)] = tensor(grid);
            return decoder.forward(z).contiguous().data<float>().ToArray();
        }
        finally { decoder.ApplyOutputMaps = true; }
    }

    /// <summary>
    /// Null unless every break of <paramref name="kind"/> in the output <paramref name="values"/> of family
    /// <paramref name="f"/>, feature <paramref name="j"/>, lies on a step across which the value before the map moves by
    /// at most 4 float32 ulps (of the larger end and of its value at z_p = 0); then a line saying so, with x on both sides
    /// of the first break and its step there in ulps.
    /// </summary>
    internal static string? MapRounding(Declared p, double[] values, string kind, int zeroIndex, float[] preMap, int f, int j, int k, float[] grid)
    {
        int b = values.Length;
        var x = new double[b];
        for (int i = 0; i < b; i++) x[i] = preMap[((long)i * k + f) * Features + j];
        if (!x.All(double.IsFinite)) return null;
        double scale = zeroIndex >= 0 ? Math.Abs(x[zeroIndex]) : 0;
        bool Excused(int i) => Math.Abs(x[i] - x[i - 1]) <= Tolerance(x[i - 1], x[i], scale);
        var before = Check(p, values, zeroIndex).Where(v => v.Kind == kind).ToList();
        if (before.Count == 0 || Check(p, values, zeroIndex, excused: Excused).Any(v => v.Kind == kind)) return null;
        int w = before[0].Index;
        double ulps = Math.Abs(x[w] - x[w - 1]) / Ulp((float)Math.Max(Math.Max(Math.Abs(x[w]), Math.Abs(x[w - 1])), scale));
        return string.Create(CultureInfo.InvariantCulture,
            $"\nbefore the map (same decoder, maps off): x({grid[w - 1]:R}) = {x[w - 1]:R}, x({grid[w]:R}) = {x[w]:R}, a step of {ulps:G3} ulp — the output's break is the map's image of x's rounding (every break of this kind on the line is such a step)");
    }

    /// <summary>Whether x before the maps (<paramref name="preMap"/>, [B, K, d] flattened) of family <paramref name="f"/>,
    /// feature <paramref name="j"/>, is ±∞ somewhere on the line of <paramref name="b"/> points.</summary>
    internal static bool PreMapInfinite(double[] preMap, int f, int j, int k, int b)
    {
        for (int i = 0; i < b; i++)
            if (double.IsInfinity(preMap[((long)i * k + f) * Features + j])) return true;
        return false;
    }

    /// <summary>Beyond this magnitude a parameter's exp leaves float64's range (e^709.8 is the largest double).</summary>
    private const double HugeParameter = 700;

    /// <summary>The largest |value| of family <paramref name="family"/>'s <c>in latent</c> parameters in feature column
    /// <paramref name="column"/> (0 when it has none).</summary>
    private static double LargestLatentRangeValue(DerivativeDecoder d, int family, int column)
    {
        double m = 0;
        var ps = d.Layout.Parameters;
        for (int i = 0; i < ps.Count; i++)
        {
            if (ps[i].Family != family || ps[i].Constraint != DerivSpec.Runtime.Decoding.ParameterConstraintKind.LatentRange) continue;
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            m = Math.Max(m, d.ParameterValue(i).select(-1, column).abs().max().to(ScalarType.Float64).item<double>());
        }
        return m;
    }

    /// <summary>The same model in float64 with <paramref name="single"/>'s current parameters (converted), on the same
    /// line: [B, K, d] flattened; with <paramref name="maps"/> false, x before the output maps.</summary>
    private static double[] Evaluate64(DspecModelFactory factory, DerivativeDecoder single, string rule, float[] grid, int latent, int line, double other,
        bool maps = true)
    {
        using var scope = NewDisposeScope();
        using var d = (DerivativeDecoder)factory.Create(Features, dtype: ScalarType.Float64);
        d.ApplyOutputMaps = maps;
        if (rule == "gl") d.UseGaussLegendre();
        else if (rule == "grid") d.UseSharedGrid();
        using (no_grad())
        {
            foreach (var (name, p) in single.named_parameters()) d.get_parameter(name)!.copy_(p.to(ScalarType.Float64));
            if (single.HasLatentRange) d.get_buffer("latent_range")!.copy_(single.get_buffer("latent_range")!.to(ScalarType.Float64));
            var z = full(new long[] { grid.Length, latent }, other, dtype: ScalarType.Float64);
            z[TensorIndex.Colon, TensorIndex.Single(line)] = tensor(grid).to(ScalarType.Float64);
            return d.forward(z).contiguous().data<double>().ToArray();
        }
    }

    /// <summary>The violations of <paramref name="p"/> on one line: (kind, index of the first offending point).
    /// <paramref name="single"/>: the values are float32 (tolerances in float32 ulps), otherwise float64.</summary>
    public static List<(string Kind, int Index)> Check(Declared p, double[] x, int zeroIndex, bool single = true, Func<int, bool>? excused = null)
    {
        var found = new List<(string, int)>();
        double scale = zeroIndex >= 0 && double.IsFinite(x[zeroIndex]) ? Math.Abs(x[zeroIndex]) : 0;
        // NaN is never a value of a proven family. ±∞ is what a value beyond the float range rounds to: the order properties
        // are checked over the extended reals below (a fall from +∞ to a finite value is a drop), so ±∞ alone breaks only
        // `bounded` — reported as overflow-bounded, listed apart: the exact value is finite, only not representable.
        int nan = Array.FindIndex(x, double.IsNaN);
        if (nan >= 0) found.Add((p.HasFlag(Declared.Bounded) ? "bounded" : "nonfinite-nan", nan));
        int inf = Array.FindIndex(x, double.IsInfinity);
        if (inf >= 0 && p.HasFlag(Declared.Bounded)) found.Add(("overflow-bounded", inf));
        if (p.HasFlag(Declared.Nonnegative))
        {
            int neg = Array.FindIndex(x, v => v < 0);
            if (neg >= 0) found.Add(("nonnegative", neg));
        }
        bool inc = p.HasFlag(Declared.Increasing), dec = p.HasFlag(Declared.Decreasing), tra = p.HasFlag(Declared.Transient);
        bool incBroken = false, decBroken = false, traBroken = false, falling = false;
        for (int i = 0; i + 1 < x.Length; i++)
        {
            double a = x[i], c = x[i + 1];
            if (double.IsNaN(a) || double.IsNaN(c)) continue;
            if (excused is not null && excused(i + 1)) continue;
            double tol = Tolerance(a, c, scale, single);
            bool drop = c < a - tol, rise = c > a + tol;
            if (inc && drop && !incBroken) { incBroken = true; found.Add(("increasing", i + 1)); }
            if (dec && rise && !decBroken) { decBroken = true; found.Add(("decreasing", i + 1)); }
            if (tra && !traBroken)
            {
                if (drop) falling = true;
                else if (rise && falling) { traBroken = true; found.Add(("transient", i + 1)); }
            }
        }
        return found;
    }

    /// <summary>4 ulp (of float32, or of float64 when not <paramref name="single"/>) of the largest magnitude involved:
    /// the two values and the line's value at z_p = 0 (0 when infinite: comparisons with ∞ are exact).</summary>
    public static double Tolerance(double a, double c, double scale, bool single = true)
    {
        double m = Math.Max(Math.Max(Math.Abs(a), Math.Abs(c)), scale);
        if (!double.IsFinite(m)) return 0;
        return ToleranceUlps * (single ? Ulp((float)m) : Math.BitIncrement(m) - m);
    }

    /// <summary>The spacing of float32 values at <paramref name="m"/> ≥ 0.</summary>
    public static double Ulp(float m) => (double)MathF.BitIncrement(m) - m;

    private static string ParameterText(DerivativeDecoder d, int family, int column)
    {
        var s = new StringBuilder();
        var ps = d.Layout.Parameters;
        for (int i = 0; i < ps.Count; i++)
        {
            if (ps[i].Family != family) continue;
            using var scope = NewDisposeScope();
            var raw = d.RawParameter(i).select(-1, column).detach().cpu().reshape(-1).data<float>().ToArray();
            var value = d.ParameterValue(i).select(-1, column).detach().cpu().reshape(-1).data<float>().ToArray();
            s.Append("  ").Append(ps[i].Name).Append(" (").Append(ps[i].Constraint).Append("): value ")
                .Append(string.Join(", ", value.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))
                .Append("  raw ").Append(string.Join(", ", raw.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
            if (ps[i].Constraint == DerivSpec.Runtime.Decoding.ParameterConstraintKind.LatentRange)
            {
                var range = d.LatentRange(i).detach().cpu().reshape(-1).data<float>().ToArray();
                s.Append("  running range (lo, hi) per coordinate: ")
                    .Append(string.Join("; ", range.Chunk(2).Select(r => "(" + r[0].ToString("R", CultureInfo.InvariantCulture) + ", " + r[1].ToString("R", CultureInfo.InvariantCulture) + ")")));
            }
            s.Append('\n');
        }
        return s.ToString();
    }

    private static string Describe(GeneratedFamily family, int f, int latent, int line, double other, float[] grid, double[] x,
        int where, int modelIndex, int modelSeed, string net, string? netDetail, int column, string regime, string parameters, string rule)
    {
        var s = new StringBuilder();
        s.AppendLine(CultureInfo.InvariantCulture, $"family seed {family.Seed} (template: {family.Template}), model {modelIndex} (seed {modelSeed}) family f{f}, latent {latent}, rule {rule}");
        s.AppendLine(ModelText("M", latent, new[] { family }).TrimEnd());
        s.AppendLine(string.Create(CultureInfo.InvariantCulture, $"line: z{line + 1} varies over [-10, 10] ({grid.Length} points)") + (latent > 1 ? string.Create(CultureInfo.InvariantCulture, $", the other coordinate fixed at {other}") : ""));
        s.AppendLine("network: " + net + (netDetail is null ? "" : "; this family's output: " + netDetail));
        s.AppendLine(CultureInfo.InvariantCulture, $"parameters (column {column}, {regime}):");
        s.Append(parameters);
        int lo = Math.Max(0, where - 2), hi = Math.Min(x.Length - 1, where + 2);
        s.Append(CultureInfo.InvariantCulture, $"broke at z = {grid[where].ToString("R", CultureInfo.InvariantCulture)}; x around it:");
        for (int i = lo; i <= hi; i++)
            s.Append(CultureInfo.InvariantCulture, $" x({grid[i].ToString("R", CultureInfo.InvariantCulture)}) = {((float)x[i]).ToString("R", CultureInfo.InvariantCulture)}");
        if (where > 0 && double.IsFinite(x[where]) && double.IsFinite(x[where - 1]))
        {
            double ulps = Math.Abs(x[where] - x[where - 1]) / Ulp((float)Math.Max(Math.Abs(x[where]), Math.Abs(x[where - 1])));
            s.Append(CultureInfo.InvariantCulture, $"\nstep from the previous point: {x[where] - x[where - 1]:G6} ({ulps:G4} ulp)");
        }
        return s.ToString();
    }

    // ---- settings ---------------------------------------------------------------------------------------------

    private static readonly double[] ConstrainedRaw = { 30, -30, 20, -20, 5, -5, 0, 1e-3 };

    /// <summary>Running latent ranges (lo, hi) the settings put <c>in latent</c> parameters in: ranges seen in training,
    /// the designed networks' anchors, single points, tiny, huge and one-sided ones.</summary>
    private static readonly (double Lo, double Hi)[] LatentRanges =
    {
        (0.26, 1.87), (-1.82, 1.41), (-3, 5), (2, 2.05), (2.02, 2.02), (0, 0), (-1e-30, 1e-30), (1e-30, 2e-30),
        (-1e30, 1e30), (-1e30, -1e29), (5, 1e6), (-10, 10), (-7, -6.999),
    };
    private static readonly double[] UnconstrainedValues = { 0, 1e-3, -1e-3, 1, -1, 10, -10, 2.02, 2.05 };

    /// <summary>Column 0: the initial values; 1: constrained raw +30, unconstrained +10; 2: raw −30 / −10; 3–7: a random
    /// choice per parameter and coordinate (raw ±30, ±20, ±5, 0, 1e-3, N(0, 2) when constrained; 0, ±1e-3, ±1, ±10,
    /// 2.02, 2.05 or N(0, 3) when not).</summary>
    private static void SetParameters(DerivativeDecoder d, Dictionary<string, Tensor> snapshot, Random rng, string[] regimes)
    {
        foreach (var (name, value) in snapshot) d.get_parameter(name)!.copy_(value);
        var ps = d.Layout.Parameters;
        regimes[0] = "initial values";
        regimes[1] = "constrained raw +30, unconstrained +10";
        regimes[2] = "constrained raw -30, unconstrained -10";
        for (int j = 3; j < Features; j++) regimes[j] = "random values at and near bounds";
        // The running latent range of `in latent` parameters (shared by the columns): an arbitrary finite range per
        // coordinate — soundness may not depend on it.
        var done = new HashSet<(double, double)>();
        for (int i = 0; i < ps.Count; i++)
        {
            if (ps[i].Constraint != DerivSpec.Runtime.Decoding.ParameterConstraintKind.LatentRange || !done.Add((ps[i].Lower, ps[i].Upper))) continue;
            var range = new double[d.LatentDim * 2];
            for (int p = 0; p < d.LatentDim; p++)
            {
                var (lo, hi) = rng.Next(5) == 0 ? RandomRange(rng) : LatentRanges[rng.Next(LatentRanges.Length)];
                range[2 * p] = lo;
                range[2 * p + 1] = hi;
            }
            using var t = tensor(range, new long[] { d.LatentDim, 2 });
            d.SetLatentRange(i, t);
        }
        for (int i = 0; i < ps.Count; i++)
        {
            bool free = ps[i].Constraint == DerivSpec.Runtime.Decoding.ParameterConstraintKind.None;
            var raw = d.RawParameter(i);
            raw.select(-1, 1).fill_(free ? 10 : 30);
            raw.select(-1, 2).fill_(free ? -10 : -30);
            long n = raw.dim() == 1 ? 1 : raw.shape[0];
            for (int j = 3; j < Features; j++)
                for (long p = 0; p < n; p++)
                {
                    double v = free
                        ? (rng.Next(10) == 0 ? 3 * Normal(rng) : UnconstrainedValues[rng.Next(UnconstrainedValues.Length)])
                        : (rng.Next(9) == 0 ? 2 * Normal(rng) : ConstrainedRaw[rng.Next(ConstrainedRaw.Length)]);
                    var column = raw.select(-1, j);
                    (raw.dim() == 1 ? column : column.select(0, p)).fill_(v);
                }
        }
    }

    private static (double, double) RandomRange(Random rng)
    {
        double lo = 3 * Normal(rng);
        return (lo, lo + Math.Abs(2 * Normal(rng)));
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static Tensor Uniform(Random rng, long[] shape, double lo, double hi)
    {
        long n = shape.Aggregate(1L, (a, c) => a * c);
        var data = new float[n];
        for (long i = 0; i < n; i++) data[i] = (float)(lo + (hi - lo) * rng.NextDouble());
        return tensor(data).reshape(shape);
    }

    private static void LargeNet(DerivativeDecoder d, Random rng)
    {
        var w0 = d.get_parameter("net_w0")!;
        var b0 = d.get_parameter("net_b0")!;
        var w1 = d.get_parameter("net_w1")!;
        var b1 = d.get_parameter("net_b1")!;
        var w = Uniform(rng, w0.shape, -50, 50);
        w0.copy_(w);
        b0.copy_(-w * Uniform(rng, b0.shape, -10, 10));
        w1.copy_(Uniform(rng, w1.shape, -50, 50) / Math.Sqrt(Hidden));
        b1.copy_(Uniform(rng, b1.shape, -50, 50));
    }

    private static void Copy(DerivativeDecoder d, string name, float[,,] values)
    {
        var flat = new float[values.Length];
        Buffer.BlockCopy(values, 0, flat, 0, values.Length * sizeof(float));
        var p = d.get_parameter(name)!;
        p.copy_(tensor(flat).reshape(p.shape));
    }

    /// <summary>A designed network: hidden units u_i = tanh(w_i τ + b_i) with steep steps at 2 and 2.05 (u0, u1), at
    /// the random bump [a, a + width] (u2, u3), a constant unit (u4), a steep sign change at 0 (u5), steps at −3 and 5
    /// (u6, u7), and random steps (u8…); each family output and column picks one of: the narrow bump on [2, 2.05]
    /// (+30 inside, −40 outside), the random narrow bump, constant +40, constant −40, a sign change ±40 at 0, a steep
    /// sigmoidal step ∓40 at −3 or 5, large random output weights, several sign changes.</summary>
    private static Action<DerivativeDecoder> DesignedNet(Random rng, int slots, int latent, double bumpAt, double width, string[,] describe)
    {
        var w0 = new float[latent, 1, Hidden];
        var b0 = new float[latent, 1, Hidden];
        void Unit(int i, double steep, double at)
        {
            for (int p = 0; p < latent; p++) { w0[p, 0, i] = (float)steep; b0[p, 0, i] = (float)(-steep * at); }
        }
        Unit(0, 400, 2);
        Unit(1, 400, 2.05);
        double steepness = Math.Min(1e5, 40 / width);
        Unit(2, steepness, bumpAt);
        Unit(3, steepness, bumpAt + width);
        for (int p = 0; p < latent; p++) { w0[p, 0, 4] = 0; b0[p, 0, 4] = 20; }
        Unit(5, 50, 0);
        Unit(6, 5, -3);
        Unit(7, 5, 5);
        for (int i = 8; i < Hidden; i++) Unit(i, (rng.Next(2) == 0 ? 1 : -1) * Math.Exp(rng.NextDouble() * 6 - 1), -10 + 20 * rng.NextDouble());

        var w1 = new float[latent, Hidden, slots * Features];
        var b1 = new float[latent, 1, slots * Features];
        for (int s = 0; s < slots; s++)
            for (int j = 0; j < Features; j++)
            {
                int o = s * Features + j;
                int choice = rng.Next(9);
                string text;
                var col = new float[Hidden];
                float bias = 0;
                switch (choice)
                {
                    case 0: col[0] = 35; col[1] = -35; bias = -40; text = "narrow bump: +30 on [2, 2.05], -40 elsewhere (35·(u0 - u1) - 40, steepness 400)"; break;
                    case 1: col[2] = 35; col[3] = -35; bias = -40; text = $"narrow bump: +30 on [{bumpAt}, {bumpAt + width}], -40 elsewhere (steepness {steepness:G3})"; break;
                    case 2: bias = 40; text = "constant +40"; break;
                    case 3: bias = -40; text = "constant -40"; break;
                    case 4: col[5] = rng.Next(2) == 0 ? 40 : -40; text = $"sign change at 0: {col[5]}·tanh(50τ)"; break;
                    case 5: col[6] = -40; col[7] = 40; bias = -40; text = "steep sigmoidal steps: -40·tanh(5(τ+3)) + 40·tanh(5(τ-5)) - 40"; break;
                    case 6:
                        for (int i = 0; i < Hidden; i++) col[i] = (float)(-50 + 100 * rng.NextDouble());
                        bias = (float)(-50 + 100 * rng.NextDouble());
                        text = "large random output weights U(±50) over all units";
                        break;
                    case 7:
                        for (int i = 8; i < 12; i++) col[i] = rng.Next(2) == 0 ? 20 : -20;
                        text = "sign changes: ±20 on four random steps";
                        break;
                    default:
                        for (int i = 0; i < Hidden; i++) col[i] = (float)(2 * Normal(rng));
                        bias = (float)Normal(rng);
                        text = "random N(0, 4) output weights";
                        break;
                }
                describe[s, j] = text;
                for (int p = 0; p < latent; p++)
                {
                    for (int i = 0; i < Hidden; i++) w1[p, i, o] = col[i];
                    b1[p, 0, o] = bias;
                }
            }
        return d =>
        {
            Copy(d, "net_w0", w0);
            Copy(d, "net_b0", b0);
            Copy(d, "net_w1", w1);
            Copy(d, "net_b1", b1);
        };
    }
}

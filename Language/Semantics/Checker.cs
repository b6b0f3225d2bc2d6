using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DerivSpec.Language.Syntax;

namespace DerivSpec.Language.Semantics
{
    /// <summary>Names, settings, parameters, let inlining and the construction of the checked model.</summary>
    internal sealed class Checker
    {
        public const int MaxInlinedSize = 20000;

        /// <summary>
        /// The deepest an expression may be after its let bindings are inlined (a leaf has depth 1). One expression is at
        /// most <see cref="Parser.MaxExpressionDepth"/> levels deep, but a chain of bindings each extending the previous
        /// one adds up; every later pass (the prover, the printer, the generator, the C# compiler on the generated code)
        /// recurses once per level, so the depth is bounded where it is known, and those passes stay within their stack
        /// (<see cref="StackGuard"/>).
        /// </summary>
        public const int MaxInlinedDepth = 500;

        internal static readonly string[] SettingNames = { "latent", "order", "likelihood", "net", "encoder", "alpha", "beta", "gamma", "anneal", "occam", "freebits" };
        internal static readonly IReadOnlyList<string> PropertyNames = PropertyVocabulary.Names;
        internal static readonly IReadOnlyList<string> FunctionNames = FunctionVocabulary.CallableNames;
        internal static readonly IReadOnlyList<string> PriorNames = PriorVocabulary.Names;
        internal static readonly IReadOnlyList<string> LikelihoodNames = LikelihoodVocabulary.Names;
        internal static readonly IReadOnlyList<string> ActivationNames = ActivationVocabulary.Names;

        public static readonly NetShape DefaultDerivativeNet = new NetShape(EquatableArray.Create(64), ActivationKind.Tanh);
        public static readonly NetShape DefaultEncoder = new NetShape(EquatableArray.Create(64), ActivationKind.Relu);
        public static readonly Hyperparameters DefaultHyper = new Hyperparameters(0.1, 1, 1, 0);
        public const int DefaultLatent = 1;
        public const int DefaultOrder = 15;

        private readonly DiagnosticBag _d;

        public Checker(DiagnosticBag diagnostics) { _d = diagnostics; }

        public List<CheckedModel> Check(FileSyntax file)
        {
            var result = new List<CheckedModel>();
            var modelNames = new HashSet<string>();
            string? ns = null;
            int models = 0;
            foreach (var item in file.Items)
            {
                if (item is NamespaceSyntax n)
                {
                    foreach (var part in n.Parts)
                        if (Parser.IsReserved(part.Text)) _d.Report(DiagnosticCatalog.ReservedName, part.Span, part.Text, "namespace");
                    ns = string.Join(".", n.Parts.Select(p => p.Text));
                }
                else if (item is ModelSyntax m)
                {
                    models++;
                    int before = _d.ErrorCount;
                    bool nameOk = true;
                    if (Parser.IsReserved(m.Name.Text)) { _d.Report(DiagnosticCatalog.ReservedName, m.Name.Span, m.Name.Text, "model"); nameOk = false; }
                    else if (!modelNames.Add(m.Name.Text)) { _d.Report(DiagnosticCatalog.DuplicateName, m.Name.Span, m.Name.Text, "file"); nameOk = false; }
                    var model = CheckModel(m, ns);
                    // Left out: a model with an error from the checker, or any error (lexical, syntax: recovery may still have
                    // built a model from what was left) located within its text.
                    if (model != null && nameOk && _d.ErrorCount == before && !_d.HasErrorWithin(m.Span)) result.Add(model);
                }
            }
            if (models == 0 && !_d.HasErrors) _d.Report(DiagnosticCatalog.NoModel, new TextSpan(0, 0));
            return result;
        }

        // ------------------------------------------------------------------ model and settings

        private CheckedModel? CheckModel(ModelSyntax m, string? ns)
        {
            int latent = DefaultLatent, order = DefaultOrder;
            var likelihood = LikelihoodKind.Gaussian;
            var net = DefaultDerivativeNet;
            var encoder = DefaultEncoder;
            double alpha = DefaultHyper.Alpha, beta = DefaultHyper.Beta, gamma = DefaultHyper.Gamma, anneal = DefaultHyper.AnnealFraction, occam = DefaultHyper.Occam, freeBits = DefaultHyper.FreeBits;
            var seen = new HashSet<string>();
            var families = new List<FamilySyntax>();
            foreach (var item in m.Items)
            {
                if (item is FamilySyntax f) { families.Add(f); continue; }
                var s = (SettingSyntax)item;
                string key = s.Key.Text;
                if (Array.IndexOf(SettingNames, key) < 0)
                {
                    _d.Report(DiagnosticCatalog.UnknownSetting, s.Key.Span, key, Suggest.DidYouMean(key, SettingNames.Concat(new[] { "family" })));
                    continue;
                }
                if (!seen.Add(key)) { _d.Report(DiagnosticCatalog.DuplicateSetting, s.Key.Span, key); continue; }
                switch (key)
                {
                    case "latent": latent = IntSetting(s, 1, DspecLimits.MaxLatentDim, latent); break;
                    case "order": order = IntSetting(s, 1, DspecLimits.MaxQuadratureOrder, order); break;
                    case "likelihood":
                        {
                            var name = SingleName(s, "one of " + string.Join(", ", LikelihoodNames));
                            if (name != null)
                            {
                                if (LikelihoodVocabulary.TryParse(name.Text, out var parsed)) likelihood = parsed;
                                else _d.Report(DiagnosticCatalog.UnknownChoice, name.Span, "likelihood", name.Text, string.Join(", ", LikelihoodNames), Suggest.DidYouMean(name.Text, LikelihoodNames));
                            }
                            break;
                        }
                    case "net": net = NetSetting(s, net); break;
                    case "encoder": encoder = NetSetting(s, encoder); break;
                    case "alpha": alpha = NumberSetting(s, v => v > 0, "a number > 0", alpha); break;
                    case "beta": beta = NumberSetting(s, v => v >= 0, "a number ≥ 0", beta); break;
                    case "gamma": gamma = NumberSetting(s, v => v >= 0, "a number ≥ 0", gamma); break;
                    case "anneal": anneal = NumberSetting(s, v => v >= 0 && v <= 1, "a number from 0 to 1", anneal); break;
                    case "occam": occam = NumberSetting(s, v => v >= 0, "a number ≥ 0", occam); break;
                    case "freebits": freeBits = NumberSetting(s, v => v >= 0, "a number ≥ 0", freeBits); break;
                }
            }
            if (families.Count == 0 && !_d.HasErrorWithin(m.Span)) _d.Report(DiagnosticCatalog.NoFamily, m.Name.Span, m.Name.Text);
            var checkedFamilies = new List<CheckedFamily>();
            var familyNames = new HashSet<string>();
            bool ok = true;
            foreach (var f in families)
            {
                if (Parser.IsReserved(f.Name.Text)) { _d.Report(DiagnosticCatalog.ReservedName, f.Name.Span, f.Name.Text, "family"); ok = false; }
                else if (!familyNames.Add(f.Name.Text)) { _d.Report(DiagnosticCatalog.DuplicateName, f.Name.Span, f.Name.Text, "model"); ok = false; }
                var cf = new FamilyChecker(_d, f, checkedFamilies.Count, latent).Check();
                if (cf == null) ok = false;
                else checkedFamilies.Add(cf);
            }
            if (!ok || families.Count == 0) return null;
            return new CheckedModel(m.Name.Text, ns, latent, order, likelihood, net, encoder,
                new Hyperparameters(alpha, beta, gamma, anneal, occam, freeBits), checkedFamilies.ToEquatableArray());
        }

        private static string DescribeArgs(SettingSyntax s)
        {
            if (s.Args.Count == 0) return "nothing";
            if (s.Args.Count > 1) return s.Args.Count.ToString(CultureInfo.InvariantCulture) + " values";
            var a = s.Args[0];
            if (a.Number != null) return a.Number.Text;
            if (a.Name != null) return "'" + a.Name.Text + "'";
            return "a list";
        }

        private static TextSpan ArgsSpan(SettingSyntax s) => s.Args.Count == 0 ? s.Key.Span : TextSpan.FromBounds(s.Args[0].Span.Start, s.Args[s.Args.Count - 1].Span.End);

        private int IntSetting(SettingSyntax s, int min, int max, int fallback)
        {
            if (s.Args.Count == 1 && s.Args[0].Number is NumberLit n && IsIntIn(n.Value, min, max)) return (int)n.Value;
            _d.Report(DiagnosticCatalog.InvalidSettingValue, ArgsSpan(s), s.Key.Text,
                $"expected an integer from {min} to {max}, got {DescribeArgs(s)}");
            return fallback;
        }

        private double NumberSetting(SettingSyntax s, Func<double, bool> valid, string expected, double fallback)
        {
            if (s.Args.Count == 1 && s.Args[0].Number is NumberLit n && valid(n.Value)) return n.Value;
            _d.Report(DiagnosticCatalog.InvalidSettingValue, ArgsSpan(s), s.Key.Text, $"expected {expected}, got {DescribeArgs(s)}");
            return fallback;
        }

        private Name? SingleName(SettingSyntax s, string expected)
        {
            if (s.Args.Count == 1 && s.Args[0].Name is Name name) return name;
            _d.Report(DiagnosticCatalog.InvalidSettingValue, ArgsSpan(s), s.Key.Text, $"expected {expected}, got {DescribeArgs(s)}");
            return null;
        }

        private NetShape NetSetting(SettingSyntax s, NetShape fallback)
        {
            bool shapeOk = s.Args.Count >= 1 && s.Args.Count <= 2 && s.Args[0].List != null && (s.Args.Count == 1 || s.Args[1].Name != null);
            if (!shapeOk)
            {
                _d.Report(DiagnosticCatalog.InvalidSettingValue, ArgsSpan(s), s.Key.Text,
                    $"expected hidden widths in brackets, optionally followed by an activation (e.g. [64, 64] tanh), got {DescribeArgs(s)}");
                return fallback;
            }
            bool ok = true;
            var widths = new List<int>();
            foreach (var w in s.Args[0].List!)
            {
                if (IsIntIn(w.Value, 1, DspecLimits.MaxHiddenWidth)) widths.Add((int)w.Value);
                else
                {
                    _d.Report(DiagnosticCatalog.InvalidSettingValue, w.Span, s.Key.Text, $"hidden widths must be integers from 1 to {DspecLimits.MaxHiddenWidth}, got {w.Text}");
                    ok = false;
                }
            }
            if (widths.Count > DspecLimits.MaxHiddenLayers)
            {
                _d.Report(DiagnosticCatalog.InvalidSettingValue, s.Args[0].Span, s.Key.Text, $"at most {DspecLimits.MaxHiddenLayers} hidden layers are allowed, got {widths.Count}");
                ok = false;
            }
            var activation = fallback.Activation;
            if (s.Args.Count == 2)
            {
                var a = s.Args[1].Name!;
                if (!ActivationVocabulary.TryParse(a.Text, out var parsed))
                {
                    _d.Report(DiagnosticCatalog.UnknownChoice, a.Span, "activation", a.Text, string.Join(", ", ActivationNames), Suggest.DidYouMean(a.Text, ActivationNames));
                    ok = false;
                }
                else activation = parsed;
            }
            return ok ? new NetShape(widths.ToEquatableArray(), activation) : fallback;
        }

        internal static bool IsIntIn(double v, int min, int max) => v == Math.Floor(v) && v >= min && v <= max;
    }
}

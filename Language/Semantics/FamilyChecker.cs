using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DerivSpec.Language.Syntax;

namespace DerivSpec.Language.Semantics
{
    /// <summary>Where an expression is being resolved: decides what z, net, x and integral mean or whether they are allowed.</summary>
    internal enum ExprContext
    {
        /// <summary>Right side of dx/dz = or d2x/dz2 = : z is τ, net allowed, integral not.</summary>
        Integrand,
        /// <summary>Inside integral(…) of a composed family: z is τ, net allowed, no nested integral.</summary>
        InIntegral,
        /// <summary>Composed family outside any integral: z is z, net not allowed, integral allowed.</summary>
        Outer,
        /// <summary>Output map: only x, parameters, numbers.</summary>
        Map,
        /// <summary>An unused let binding: only names are checked.</summary>
        Neutral,
    }

    internal sealed class ParamInfo
    {
        public ParamInfo(string name, ParameterConstraint constraint, Prior? prior, double init, bool isBuiltin, TextSpan span)
        { Name = name; Constraint = constraint; Prior = prior; Init = init; IsBuiltin = isBuiltin; Span = span; }
        public string Name { get; }
        public ParameterConstraint Constraint { get; }
        public Prior? Prior { get; }
        public double Init { get; }
        public bool IsBuiltin { get; }
        public TextSpan Span { get; }
        public CheckedParameter ToChecked() => new CheckedParameter(Name, Constraint, Prior, Init, IsBuiltin);
    }

    /// <summary>Checks one family: items, parameters, let bindings (inlined), expressions, then the declared properties.</summary>
    internal sealed class FamilyChecker
    {
        private readonly DiagnosticBag _d;
        private readonly FamilySyntax _f;
        private readonly int _index;
        private readonly int _latent;
        private readonly Dictionary<string, ParamInfo> _params = new Dictionary<string, ParamInfo>();
        private readonly List<ParamInfo> _userParams = new List<ParamInfo>();
        private readonly Dictionary<string, (LetSyntax Syntax, int Order)> _lets = new Dictionary<string, (LetSyntax, int)>();
        private readonly Dictionary<string, Expr?> _letMemo = new Dictionary<string, Expr?>();
        private readonly HashSet<string> _usedParams = new HashSet<string>();
        private readonly HashSet<string> _usedLets = new HashSet<string>();
        private readonly Dictionary<Expr, TextSpan> _spans = new Dictionary<Expr, TextSpan>(ReferenceComparer<Expr>.Instance);
        private bool _ok = true;
        private bool _tooDeepReported;

        public FamilyChecker(DiagnosticBag d, FamilySyntax f, int index, int latent)
        {
            _d = d; _f = f; _index = index; _latent = latent;
        }

        public CheckedFamily? Check()
        {
            // Items.
            EquationSyntax? equation = null;
            MapSyntax? map = null;
            var paramSyntax = new List<ParamSyntax>();
            int order = 0;
            foreach (var item in _f.Items)
            {
                order++;
                switch (item)
                {
                    case EquationSyntax eq:
                        if (equation != null) { Error(DiagnosticCatalog.DuplicateEquation, eq.LhsSpan, _f.Name.Text); }
                        else equation = eq;
                        break;
                    case MapSyntax mp:
                        if (map != null) { Error(DiagnosticCatalog.DuplicateMap, new TextSpan(mp.Span.Start, 3), _f.Name.Text); }
                        else map = mp;
                        break;
                    case ParamSyntax p:
                        paramSyntax.Add(p);
                        break;
                    case LetSyntax l:
                        if (Parser.IsReserved(l.Name.Text)) Error(DiagnosticCatalog.ReservedName, l.Name.Span, l.Name.Text, "let binding");
                        else if (_lets.ContainsKey(l.Name.Text)) Error(DiagnosticCatalog.DuplicateName, l.Name.Span, l.Name.Text, "family");
                        else _lets[l.Name.Text] = (l, order);
                        break;
                }
            }
            var kind = FamilyKind.Composed;
            if (equation == null) Error(DiagnosticCatalog.MissingEquation, _f.Name.Span, _f.Name.Text);
            else if (equation.Lhs == "dx/dz") kind = FamilyKind.FirstOrder;
            else if (equation.Lhs == "d2x/dz2") kind = FamilyKind.SecondOrder;
            else if (equation.Lhs == "x") kind = FamilyKind.Composed;
            else { Error(DiagnosticCatalog.UnknownEquation, equation.LhsSpan, equation.Lhs); equation = null; }

            // Parameters (built-ins first).
            var x0 = new ParamInfo("x0", ParameterConstraint.Unconstrained, null, 0, true, _f.Name.Span);
            ParamInfo? v0 = kind == FamilyKind.SecondOrder ? new ParamInfo("v0", ParameterConstraint.Unconstrained, null, 0, true, _f.Name.Span) : null;
            foreach (var p in paramSyntax)
            {
                string name = p.Name.Text;
                bool builtin = name == "x0" || name == "v0";
                if (name == "v0" && kind != FamilyKind.SecondOrder && equation != null) { Error(DiagnosticCatalog.MisplacedV0, p.Name.Span); continue; }
                if (!builtin && Parser.IsReserved(name)) { Error(DiagnosticCatalog.ReservedName, p.Name.Span, name, "parameter"); continue; }
                if (_params.ContainsKey(name) || _lets.ContainsKey(name) || builtin && paramSyntax.TakeWhile(q => q != p).Any(q => q.Name.Text == name))
                {
                    Error(DiagnosticCatalog.DuplicateName, p.Name.Span, name, "family");
                    continue;
                }
                var info = CheckParam(p, builtin);
                if (info == null)
                {
                    // Still declare the name, so its uses do not cascade into "unknown name" (the family already failed).
                    if (!builtin) _params[name] = new ParamInfo(name, ParameterConstraint.Unconstrained, null, 0, false, p.Name.Span);
                    continue;
                }
                if (name == "x0") x0 = info;
                else if (name == "v0") v0 = info;
                else { _params[name] = info; _userParams.Add(info); }
            }

            // Expressions.
            Expr? body = null, outputMap = null;
            if (equation != null)
                body = Resolve(equation.Value, kind == FamilyKind.Composed ? ExprContext.Outer : ExprContext.Integrand, int.MaxValue);
            if (map != null)
                outputMap = Resolve(map.Value, ExprContext.Map, int.MaxValue);
            foreach (var kv in _lets)
            {
                if (_usedLets.Contains(kv.Key)) continue;
                _d.Report(DiagnosticCatalog.UnusedLet, kv.Value.Syntax.Name.Span, kv.Key);
                Resolve(kv.Value.Syntax.Value, ExprContext.Neutral, kv.Value.Order);
            }
            foreach (var p in _userParams)
                if (!_usedParams.Contains(p.Name)) _d.Report(DiagnosticCatalog.UnusedParameter, p.Span, p.Name);
            if (body != null) CheckSize(body, equation!.Value.Span);
            if (outputMap != null) CheckSize(outputMap, map!.Value.Span);

            var declared = CheckProperties();
            if (!_ok || body == null || equation == null || map != null && outputMap == null) return null;

            var parameters = new List<ParamInfo> { x0 };
            if (v0 != null) parameters.Add(v0);
            parameters.AddRange(_userParams);
            var family = new CheckedFamily(_f.Name.Text, _index, kind, declared, parameters.Select(p => p.ToChecked()).ToEquatableArray(),
                body, outputMap, ContainsNet(body));

            var prover = new ShapeProver(_d, _spans, family, _latent, equation.Value.Span, map?.Value.Span, _f.Properties);
            if (!prover.ProveDeclared()) return null;
            return kind == FamilyKind.Composed ? family with { Body = prover.AnnotateIntegrals(body) } : family;
        }

        private ShapeProperties CheckProperties()
        {
            var declared = ShapeProperties.None;
            var names = new Dictionary<ShapeProperties, Name>();
            foreach (var p in _f.Properties)
            {
                if (!PropertyVocabulary.TryParse(p.Text, out var flag))
                {
                    Error(DiagnosticCatalog.UnknownProperty, p.Span, p.Text, Suggest.DidYouMean(p.Text, Checker.PropertyNames));
                    continue;
                }
                if ((declared & flag) != 0) { _d.Report(DiagnosticCatalog.DuplicateProperty, p.Span, p.Text); continue; }
                foreach (var kv in names)
                {
                    if (Conflicts(kv.Key, flag)) Error(DiagnosticCatalog.ConflictingProperties, p.Span, kv.Value.Text, p.Text);
                }
                declared |= flag;
                names[flag] = p;
            }
            return declared;
        }

        private static bool Conflicts(ShapeProperties a, ShapeProperties b) => (PropertyVocabulary.Of(a).ConflictsWith & b) != 0;

        private ParamInfo? CheckParam(ParamSyntax p, bool builtin)
        {
            string name = p.Name.Text;
            bool ok = true;
            var constraint = ParameterConstraint.Unconstrained;
            if (p.Constraint is ConstraintSyntax c)
            {
                if (c.Op == '>' || c.Op == '<')
                {
                    if (c.Bound!.Value != 0)
                    {
                        Error(DiagnosticCatalog.InvalidConstraint, c.Span, name, $"only '{c.Op} 0' is supported as a one-sided bound; write 'in (lo, hi)' for other bounds");
                        ok = false;
                    }
                    else constraint = c.Op == '>' ? ParameterConstraint.Positive : ParameterConstraint.Negative;
                }
                else if (c.Op == 'l')
                {
                    double a = c.Lower?.Value ?? LatentRangeRule.DefaultLower, b = c.Upper?.Value ?? LatentRangeRule.DefaultUpper;
                    if (builtin)
                    {
                        Error(DiagnosticCatalog.InvalidConstraint, c.Span, name, name == "x0"
                            ? "'in latent' keeps a parameter inside the latent range the training cells occupy, but x0 is the family's offset, one value per feature, not a point of the latent space"
                            : "'in latent' keeps a parameter inside the latent range the training cells occupy, but v0 is the slope dx/dz at z = 0, not a point of the latent space");
                        ok = false;
                    }
                    else if (!LatentRangeRule.ValidLevels(a, b))
                    {
                        Error(DiagnosticCatalog.InvalidConstraint, c.Span, name,
                            $"the quantile levels of 'in latent(a, b)' must satisfy 0 ≤ a < b ≤ 1, got a = {c.Lower!.Text}, b = {c.Upper!.Text}");
                        ok = false;
                    }
                    else constraint = new ParameterConstraint(ParameterConstraintKind.LatentRange, a, b);
                }
                else
                {
                    double lo = c.Lower!.Value, hi = c.Upper!.Value;
                    if (!(lo < hi))
                    {
                        Error(DiagnosticCatalog.InvalidConstraint, c.Span, name, $"the lower bound {c.Lower.Text} must be less than the upper bound {c.Upper.Text}");
                        ok = false;
                    }
                    else constraint = new ParameterConstraint(ParameterConstraintKind.Interval, lo, hi);
                }
            }
            Prior? prior = null;
            if (p.Prior is PriorSyntax ps)
            {
                string dist = ps.Distribution.Text;
                if (!PriorVocabulary.TryParse(dist, out var kind))
                {
                    Error(DiagnosticCatalog.UnknownPrior, ps.Distribution.Span, dist, Suggest.DidYouMean(dist, Checker.PriorNames));
                    ok = false;
                }
                else
                {
                    prior = CheckPrior(name, kind, ps);
                    if (prior == null) ok = false;
                    else if (PriorVocabulary.Of(kind).PositiveSupport && ok && !(constraint.Kind == ParameterConstraintKind.Positive || constraint.Kind == ParameterConstraintKind.Interval && constraint.Lower >= 0))
                    {
                        Error(DiagnosticCatalog.PriorSupport, ps.Distribution.Span, dist, name);
                        ok = false;
                    }
                }
            }
            double init = DefaultInit(constraint);
            if (p.Init is NumberLit i)
            {
                if (!ConstraintVocabulary.Of(constraint.Kind).AcceptsInit)
                {
                    Error(DiagnosticCatalog.InitWithLatentRange, i.Span, name, i.Text);
                    ok = false;
                }
                else if (!InDomain(constraint, i.Value))
                {
                    Error(DiagnosticCatalog.InvalidInit, i.Span, i.Text, name, DescribeConstraint(constraint));
                    ok = false;
                }
                else init = i.Value;
            }
            return ok ? new ParamInfo(name, constraint, prior, init, builtin, p.Name.Span) : null;
        }

        private Prior? CheckPrior(string param, ParameterPriorKind kind, PriorSyntax ps)
        {
            var info = PriorVocabulary.Of(kind);
            int arity = info.Arity;
            string signature = info.Signature;
            if (ps.Args.Count != arity)
            {
                Error(DiagnosticCatalog.InvalidPrior, ps.Span, param, $"{signature} takes {arity} argument{(arity == 1 ? "" : "s")}, got {ps.Args.Count}");
                return null;
            }
            double a = ps.Args[0].Value, b = arity == 2 ? ps.Args[1].Value : 0;
            // Which arguments must be > 0 (the table says; a second argument always must).
            bool aPositive = info.FirstMustBePositive;
            bool bPositive = arity == 2;
            if (aPositive && !(a > 0))
            {
                Error(DiagnosticCatalog.InvalidPrior, ps.Args[0].Span, param, $"the first argument of {signature} must be > 0, got {ps.Args[0].Text}");
                return null;
            }
            if (bPositive && !(b > 0))
            {
                Error(DiagnosticCatalog.InvalidPrior, ps.Args[1].Span, param, $"the second argument of {signature} must be > 0, got {ps.Args[1].Text}");
                return null;
            }
            return new Prior(kind, a, b);
        }

        internal static double DefaultInit(ParameterConstraint c) => ConstraintVocabulary.Of(c.Kind).DefaultInit(c.Lower, c.Upper);

        private static bool InDomain(ParameterConstraint c, double v) => ConstraintVocabulary.Of(c.Kind).Contains(v, c.Lower, c.Upper);

        internal static string DescribeConstraint(ParameterConstraint c) =>
            c.Kind == ParameterConstraintKind.None ? "(none)" : ConstraintVocabulary.Of(c.Kind).Text(c.Lower, c.Upper);

        internal static string Fmt(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        // ------------------------------------------------------------------ expressions

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private Expr? ResolveOnFreshStack(ExprSyntax e, ExprContext ctx, int letOrder) =>
            StackGuard.OnFreshStack(a => Resolve(a.e, a.ctx, a.letOrder), (e, ctx, letOrder));

        private Expr? Resolve(ExprSyntax e, ExprContext ctx, int letOrder)
        {
            if (!StackGuard.HasRoom()) return ResolveOnFreshStack(e, ctx, letOrder);
            Expr? result = ResolveCore(e, ctx, letOrder);
            if (result != null && !_spans.ContainsKey(result)) _spans[result] = e.Span;
            return result;
        }

        private Expr? ResolveCore(ExprSyntax e, ExprContext ctx, int letOrder)
        {
            switch (e)
            {
                case TooDeepExpr:
                    if (!_tooDeepReported) { _tooDeepReported = true; Error(DiagnosticCatalog.ExpressionTooDeep, e.Span, Parser.MaxExpressionDepth); }
                    else _ok = false;
                    return null;
                case NumberExpr n:
                    return new Num(n.Lit.Value);
                case NegateExpr neg:
                    {
                        var operand = Resolve(neg.Operand, ctx, letOrder);
                        return operand == null ? null : new Unary(UnaryOp.Negate, operand);
                    }
                case BinaryExpr b:
                    {
                        var left = Resolve(b.Left, ctx, letOrder);
                        var right = Resolve(b.Right, ctx, letOrder);
                        if (left == null || right == null) return null;
                        var op = b.Op switch { '+' => BinaryOp.Add, '-' => BinaryOp.Subtract, '*' => BinaryOp.Multiply, '/' => BinaryOp.Divide, _ => BinaryOp.Power };
                        return new Binary(op, left, right);
                    }
                case CallExpr c:
                    return ResolveCall(c, ctx, letOrder);
                case NameExpr n:
                    return ResolveName(n.Name, ctx, letOrder);
                default:
                    return null;
            }
        }

        private Expr? ResolveCall(CallExpr c, ExprContext ctx, int letOrder)
        {
            string fn = c.Function.Text;
            if (!Checker.FunctionNames.Contains(fn))
            {
                Error(DiagnosticCatalog.UnknownFunction, c.Function.Span, fn, Suggest.DidYouMean(fn, Checker.FunctionNames));
                foreach (var a in c.Args) Resolve(a, ctx, letOrder);
                return null;
            }
            if (c.Args.Count != 1)
            {
                Error(DiagnosticCatalog.WrongArity, c.Function.Span, fn, c.Args.Count);
                foreach (var a in c.Args) Resolve(a, ctx, letOrder);
                return null;
            }
            if (fn == FunctionVocabulary.IntegralName)
            {
                string? why = ctx switch
                {
                    ExprContext.Integrand => "it is only allowed in a composed family ('x = …'); the right side of 'dx/dz =' or 'd2x/dz2 =' is already integrated",
                    ExprContext.InIntegral => "integrals cannot be nested",
                    ExprContext.Map => "the output map cannot integrate",
                    _ => null,
                };
                if (why != null)
                {
                    Error(DiagnosticCatalog.MisplacedIntegral, c.Function.Span, why);
                    Resolve(c.Args[0], ctx == ExprContext.Map ? ExprContext.Map : ExprContext.InIntegral, letOrder);
                    return null;
                }
                var inner = Resolve(c.Args[0], ctx == ExprContext.Neutral ? ExprContext.Neutral : ExprContext.InIntegral, letOrder);
                return inner == null ? null : new Integral(inner);
            }
            var arg = Resolve(c.Args[0], ctx, letOrder);
            if (!FunctionVocabulary.TryParse(fn, out var function)) throw new InvalidOperationException("No table entry for function '" + fn + "'.");
            return arg == null ? null : new Call(function, arg);
        }

        private Expr? ResolveName(Name name, ExprContext ctx, int letOrder)
        {
            string text = name.Text;
            switch (text)
            {
                case "z":
                    if (ctx == ExprContext.Map) { Error(DiagnosticCatalog.MisplacedZ, name.Span); return null; }
                    return new Var(VarKind.Z, "z");
                case "net":
                    if (ctx != ExprContext.Integrand && ctx != ExprContext.InIntegral && ctx != ExprContext.Neutral) { Error(DiagnosticCatalog.NetOutsideIntegrand, name.Span); return null; }
                    return new Var(VarKind.Net, "net");
                case "x":
                    if (ctx != ExprContext.Map && ctx != ExprContext.Neutral) { Error(DiagnosticCatalog.MisplacedX, name.Span); return null; }
                    return new Var(VarKind.X, "x");
                case "x0":
                case "v0":
                    Error(DiagnosticCatalog.BuiltinInExpression, name.Span, text);
                    return null;
            }
            if (_params.ContainsKey(text))
            {
                _usedParams.Add(text);
                if (ctx == ExprContext.Map && _latent > 1)
                {
                    // Every user parameter is [P, d]; the map sees the summed x [B, d], so which value would apply is undefined.
                    Error(DiagnosticCatalog.PerLatentParameterInMap, name.Span, text, _latent);
                    return null;
                }
                return new Var(VarKind.Param, text);
            }
            if (_lets.TryGetValue(text, out var let))
            {
                if (let.Order >= letOrder)
                {
                    _usedLets.Add(text);
                    Error(DiagnosticCatalog.UseBeforeDefinition, name.Span, text);
                    return null;
                }
                _usedLets.Add(text);
                string key = text + "|" + ctx;
                if (!_letMemo.TryGetValue(key, out var value))
                {
                    _letMemo[key] = null; // guards re-entry (cannot happen: lets only see earlier lets)
                    value = Resolve(let.Syntax.Value, ctx, let.Order);
                    _letMemo[key] = value;
                }
                if (value == null) _ok = false;
                return value;
            }
            var candidates = new List<string>(_params.Keys);
            foreach (var kv in _lets) if (kv.Value.Order < letOrder) candidates.Add(kv.Key);
            if (ctx != ExprContext.Map) candidates.Add("z");
            if (ctx == ExprContext.Integrand || ctx == ExprContext.InIntegral) candidates.Add("net");
            if (ctx == ExprContext.Map) candidates.Add("x");
            if (Checker.FunctionNames.Contains(text))
            {
                Error(DiagnosticCatalog.UnknownName, name.Span, text, " '" + text + "' is a function: write " + text + "(…).");
                return null;
            }
            Error(DiagnosticCatalog.UnknownName, name.Span, text, Suggest.DidYouMean(text, candidates));
            return null;
        }

        private void CheckSize(Expr e, TextSpan span)
        {
            var (size, depth) = Measure(e);
            if (size > Checker.MaxInlinedSize)
                Error(DiagnosticCatalog.ExpressionTooLarge, span, size > 1_000_000_000 ? ">1000000000" : size.ToString(CultureInfo.InvariantCulture), Checker.MaxInlinedSize);
            else if (depth > Checker.MaxInlinedDepth)
                Error(DiagnosticCatalog.ExpressionTooDeepAfterInlining, span, depth.ToString(CultureInfo.InvariantCulture), Checker.MaxInlinedDepth);
        }

        /// <summary>
        /// The number of nodes of <paramref name="e"/> with every shared subexpression counted at each use (the size after
        /// inlining, capped at 2·10⁹) and its depth (a leaf is 1). Iterative, with each shared node measured once: this
        /// runs before the depth is known to be within <see cref="Checker.MaxInlinedDepth"/>, so it must not recurse.
        /// </summary>
        internal static (long Size, int Depth) Measure(Expr root)
        {
            var done = new Dictionary<Expr, (long Size, int Depth)>(ReferenceComparer<Expr>.Instance);
            var stack = new Stack<(Expr Node, bool ChildrenDone)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (node, childrenDone) = stack.Pop();
                if (done.ContainsKey(node)) continue;
                var children = ChildrenOf(node);
                if (!childrenDone)
                {
                    stack.Push((node, true));
                    foreach (var c in children)
                        if (!done.ContainsKey(c)) stack.Push((c, false));
                    continue;
                }
                long size = 1;
                int depth = 0;
                foreach (var c in children)
                {
                    var m = done[c];
                    size = Math.Min(size + m.Size, 2_000_000_000);
                    depth = Math.Max(depth, m.Depth);
                }
                done[node] = (size, depth + 1);
            }
            return done[root];
        }

        private static Expr[] ChildrenOf(Expr e) => e switch
        {
            Unary u => new[] { u.Operand },
            Binary b => new[] { b.Left, b.Right },
            Call c => new[] { c.Arg },
            Integral i => new[] { i.Body },
            _ => Array.Empty<Expr>(),
        };

        internal static bool ContainsNet(Expr e) => e switch
        {
            Var v => v.Kind == VarKind.Net,
            Unary u => ContainsNet(u.Operand),
            Binary b => ContainsNet(b.Left) || ContainsNet(b.Right),
            Call c => ContainsNet(c.Arg),
            Integral i => ContainsNet(i.Body),
            _ => false,
        };

        private void Error(DiagnosticInfo info, TextSpan span, params object[] args)
        {
            _ok = false;
            _d.Report(info, span, args);
        }
    }
}

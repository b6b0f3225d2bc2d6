using System;
using Declared = DerivSpec.Language.ShapeProperties;   // the properties a generated family declares
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace DerivSpec.Refuter;

/// <summary>One generated family: its block text without the name (<c>increasing bounded { … }</c>), so that it can be
/// placed in any model under any name, the properties it declares, the template it came from and the seed that
/// regenerates it (<see cref="FamilyGenerator.Generate(int)"/>).</summary>
public sealed record GeneratedFamily(int Seed, string Template, Declared Properties, string Body)
{
    /// <summary>The family as it appears in a model: <c>family NAME PROPS { … }</c>.</summary>
    public string Text(string name) => "family " + name + " " + Body;

    /// <summary>Whether the family computes any integral (first or second order, or integral(…) in a composed
    /// equation): otherwise no integration rule is involved and a broken property is the prover's.</summary>
    public bool UsesIntegral => Body.Contains("integral(", StringComparison.Ordinal) || Body.Contains("dx/dz", StringComparison.Ordinal) || Body.Contains("d2x/dz2", StringComparison.Ordinal);
}

/// <summary>
/// Random families from the .dspec grammar (spec/README.md: Families, Parameters, Expressions), biased towards shapes
/// the prover can accept: monotone pieces (integrals of positive integrands, increasing functions of them, positive
/// multiples, sums), the paper's transient with variations, first-order transients <c>-(z - a)·u</c>, rational bumps,
/// increasing/decreasing output maps, constrained x0 for nonnegative families; plus a share of unbiased random
/// expressions with random properties (mostly rejected, but whatever the prover accepts among them is evaluated too).
/// Numbers include extreme ones (1e30, 40, 1e-30). Deterministic: one seed gives one family.
/// </summary>
public sealed class FamilyGenerator
{
    private static readonly double[] PositiveNumbers = { 0.5, 1, 2, 3, 0.1, 7.5, 1e-3, 40, 1e-30, 1e30, 0.25, 10 };
    private static readonly double[] AnyNumbers = { 0, 0.5, 1, 2, 3, 40, 1e-3, 1e-30, 1e30, 2.02, 10 };

    private readonly Random _rng;
    private readonly List<string> _params = new();
    private readonly List<string> _lets = new();
    private int _names;

    private FamilyGenerator(int seed)
    {
        _rng = new Random(seed);
    }

    /// <summary>The family of seed <paramref name="seed"/>.</summary>
    public static GeneratedFamily Generate(int seed) => new FamilyGenerator(seed).Build(seed);

    // ---- small helpers ----------------------------------------------------------------------------------------

    private bool Chance(double p) => _rng.NextDouble() < p;
    private T Pick<T>(IReadOnlyList<T> items) => items[_rng.Next(items.Count)];
    private static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    private static string SignedNum(double v) => v < 0 ? "-" + Num(-v) : Num(v);

    private string PositiveNumber() => Num(Chance(0.85) ? Pick(PositiveNumbers.Take(7).ToArray()) : Pick(PositiveNumbers));

    private string AnyNumber() => Num(Chance(0.85) ? Pick(AnyNumbers.Take(6).ToArray()) : Pick(AnyNumbers));

    private string Prior(bool positiveSupport)
    {
        if (Chance(0.4)) return "";
        if (!positiveSupport) return " ~ normal(" + SignedNum(Pick(new[] { 0.0, 1, -1 })) + ", " + Num(Pick(new[] { 1.0, 2, 0.5 })) + ")";
        return Pick(new[] { " ~ gamma(2, 2)", " ~ gamma(1, 1)", " ~ lognormal(0, 1)", " ~ halfnormal(2)", " ~ exponential(1)", " ~ normal(1, 1)" });
    }

    /// <summary>A new parameter: <paramref name="kind"/> is "pos" (R &gt; 0), "neg" (R &lt; 0), "anchor" (any real,
    /// used as a location) or "any".</summary>
    private string Param(string kind)
    {
        string name = "p" + (_names++).ToString(CultureInfo.InvariantCulture);
        string constraint;
        bool positive;
        switch (kind)
        {
            case "pos":
                if (Chance(0.6)) { constraint = " > 0"; positive = true; }
                else
                {
                    double lo = Pick(new[] { 0.0, 0.0, 1e-3, 0.5, 1 });
                    double hi = lo + Pick(new[] { 1.0, 2, 10, 1e-3, 40 });
                    constraint = $" in ({Num(lo)}, {Num(hi)})";
                    positive = true;
                }
                break;
            case "neg":
                if (Chance(0.7)) constraint = " < 0";
                else constraint = $" in ({SignedNum(-Pick(new[] { 1.0, 5, 40 }))}, {SignedNum(-Pick(new[] { 0.0, 1e-3 }))})";
                positive = false;
                break;
            case "anchor":
                constraint = Chance(0.6) ? "" : Chance(0.5) ? LatentRange() : $" in ({SignedNum(-Pick(new[] { 1.0, 3, 10 }))}, {Num(Pick(new[] { 1.0, 3, 10 }))})";
                positive = false;
                break;
            default:
                constraint = Chance(0.1) ? LatentRange() : Pick(new[] { "", "", " > 0", " < 0", " in (-1, 1)" });
                positive = constraint == " > 0";
                break;
        }
        string init = Chance(0.15) && constraint == "" ? " init " + SignedNum(Pick(new[] { 0.5, -2.0, 3 })) : "";
        _params.Add("param " + name + constraint + Prior(positive) + init);
        return name;
    }

    /// <summary>An <c>in latent</c> constraint: bare, or with levels from the ends and the middle of [0, 1].</summary>
    private string LatentRange()
    {
        if (Chance(0.3)) return " in latent";
        var (a, b) = Pick(new[] { (0.2, 0.8), (0.1, 0.9), (0.0, 1.0), (0.0, 0.5), (0.5, 1.0), (0.25, 0.2500001), (0.999, 1.0), (0.0, 1e-3) });
        return " in latent(" + Num(a) + ", " + Num(b) + ")";
    }

    private string PositiveConstant(int depth) => _rng.Next(6) switch
    {
        0 or 1 => PositiveNumber(),
        2 or 3 => Param("pos"),
        4 => "exp(" + Param("any") + ")",
        _ => depth > 0 ? PositiveConstant(depth - 1) + " * " + PositiveConstant(depth - 1) : "softplus(" + Param("any") + ")",
    };

    private string Constant() => _rng.Next(4) switch
    {
        0 => AnyNumber(),
        1 => "-" + PositiveNumber(),
        _ => Param(Chance(0.5) ? "anchor" : "any"),
    };

    /// <summary>Optionally moves <paramref name="e"/> into a let binding (same context, so the inlined family is the
    /// same expression).</summary>
    private string MaybeLet(string e)
    {
        if (!Chance(0.12)) return e;
        string name = "g" + (_names++).ToString(CultureInfo.InvariantCulture);
        _lets.Add("let " + name + " = " + e);
        return name;
    }

    // ---- expressions ------------------------------------------------------------------------------------------

    /// <summary>Any expression. <paramref name="net"/>: net allowed (integrand); <paramref name="v"/>: the variable
    /// ("z", or "x" in a map, or null for none).</summary>
    private string Any(int depth, bool net, string? v)
    {
        if (depth <= 0 || Chance(0.3))
        {
            int leaf = _rng.Next(4);
            if (leaf == 0 && net) return "net";
            if (leaf <= 1 && v is not null) return v;
            return leaf == 2 ? AnyNumber() : Param("any");
        }
        return _rng.Next(10) switch
        {
            0 => Any(depth - 1, net, v) + " + " + Any(depth - 1, net, v),
            1 => Any(depth - 1, net, v) + " - " + Any(depth - 1, net, v),
            2 => Wrap(Any(depth - 1, net, v)) + " * " + Wrap(Any(depth - 1, net, v)),
            3 => Wrap(Any(depth - 1, net, v)) + " / " + Wrap(Any(depth - 1, net, v)),
            4 => Wrap(Any(depth - 1, net, v)) + " ^ " + Pick(new[] { "2", "3", "0.5", "-1", "2.5" }),
            5 => "-" + Wrap(Any(depth - 1, net, v)),
            _ => Pick(new[] { "softplus", "sigmoid", "exp", "log", "tanh", "square", "abs" }) + "(" + Any(depth - 1, net, v) + ")",
        };
    }

    private static string Wrap(string e) => IsAtom(e) ? e : "(" + e + ")";

    private static bool IsAtom(string e)
    {
        int d = 0;
        for (int i = 0; i < e.Length; i++)
        {
            char c = e[i];
            if (c == '(') d++;
            else if (c == ')') d--;
            else if (d == 0 && (c == ' ' || c == '-' && i == 0)) return false;
        }
        return true;
    }

    /// <summary>An expression with range &gt; 0 (or ≥ 0 for square/abs).</summary>
    private string Positive(int depth, bool net, string? v)
    {
        if (depth <= 0) return Chance(0.5) ? "softplus(" + (net ? "net" : v ?? Param("any")) + ")" : PositiveConstant(0);
        return _rng.Next(12) switch
        {
            0 or 1 or 2 => "softplus(" + Any(depth - 1, net, v) + ")",
            3 => "exp(" + Any(depth - 1, net, v) + ")",
            4 => "sigmoid(" + Any(depth - 1, net, v) + ")",
            5 => "square(" + Any(depth - 1, net, v) + ")",
            6 => "abs(" + Any(depth - 1, net, v) + ")",
            7 => Positive(depth - 1, net, v) + " + " + Positive(depth - 1, net, v),
            8 => Wrap(Positive(depth - 1, net, v)) + " * " + Wrap(Positive(depth - 1, net, v)),
            9 => Wrap(Positive(depth - 1, net, v)) + " / " + Wrap(PositiveConstant(0)),
            10 => PositiveConstant(1) + " * " + Wrap(Positive(depth - 1, net, v)),
            _ => MaybeLet(Positive(depth - 1, net, v)),
        };
    }

    /// <summary>An integrand ≥ 0 built mostly from the network.</summary>
    private string PositiveIntegrand(int depth) => Chance(0.45) ? Pick(new[] { "softplus(net)", "exp(net)", "sigmoid(net)", "square(net)" })
        : Positive(depth, net: true, v: "z");

    /// <summary>A nondecreasing expression of <paramref name="v"/> (composed context: "z"; map: "x").</summary>
    private string Increasing(int depth, string v)
    {
        if (depth <= 0)
            return v == "z" ? Pick(new[] { "z", "integral(softplus(net))", "integral(" + PositiveIntegrand(1) + ")" }) : "x";
        switch (_rng.Next(14))
        {
            case 0: return v;
            case 1: return v == "z" ? "integral(" + PositiveIntegrand(2) + ")" : "x";
            case 2: return Increasing(depth - 1, v) + " + " + Increasing(depth - 1, v);
            case 3: return PositiveConstant(1) + " * " + Wrap(Increasing(depth - 1, v));
            case 4: return Increasing(depth - 1, v) + " + " + Constant();
            case 5: return Pick(new[] { "softplus", "sigmoid", "exp", "tanh" }) + "(" + Increasing(depth - 1, v) + ")";
            case 6: return Increasing(depth - 1, v) + " - " + Wrap(Decreasing(depth - 1, v));
            case 7: return "-" + Wrap(Decreasing(depth - 1, v));
            case 8: return v + " - tanh(" + v + ")";
            case 9: return Wrap(Increasing(depth - 1, v)) + " / " + Wrap(PositiveConstant(0));
            case 10: return Wrap(Increasing(depth - 1, v)) + " ^ 3";
            case 11: return "log(" + Pick(new[] { "softplus", "exp", "sigmoid" }) + "(" + Increasing(depth - 1, v) + "))";
            case 12: return Wrap(Positive(0, false, null)) + " * " + Wrap(Increasing(depth - 1, v));
            default: return MaybeLet(Increasing(depth - 1, v));
        }
    }

    private string Decreasing(int depth, string v) => _rng.Next(5) switch
    {
        0 => "-" + Wrap(Increasing(depth, v)),
        1 => Constant() + " - " + Wrap(Increasing(depth, v)),
        2 => "-" + PositiveConstant(0) + " * " + Wrap(Increasing(depth, v)),
        3 => Pick(new[] { "softplus", "sigmoid", "exp", "tanh" }) + "(-" + Wrap(Increasing(depth, v)) + ")",
        _ => PositiveConstant(0) + " / " + Wrap("1 + exp(" + Increasing(depth, v) + ")"),
    };

    /// <summary>A positive factor that is a valley at <paramref name="a"/> (rule 2 of the transient proofs).</summary>
    private string ValleyFactor(string a) => _rng.Next(6) switch
    {
        0 => PositiveConstant(0),
        1 => "softplus(" + Constant() + " + integral((z - " + a + ") * " + Wrap(PositiveIntegrand(1)) + "))",
        2 => "exp(integral((z - " + a + ") * " + Wrap(PositiveIntegrand(1)) + "))",
        3 => PositiveConstant(0) + " + square(z - " + a + ")",
        4 => "softplus(" + Constant() + " + integral((z - " + a + ") * softplus(net)))",
        _ => "sigmoid(" + Constant() + " + abs(z - " + a + "))",
    };

    /// <summary>A strict peak (composed context).</summary>
    private string Peak()
    {
        string a = Chance(0.7) ? Param("anchor") : AnyNumber();
        string cross = Pick(new[] { "(z - " + a + ")", "(" + a + " - z)" });
        string h = MaybeLet(cross + " * " + ValleyFactor(a));
        string valley = Pick(new[] { "square(" + h + ")", "abs(" + h + ")", Wrap(h) + " ^ 2", "square(z - " + a + ")" });
        string core = _rng.Next(5) switch
        {
            0 => PositiveConstant(0) + " / (" + PositiveConstant(0) + " + " + valley + ")",
            1 => "-" + valley,
            2 => "sigmoid(-" + valley + ")",
            _ => "exp(-" + valley + ")",
        };
        return _rng.Next(4) switch
        {
            0 => core,
            1 => PositiveConstant(0) + " * " + Wrap(core),
            2 => Wrap(PositiveConstant(0) + " * " + Wrap(core)) + " + " + Constant(),
            _ => PositiveConstant(1) + " * " + Wrap(core),
        };
    }

    // ---- families ---------------------------------------------------------------------------------------------

    private GeneratedFamily Build(int seed)
    {
        string equation;
        string template;
        Declared props;
        string? map = null;
        int shape = _rng.Next(100);
        if (shape < 14)
        {
            template = "first-order increasing";
            equation = "dx/dz = " + PositiveIntegrand(2);
            props = Declared.Increasing;
        }
        else if (shape < 24)
        {
            template = "first-order decreasing";
            equation = "dx/dz = " + Pick(new[] { "-" + Wrap(PositiveIntegrand(2)), "-softplus(net)", Wrap(PositiveIntegrand(1)) + " * " + Wrap(Param("neg")) });
            props = Declared.Decreasing;
        }
        else if (shape < 34)
        {
            template = "first-order transient";
            string a = Chance(0.7) ? Param("anchor") : AnyNumber();
            equation = "dx/dz = " + Pick(new[] { "-(z - " + a + ") * " + Wrap(PositiveIntegrand(1)), "(" + a + " - z) * " + Wrap(PositiveIntegrand(1)) });
            props = Declared.Transient;
        }
        else if (shape < 52)
        {
            template = "composed increasing";
            equation = "x = " + Increasing(3, "z");
            props = Declared.Increasing;
        }
        else if (shape < 60)
        {
            template = "composed decreasing";
            equation = "x = " + Decreasing(2, "z");
            props = Declared.Decreasing;
        }
        else if (shape < 78)
        {
            template = "composed transient";
            equation = "x = " + Peak();
            props = Declared.Transient;
        }
        else if (shape < 82)
        {
            template = "second order";
            equation = "d2x/dz2 = " + Pick(new[] { "0", PositiveIntegrand(1), Any(2, true, "z") });
            props = Pick(new[] { Declared.Increasing, Declared.Decreasing, Declared.None, Declared.Nonnegative });
        }
        else
        {
            template = "random";
            int kind = _rng.Next(3);
            equation = kind switch
            {
                0 => "dx/dz = " + Any(3, true, "z"),
                1 => "x = " + Any(3, false, "z").Replace("net", "z", StringComparison.Ordinal),
                _ => "x = " + Any(2, false, "z") + " + integral(" + Any(2, true, "z") + ")",
            };
            props = Pick(new[] { Declared.Increasing, Declared.Decreasing, Declared.Transient, Declared.None });
        }

        // Output map: increasing ones keep the property; a decreasing one flips monotone properties.
        if (Chance(0.25))
        {
            bool flip = Chance(0.2) && props is Declared.Increasing or Declared.Decreasing;
            if (flip)
            {
                map = Pick(new[] { "-x", "exp(-x)", "-" + PositiveConstant(0) + " * x", PositiveConstant(0) + " / (1 + exp(x))" });
                props = props == Declared.Increasing ? Declared.Decreasing : Declared.Increasing;
            }
            else
            {
                map = _rng.Next(9) switch
                {
                    0 => "tanh(x)",
                    1 => "sigmoid(x)",
                    2 => Param("anchor") + " + " + Param("pos") + " * sigmoid(x)",
                    3 => "softplus(x)",
                    4 => "exp(x)",
                    5 => "x ^ 3",
                    6 => PositiveConstant(0) + " * x + " + Constant(),
                    7 => Increasing(1, "x"),
                    _ => Any(2, false, "x"),
                };
            }
            template += " + map";
        }

        // Extra properties: nonnegative (with a constrained x0 or a nonnegative map most of the time), bounded, and
        // now and then a conflicting or unlikely one.
        string? x0 = null;
        if (Chance(0.3))
        {
            props |= Declared.Nonnegative;
            if (Chance(0.7)) x0 = "param x0" + Pick(new[] { " > 0", " in (0, 3)", " > 0 ~ halfnormal(2)", " in (0, 1e30)" });
        }
        if (Chance(0.3) || template.StartsWith("composed transient", StringComparison.Ordinal) && Chance(0.5)) props |= Declared.Bounded;
        if (Chance(0.05)) props |= Pick(new[] { Declared.Increasing, Declared.Decreasing, Declared.Transient });
        if (x0 is null && Chance(0.15)) x0 = "param x0" + Pick(new[] { " ~ normal(0, 1)", " > 0", " < 0", " in (-1, 1)", " init 2", " in latent" });   // the last: DSPEC1017

        var body = new StringBuilder();
        body.Append(PropertyWords(props)).Append(" {\n");
        if (x0 is not null) body.Append("    ").Append(x0).Append('\n');
        if (template == "second order" && Chance(0.5)) body.Append("    param v0").Append(Pick(new[] { " > 0", " < 0", " ~ normal(0, 1)" })).Append('\n');
        foreach (var p in _params) body.Append("    ").Append(p).Append('\n');
        foreach (var l in _lets) body.Append("    ").Append(l).Append('\n');
        body.Append("    ").Append(equation).Append('\n');
        if (map is not null) body.Append("    map ").Append(map).Append('\n');
        body.Append("  }");
        return new GeneratedFamily(seed, template, props, body.ToString());
    }

    /// <summary>The property words of <paramref name="p"/> in a fixed order ("" for none).</summary>
    public static string PropertyWords(Declared p)
    {
        var words = new List<string>();
        if (p.HasFlag(Declared.Increasing)) words.Add("increasing");
        if (p.HasFlag(Declared.Decreasing)) words.Add("decreasing");
        if (p.HasFlag(Declared.Transient)) words.Add("transient");
        if (p.HasFlag(Declared.Nonnegative)) words.Add("nonnegative");
        if (p.HasFlag(Declared.Bounded)) words.Add("bounded");
        return string.Join(" ", words);
    }
}

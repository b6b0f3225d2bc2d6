using System.Linq;
using DerivSpec.Language;

namespace DerivSpec.Generator.Tests;

/// <summary>Checked models built by hand (independent of the parser), for emitter and oracle tests.</summary>
internal static class Models
{
    public static readonly Var Z = new(VarKind.Z, "z");
    public static readonly Var Net = new(VarKind.Net, "net");
    public static Var P(string name) => new(VarKind.Param, name);
    public static Num N(double v) => new(v);
    public static Expr Add(Expr a, Expr b) => new Binary(BinaryOp.Add, a, b);
    public static Expr Sub(Expr a, Expr b) => new Binary(BinaryOp.Subtract, a, b);
    public static Expr Mul(Expr a, Expr b) => new Binary(BinaryOp.Multiply, a, b);
    public static Expr Div(Expr a, Expr b) => new Binary(BinaryOp.Divide, a, b);
    public static Expr Pow(Expr a, Expr b) => new Binary(BinaryOp.Power, a, b);
    public static Expr Neg(Expr a) => new Unary(UnaryOp.Negate, a);
    public static Expr Fn(Function f, Expr a) => new Call(f, a);

    public static CheckedParameter X0(double init = 0) => new("x0", ParameterConstraint.Unconstrained, null, init, true);
    public static CheckedParameter V0(double init = 0) => new("v0", ParameterConstraint.Unconstrained, null, init, true);

    public static CheckedParameter Param(string name, double init, ParameterConstraint? c = null, Prior? prior = null) =>
        new(name, c ?? ParameterConstraint.Unconstrained, prior, init, false);

    public static CheckedFamily Family(string name, int index, FamilyKind kind, Expr body, ShapeProperties declared,
        Expr? map, params CheckedParameter[] parameters) =>
        new(name, index, kind, declared, parameters.ToEquatableArray(), body, map, Uses(body, VarKind.Net));

    private static bool Uses(Expr e, VarKind kind) => e switch
    {
        Var v => v.Kind == kind,
        Unary u => Uses(u.Operand, kind),
        Binary b => Uses(b.Left, kind) || Uses(b.Right, kind),
        Call c => Uses(c.Arg, kind),
        Integral i => Uses(i.Body, kind),
        _ => false,
    };

    public static CheckedModel Model(string name, int latent, params CheckedFamily[] families) =>
        new(name, null, latent, 15, LikelihoodKind.Gaussian, new NetShape(EquatableArray.Create(16, 16), ActivationKind.Tanh),
            new NetShape(EquatableArray.Create(64), ActivationKind.Relu), new Hyperparameters(0.1, 1.0, 1.0, 0.0),
            families.ToEquatableArray());

    /// <summary>The paper's BasisDeVAE decoder: increasing, decreasing and Gaussian-like transient families.</summary>
    public static CheckedModel Paper(int latent = 1) => Model("Paper", latent,
        Family("rise", 0, FamilyKind.FirstOrder, Fn(Function.Softplus, Net), ShapeProperties.Increasing, null, X0()),
        Family("fall", 1, FamilyKind.FirstOrder, Neg(Fn(Function.Softplus, Net)), ShapeProperties.Decreasing, null, X0()),
        Family("transient", 2, FamilyKind.Composed,
            // A * exp(-square((z - z0) * softplus(c + integral((z - z0) * softplus(net)))))
            Mul(P("A"), Fn(Function.Exp, Neg(Fn(Function.Square,
                Mul(Sub(Z, P("z0")), Fn(Function.Softplus, Add(P("c"), new Integral(Mul(Sub(Z, P("z0")), Fn(Function.Softplus, Net)))))))))),
            ShapeProperties.Transient, null,
            X0(),
            Param("A", 1.0, ParameterConstraint.Positive, new Prior(ParameterPriorKind.Gamma, 2, 1)),
            Param("z0", 0.0, null, new Prior(ParameterPriorKind.Normal, 0, 1)),
            Param("c", 0.0)));
}

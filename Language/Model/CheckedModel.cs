using System;

namespace DerivSpec.Language
{
    /// <summary>
    /// One checked model: everything the generator needs, value-equal and free of source positions, so a
    /// whitespace-only edit of the .dspec gives an equal model. Produced only for models without an error in their text.
    /// </summary>
    /// <param name="Name">The model's name (a C# identifier).</param>
    /// <param name="Namespace">The namespace given by the nearest preceding <c>namespace</c> statement, or null.</param>
    /// <param name="LatentDim">Latent dimension P ≥ 1 (setting <c>latent</c>, default 1).</param>
    /// <param name="QuadratureOrder">Gauss–Legendre order n ≥ 1 (setting <c>order</c>, default 15).</param>
    /// <param name="Likelihood">Observation model (setting <c>likelihood</c>, default gaussian).</param>
    /// <param name="DerivativeNet">Hidden widths and activation of the shared derivative network (setting <c>net</c>, default [64] tanh).</param>
    /// <param name="Encoder">Hidden widths and activation of the encoder (setting <c>encoder</c>, default [64] relu).</param>
    /// <param name="Hyper">Loss hyperparameter defaults (settings <c>alpha</c>, <c>beta</c>, <c>gamma</c>, <c>anneal</c>).</param>
    /// <param name="Families">The K ≥ 1 families in declaration order; <see cref="CheckedFamily.Index"/> is the position.</param>
    public sealed record CheckedModel(string Name, string? Namespace, int LatentDim, int QuadratureOrder,
        LikelihoodKind Likelihood, NetShape DerivativeNet, NetShape Encoder, Hyperparameters Hyper,
        EquatableArray<CheckedFamily> Families);

    /// <summary>Shape of a multilayer perceptron: hidden widths (possibly none) and the hidden activation.</summary>
    public sealed record NetShape(EquatableArray<int> Hidden, ActivationKind Activation);

    /// <summary>Default loss hyperparameters: α, β, γ and the fraction of training over which β/γ are annealed.</summary>
    public sealed record Hyperparameters(double Alpha, double Beta, double Gamma, double AnnealFraction, double Occam = 0, double FreeBits = 0);

    /// <summary>How a family's shape function is defined.</summary>
    public enum FamilyKind
    {
        /// <summary><c>dx/dz = e</c>: s(z) = ∫₀ᶻ e(τ) dτ.</summary>
        FirstOrder,
        /// <summary><c>d2x/dz2 = e</c>: s(z) = v0·z + ∫₀ᶻ (z − τ) e(τ) dτ.</summary>
        SecondOrder,
        /// <summary><c>x = e</c>: s(z) = e(z), where integral(b) = ∫₀ᶻ b(τ) dτ.</summary>
        Composed,
    }

    /// <summary>Shape properties a family may declare; each declared one is proven by the checker.</summary>
    [Flags]
    public enum ShapeProperties
    {
        /// <summary>No property.</summary>
        None = 0,
        /// <summary>Nondecreasing in every latent coordinate.</summary>
        Increasing = 1,
        /// <summary>Nonincreasing in every latent coordinate.</summary>
        Decreasing = 2,
        /// <summary>In every latent coordinate: strictly increasing up to one point, strictly decreasing after it.</summary>
        Transient = 4,
        /// <summary>Output ≥ 0 everywhere.</summary>
        Nonnegative = 8,
        /// <summary>For fixed parameters, the output is bounded over all z.</summary>
        Bounded = 16,
    }

    /// <summary>One checked family. <paramref name="Parameters"/> lists the built-ins first (x0, then v0 for second-order).</summary>
    /// <param name="Name">Family name.</param>
    /// <param name="Index">Position k (0-based) in the model.</param>
    /// <param name="Kind">First-order, second-order or composed.</param>
    /// <param name="Declared">Properties declared (and proven).</param>
    /// <param name="Parameters">Built-ins (IsBuiltin) then user parameters in declaration order.</param>
    /// <param name="Body">The integrand e (first/second order) or the expression e (composed), let bindings inlined.</param>
    /// <param name="OutputMap">Optional output map; <see cref="VarKind.X"/> stands for the value before the map.</param>
    /// <param name="UsesNet">True when the body mentions <c>net</c>.</param>
    public sealed record CheckedFamily(string Name, int Index, FamilyKind Kind, ShapeProperties Declared,
        EquatableArray<CheckedParameter> Parameters, Expr Body, Expr? OutputMap, bool UsesNet);

    /// <summary>A per-feature learnable parameter (shape [d] for x0, [P, d] otherwise).</summary>
    /// <param name="Name">Name.</param>
    /// <param name="Constraint">How the raw value is mapped to the constrained value.</param>
    /// <param name="Prior">Prior on the constrained value (log density goes into loss term (7)), or null.</param>
    /// <param name="Init">Initial constrained value (for <c>in latent(a, b)</c>, which takes no <c>init</c>: the middle of
    /// the range a decoder starts from, <see cref="LatentRangeRule.InitialValue"/>).</param>
    /// <param name="IsBuiltin">True for x0 and v0.</param>
    public sealed record CheckedParameter(string Name, ParameterConstraint Constraint, Prior? Prior, double Init, bool IsBuiltin);

    /// <summary>A constraint; <paramref name="Lower"/>/<paramref name="Upper"/> are the bounds of an Interval and the
    /// quantile levels a, b of a LatentRange (0 otherwise).</summary>
    public sealed record ParameterConstraint(ParameterConstraintKind Kind, double Lower, double Upper)
    {
        /// <summary>No constraint.</summary>
        public static ParameterConstraint Unconstrained { get; } = new ParameterConstraint(ParameterConstraintKind.None, 0, 0);
        /// <summary><c>&gt; 0</c>.</summary>
        public static ParameterConstraint Positive { get; } = new ParameterConstraint(ParameterConstraintKind.Positive, 0, 0);
        /// <summary><c>&lt; 0</c>.</summary>
        public static ParameterConstraint Negative { get; } = new ParameterConstraint(ParameterConstraintKind.Negative, 0, 0);
    }

    /// <summary>A prior: Normal(A=mean, B=sd), Gamma(A=shape, B=rate), LogNormal(A=mu, B=sigma), HalfNormal(A=sd, B=0), Exponential(A=rate, B=0); see <see cref="PriorVocabulary"/>. Kind is never None (no prior is a null Prior).</summary>
    public sealed record Prior(ParameterPriorKind Kind, double A, double B);

    /// <summary>An expression of the checked model (let bindings already inlined).</summary>
    public abstract record Expr;

    /// <summary>A finite, nonnegative number literal.</summary>
    public sealed record Num(double Value) : Expr;

    /// <summary>Kind of variable.</summary>
    public enum VarKind
    {
        /// <summary><c>z</c>: the latent coordinate, or the integration variable τ inside an integrand.</summary>
        Z,
        /// <summary><c>net</c>: this family's outputs of the derivative network at the integration variable.</summary>
        Net,
        /// <summary>A parameter (user or built-in) of the family.</summary>
        Param,
        /// <summary><c>x</c>: the value before the output map (only in OutputMap).</summary>
        X,
    }

    /// <summary>A variable reference.</summary>
    public sealed record Var(VarKind Kind, string Name) : Expr;

    /// <summary>Unary operator.</summary>
    public enum UnaryOp
    {
        /// <summary>−e</summary>
        Negate,
    }

    /// <summary>A unary operation.</summary>
    public sealed record Unary(UnaryOp Op, Expr Operand) : Expr;

    /// <summary>Binary operator.</summary>
    public enum BinaryOp
    {
        /// <summary>+</summary>
        Add,
        /// <summary>−</summary>
        Subtract,
        /// <summary>*</summary>
        Multiply,
        /// <summary>/</summary>
        Divide,
        /// <summary>^</summary>
        Power,
    }

    /// <summary>A binary operation.</summary>
    public sealed record Binary(BinaryOp Op, Expr Left, Expr Right) : Expr;

    /// <summary>Built-in functions (all unary).</summary>
    public enum Function
    {
        /// <summary>softplus(e) = log(1 + exp(e))</summary>
        Softplus,
        /// <summary>sigmoid(e) = 1 / (1 + exp(−e))</summary>
        Sigmoid,
        /// <summary>exp(e)</summary>
        Exp,
        /// <summary>log(e) (natural)</summary>
        Log,
        /// <summary>tanh(e)</summary>
        Tanh,
        /// <summary>square(e) = e²</summary>
        Square,
        /// <summary>abs(e)</summary>
        Abs,
    }

    /// <summary>A function call.</summary>
    public sealed record Call(Function Fn, Expr Arg) : Expr;

    /// <summary><c>integral(b)</c> = ∫₀ᶻ b(τ) dτ; inside <paramref name="Body"/>, z means τ. Only in composed bodies, never nested.</summary>
    public sealed record Integral(Expr Body) : Expr
    {
        /// <summary>Set by the checker when it proved that the integrand changes sign exactly at a point a constant in τ
        /// (b(τ) has the sign of ±(τ − a), so b(a) = 0): that a. The shape-preserving integration rule puts a zero of its
        /// interpolant there, so the computed integral turns exactly at a, as the proof assumes. Not part of the text.</summary>
        public Expr? Anchor { get; init; }
    }
}

using System;
using System.Globalization;
using System.Text;
using DerivSpec.Language;

namespace DerivSpec.Generator
{
    /// <summary>
    /// Translates a family expression into a C# expression over the Runtime primitives. Three places an expression can
    /// stand (CONTRACT §2):
    /// <list type="bullet">
    /// <item>inner: an integrand, evaluated at the nodes τ (z → q.Tau [B,P,n,1], parameters [P,1,d], net [B,P,n,d]);</item>
    /// <item>outer: a composed body at z (z → q.Z [B,P,1], parameters [P,d], integral(b) → q.Integrate(inner b));</item>
    /// <item>map: the output map of the assembled value x [B,d] (x → x, parameters [P,d]).</item>
    /// </list>
    /// Subexpressions without tensors are emitted as C# double expressions (the compiler folds them); a constant that
    /// must be a tensor becomes q.InnerConstant / q.Constant / DecoderMath.Full(x, c).
    /// </summary>
    internal sealed class ExprContext
    {
        private const string M = "global::DerivSpec.Runtime.Decoding.DecoderMath";
        private readonly ModelPlan _plan;
        private readonly CheckedFamily _family;

        private enum Place { Inner, Outer, Map }

        private readonly struct Code
        {
            public Code(string text, bool isConstant)
            {
                Text = text;
                IsConstant = isConstant;
            }

            public string Text { get; }
            public bool IsConstant { get; }
        }

        public ExprContext(ModelPlan plan, CheckedFamily family)
        {
            _plan = plan;
            _family = family;
        }

        /// <summary>An integrand, as a tensor at the nodes.</summary>
        public string Inner(Expr e)
        {
            var c = Emit(e, Place.Inner);
            return c.IsConstant ? "q.InnerConstant(" + c.Text + ")" : c.Text;
        }

        /// <summary>
        /// ∫₀ᶻ body dτ (with the checker's sign-change anchor, when given), as a tensor at z. Linear operations the rules
        /// commute with exactly are applied after the reduction, on [B, P, d] instead of at every point:
        /// <list type="bullet">
        /// <item>∫(−e) is emitted as −∫e: every rule is odd-symmetric in its integrand under round-to-nearest (sums,
        ///   products with weights, masks that do not depend on the values), so the value is the same bit for bit
        ///   (up to the sign of a zero);</item>
        /// <item>∫(τ − c)·e with c constant in τ (and the mirrored e·(τ − c)) is emitted as q.IntegrateShifted(e, c):
        ///   the shape-preserving and shared-grid rules still integrate the product itself (the shape-preserving rule's
        ///   zero at the anchor and the one-signed sums depend on the integrand's form), while the Gauss–Legendre rule
        ///   computes ∫τe − c·∫e by one contraction over its nodes.</item>
        /// </list>
        /// </summary>
        public string Integral(Expr body, Expr? anchor)
        {
            if (body is Unary { Op: UnaryOp.Negate } negated) return "(-" + Integral(negated.Operand, anchor) + ")";
            string anchorArg = anchor == null ? "" : ", " + Emit(anchor, Place.Outer).Text;
            if (ShiftedProduct(body) is { } shifted)
            {
                var shift = Emit(shifted.Shift, Place.Inner);
                return "q.IntegrateShifted(" + Inner(shifted.Factor) + ", " + shift.Text + anchorArg + ")";
            }
            return "q.Integrate(" + Inner(body) + anchorArg + ")";
        }

        /// <summary>(τ − c)·e or e·(τ − c) with c free of z and net: (c, e); otherwise null.</summary>
        private static (Expr Shift, Expr Factor)? ShiftedProduct(Expr body)
        {
            if (body is not Binary { Op: BinaryOp.Multiply } m) return null;
            if (IsTauMinus(m.Left) is { } c1) return (c1, m.Right);
            if (IsTauMinus(m.Right) is { } c2) return (c2, m.Left);
            return null;

            static Expr? IsTauMinus(Expr e) =>
                e is Binary { Op: BinaryOp.Subtract, Left: Var { Kind: VarKind.Z } } s && FreeOfTau(s.Right) ? s.Right : null;
        }

        /// <summary>True when <paramref name="e"/> mentions neither z (τ inside an integrand) nor net.</summary>
        private static bool FreeOfTau(Expr e) => e switch
        {
            Num => true,
            Var v => v.Kind == VarKind.Param,
            Unary u => FreeOfTau(u.Operand),
            Binary b => FreeOfTau(b.Left) && FreeOfTau(b.Right),
            Call c => FreeOfTau(c.Arg),
            _ => false,
        };

        /// <summary>A composed body, as a tensor at z.</summary>
        public string Outer(Expr e)
        {
            var c = Emit(e, Place.Outer);
            return c.IsConstant ? "q.Constant(" + c.Text + ")" : c.Text;
        }

        /// <summary>An output map over the local x.</summary>
        public string Map(Expr e)
        {
            var c = Emit(e, Place.Map);
            return c.IsConstant ? "global::DerivSpec.Runtime.Decoding.DecoderMath.Full(x, " + c.Text + ")" : c.Text;
        }

        // The checker bounds the depth (Checker.MaxInlinedDepth); the guard keeps a cold JIT's large frames within the
        // compiler thread's stack.
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private Code EmitOnFreshStack(Expr e, Place place) => StackGuard.OnFreshStack(a => Emit(a.e, a.place), (e, place));

        private Code Emit(Expr e, Place place)
        {
            if (!StackGuard.HasRoom()) return EmitOnFreshStack(e, place);
            switch (e)
            {
                case Num n:
                    return new Code(CodeWriter.Double(n.Value), true);
                case Var v:
                    return new Code(Variable(v, place), false);
                case Unary u:
                    {
                        var o = Emit(u.Operand, place);
                        return new Code("(-" + o.Text + ")", o.IsConstant);
                    }
                case Binary b:
                    {
                        var l = Emit(b.Left, place);
                        var r = Emit(b.Right, place);
                        bool constant = l.IsConstant && r.IsConstant;
                        if (b.Op == BinaryOp.Power) return new Code(M + ".Pow(" + l.Text + ", " + r.Text + ")", constant);
                        if (!constant && l.IsConstant && r.IsConstant == false && b.Op != BinaryOp.Add && b.Op != BinaryOp.Multiply)
                        {
                            // c − t and c / t: written with the tensor first so only Tensor-op-Scalar operators are needed.
                            return b.Op == BinaryOp.Subtract
                                ? new Code("((-" + r.Text + ") + " + l.Text + ")", false)
                                : new Code("(" + r.Text + ".reciprocal() * " + l.Text + ")", false);
                        }
                        if (!constant && l.IsConstant)
                            return new Code("(" + r.Text + " " + Operator(b.Op) + " " + l.Text + ")", false); // + and * commute
                        return new Code("(" + l.Text + " " + Operator(b.Op) + " " + r.Text + ")", constant);
                    }
                case Call { Fn: Function.Softplus, Arg: Var { Kind: VarKind.Net } } when place == Place.Inner && _plan.SoftplusNetOnly:
                    // Every use of net in the model is softplus(net): one softplus over all families' outputs.
                    return new Code("q.SoftplusNet(" + _plan.NetSlot(_family).ToString(CultureInfo.InvariantCulture) + ")", false);
                case Call c:
                    {
                        var a = Emit(c.Arg, place);
                        return new Code(M + "." + FunctionVocabulary.Of(c.Fn).RuntimeMethod + "(" + a.Text + ")", a.IsConstant);
                    }
                case Integral i:
                    if (place != Place.Outer)
                        throw new InvalidOperationException("integral(…) is only meaningful in a composed body (family '" + _family.Name + "').");
                    // With an anchor, the checker proved the integrand changes sign at that point: the rule keeps the turn there.
                    return new Code(Integral(i.Body, i.Anchor), false);
                default:
                    throw new InvalidOperationException("Unknown expression node " + (e?.GetType().Name ?? "null") + ".");
            }
        }

        private string Variable(Var v, Place place)
        {
            switch (v.Kind)
            {
                case VarKind.Z:
                    if (place == Place.Map) throw new InvalidOperationException("'z' in the output map of family '" + _family.Name + "'.");
                    return place == Place.Inner ? "q.Tau" : "q.Z";
                case VarKind.Net:
                    if (place != Place.Inner) throw new InvalidOperationException("'net' outside an integrand in family '" + _family.Name + "'.");
                    int slot = _plan.NetSlot(_family);
                    return "q.Net(" + slot.ToString(CultureInfo.InvariantCulture) + ")";
                case VarKind.Param:
                    {
                        var p = _plan.Find(_family, v.Name);
                        if (place == Place.Map && !p.IsFeature && _plan.LatentDim > 1)
                            throw new UnsupportedModelException("parameter '" + v.Name + "' of family '" + _family.Name +
                                "' has one value per latent dimension and feature ([P, d]); the output map works on the summed value x [B, d], " +
                                "so a per-latent parameter can appear in 'map' only when 'latent 1'. Move it into the family's expression instead");
                        return (place == Place.Inner ? "q.Inner(Parameters." : "q.Outer(Parameters.") + p.Id + ")";
                    }
                case VarKind.X:
                    if (place != Place.Map) throw new InvalidOperationException("'x' outside the output map of family '" + _family.Name + "'.");
                    return "x";
                default:
                    throw new InvalidOperationException("Unknown variable kind " + v.Kind + ".");
            }
        }

        private static string Operator(BinaryOp op) => op switch
        {
            BinaryOp.Add => "+",
            BinaryOp.Subtract => "-",
            BinaryOp.Multiply => "*",
            BinaryOp.Divide => "/",
            _ => throw new InvalidOperationException("No infix operator for " + op + "."),
        };
    }

    /// <summary>A checked model the generator cannot translate (reported as DSPEC9005, not as an internal error).</summary>
    internal sealed class UnsupportedModelException : Exception
    {
        public UnsupportedModelException(string message) : base(message) { }
    }
}

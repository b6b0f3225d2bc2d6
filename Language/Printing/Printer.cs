using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using DerivSpec.Language.Semantics;

namespace DerivSpec.Language.Printing
{
    /// <summary>Canonical text of checked models and expressions (see <see cref="DspecPrinter"/>).</summary>
    internal static class Printer
    {
        public static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

        public static string Print(Expr e)
        {
            var sb = new StringBuilder();
            Write(sb, e, 0);
            return sb.ToString();
        }

        // Precedence: 1 additive, 2 multiplicative, 3 unary minus, 4 power, 5 atoms.
        private static int Prec(Expr e) => e switch
        {
            Binary b when b.Op == BinaryOp.Add || b.Op == BinaryOp.Subtract => 1,
            Binary b when b.Op == BinaryOp.Multiply || b.Op == BinaryOp.Divide => 2,
            Unary => 3,
            Binary => 4,
            Num n when n.Value < 0 => 3,
            _ => 5,
        };

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        private static void WriteOnFreshStack(StringBuilder sb, Expr e, int minPrec) =>
            StackGuard.OnFreshStack(a => { Write(a.sb, a.e, a.minPrec); return 0; }, (sb, e, minPrec));

        private static void Write(StringBuilder sb, Expr e, int minPrec)
        {
            if (!StackGuard.HasRoom())
            {
                WriteOnFreshStack(sb, e, minPrec);
                return;
            }
            bool parens = Prec(e) < minPrec;
            if (parens) sb.Append('(');
            switch (e)
            {
                case Num n:
                    if (n.Value < 0) sb.Append('-').Append(Number(-n.Value));
                    else sb.Append(Number(n.Value));
                    break;
                case Var v:
                    sb.Append(v.Name);
                    break;
                case Unary u:
                    sb.Append('-');
                    // '-' applies to a power or atom directly; '--x' nests.
                    Write(sb, u.Operand, 3);
                    break;
                case Binary b:
                    {
                        int p = Prec(e);
                        if (b.Op == BinaryOp.Power)
                        {
                            Write(sb, b.Left, 5);
                            sb.Append(" ^ ");
                            Write(sb, b.Right, 3); // right-associative; a unary minus may follow '^'
                        }
                        else
                        {
                            Write(sb, b.Left, p);
                            sb.Append(b.Op switch { BinaryOp.Add => " + ", BinaryOp.Subtract => " - ", BinaryOp.Multiply => " * ", _ => " / " });
                            Write(sb, b.Right, p + 1);
                        }
                        break;
                    }
                case Call c:
                    sb.Append(FunctionVocabulary.Of(c.Fn).Name).Append('(');
                    Write(sb, c.Arg, 0);
                    sb.Append(')');
                    break;
                case Integral i:
                    sb.Append("integral(");
                    Write(sb, i.Body, 0);
                    sb.Append(')');
                    break;
            }
            if (parens) sb.Append(')');
        }

        public static string Print(IEnumerable<CheckedModel> models)
        {
            var sb = new StringBuilder();
            string? ns = null;
            bool first = true;
            foreach (var m in models)
            {
                if (!first) sb.Append('\n');
                if (m.Namespace != ns && m.Namespace != null)
                {
                    sb.Append("namespace ").Append(m.Namespace).Append("\n\n");
                }
                ns = m.Namespace ?? ns;
                WriteModel(sb, m);
                first = false;
            }
            return sb.ToString();
        }

        private static void WriteModel(StringBuilder sb, CheckedModel m)
        {
            sb.Append("model ").Append(m.Name).Append(" {\n");
            sb.Append("  latent ").Append(m.LatentDim).Append('\n');
            sb.Append("  order ").Append(m.QuadratureOrder).Append('\n');
            sb.Append("  likelihood ").Append(LikelihoodVocabulary.Of(m.Likelihood).Name).Append('\n');
            sb.Append("  net ").Append(Net(m.DerivativeNet)).Append('\n');
            sb.Append("  encoder ").Append(Net(m.Encoder)).Append('\n');
            sb.Append("  alpha ").Append(Number(m.Hyper.Alpha)).Append('\n');
            sb.Append("  beta ").Append(Number(m.Hyper.Beta)).Append('\n');
            sb.Append("  gamma ").Append(Number(m.Hyper.Gamma)).Append('\n');
            sb.Append("  anneal ").Append(Number(m.Hyper.AnnealFraction)).Append('\n');
            sb.Append("  occam ").Append(Number(m.Hyper.Occam)).Append('\n');
            // Only when declared: a model without it keeps the canonical text (and so the spec identity) it had before
            // the setting existed, so its saved model files still load.
            if (m.Hyper.FreeBits != 0) sb.Append("  freebits ").Append(Number(m.Hyper.FreeBits)).Append('\n');
            foreach (var f in m.Families)
            {
                sb.Append('\n');
                WriteFamily(sb, f);
            }
            sb.Append("}\n");
        }

        private static string Net(NetShape n) =>
            "[" + string.Join(", ", n.Hidden.Select(w => w.ToString(CultureInfo.InvariantCulture))) + "] " + ActivationVocabulary.Of(n.Activation).Name;

        private static void WriteFamily(StringBuilder sb, CheckedFamily f)
        {
            sb.Append("  family ").Append(f.Name);
            foreach (var name in PropertyVocabulary.NamesOf(f.Declared)) sb.Append(' ').Append(name);
            string lhs = f.Kind switch { FamilyKind.FirstOrder => "dx/dz", FamilyKind.SecondOrder => "d2x/dz2", FamilyKind.Composed => "x" };
            var shown = f.Parameters.Where(p => !p.IsBuiltin || !IsDefaultBuiltin(p)).ToList();
            if (shown.Count == 0 && f.OutputMap == null)
            {
                sb.Append(": ").Append(lhs).Append(" = ").Append(Print(f.Body)).Append('\n');
                return;
            }
            sb.Append(" {\n");
            foreach (var p in shown)
            {
                sb.Append("    param ").Append(p.Name);
                if (p.Constraint.Kind != ParameterConstraintKind.None)
                    sb.Append(' ').Append(ConstraintVocabulary.Of(p.Constraint.Kind).Text(p.Constraint.Lower, p.Constraint.Upper));
                if (p.Prior is Prior prior)
                {
                    var info = PriorVocabulary.Of(prior.Kind);
                    sb.Append(" ~ ").Append(info.Name).Append('(').Append(Number(prior.A));
                    if (info.Arity == 2) sb.Append(", ").Append(Number(prior.B));
                    sb.Append(')');
                }
                if (ConstraintVocabulary.Of(p.Constraint.Kind).AcceptsInit) sb.Append(" init ").Append(Number(p.Init));
                sb.Append('\n');
            }
            sb.Append("    ").Append(lhs).Append(" = ").Append(Print(f.Body)).Append('\n');
            if (f.OutputMap != null) sb.Append("    map ").Append(Print(f.OutputMap)).Append('\n');
            sb.Append("  }\n");
        }

        private static bool IsDefaultBuiltin(CheckedParameter p) =>
            p.Constraint.Kind == ParameterConstraintKind.None && p.Prior == null && p.Init == 0;
    }
}

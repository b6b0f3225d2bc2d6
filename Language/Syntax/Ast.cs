using System.Collections.Generic;

namespace DerivSpec.Language.Syntax
{
    // The syntax tree: every node carries its source span. Lists are plain (the AST never leaves the assembly).

    internal sealed class Name
    {
        public Name(string text, TextSpan span) { Text = text; Span = span; }
        public string Text { get; }
        public TextSpan Span { get; }
    }

    internal sealed class NumberLit
    {
        public NumberLit(double value, string text, TextSpan span) { Value = value; Text = text; Span = span; }
        public double Value { get; }
        public string Text { get; }
        public TextSpan Span { get; }
    }

    internal sealed class FileSyntax
    {
        public List<object> Items { get; } = new List<object>(); // NamespaceSyntax | ModelSyntax
    }

    internal sealed class NamespaceSyntax
    {
        public NamespaceSyntax(List<Name> parts, TextSpan span) { Parts = parts; Span = span; }
        public List<Name> Parts { get; }
        public TextSpan Span { get; }
    }

    internal sealed class ModelSyntax
    {
        public ModelSyntax(Name name, List<object> items, TextSpan span) { Name = name; Items = items; Span = span; }
        public Name Name { get; }
        public List<object> Items { get; } // SettingSyntax | FamilySyntax
        public TextSpan Span { get; }
    }

    /// <summary>A setting argument: a number, a name, or a [list] of numbers.</summary>
    internal sealed class SettingArg
    {
        public SettingArg(NumberLit? number, Name? name, List<NumberLit>? list, TextSpan span) { Number = number; Name = name; List = list; Span = span; }
        public NumberLit? Number { get; }
        public Name? Name { get; }
        public List<NumberLit>? List { get; }
        public TextSpan Span { get; }
    }

    internal sealed class SettingSyntax
    {
        public SettingSyntax(Name key, List<SettingArg> args, TextSpan span) { Key = key; Args = args; Span = span; }
        public Name Key { get; }
        public List<SettingArg> Args { get; }
        public TextSpan Span { get; }
    }

    internal sealed class FamilySyntax
    {
        public FamilySyntax(Name name, List<Name> properties, List<object> items, bool oneLine, TextSpan span)
        { Name = name; Properties = properties; Items = items; OneLine = oneLine; Span = span; }
        public Name Name { get; }
        public List<Name> Properties { get; }
        public List<object> Items { get; } // ParamSyntax | LetSyntax | EquationSyntax | MapSyntax
        public bool OneLine { get; }
        public TextSpan Span { get; }
    }

    internal sealed class ConstraintSyntax
    {
        public ConstraintSyntax(char op, NumberLit? bound, NumberLit? lower, NumberLit? upper, TextSpan span)
        { Op = op; Bound = bound; Lower = lower; Upper = upper; Span = span; }
        public char Op { get; }            // '>' '<', 'i' (in (lo, hi)) or 'l' (in latent, levels in Lower/Upper or none)
        public NumberLit? Bound { get; }
        public NumberLit? Lower { get; }
        public NumberLit? Upper { get; }
        public TextSpan Span { get; }
    }

    internal sealed class PriorSyntax
    {
        public PriorSyntax(Name distribution, List<NumberLit> args, TextSpan span) { Distribution = distribution; Args = args; Span = span; }
        public Name Distribution { get; }
        public List<NumberLit> Args { get; }
        public TextSpan Span { get; }
    }

    internal sealed class ParamSyntax
    {
        public ParamSyntax(Name name, ConstraintSyntax? constraint, PriorSyntax? prior, NumberLit? init, TextSpan span)
        { Name = name; Constraint = constraint; Prior = prior; Init = init; Span = span; }
        public Name Name { get; }
        public ConstraintSyntax? Constraint { get; }
        public PriorSyntax? Prior { get; }
        public NumberLit? Init { get; }
        public TextSpan Span { get; }
    }

    internal sealed class LetSyntax
    {
        public LetSyntax(Name name, ExprSyntax value, TextSpan span) { Name = name; Value = value; Span = span; }
        public Name Name { get; }
        public ExprSyntax Value { get; }
        public TextSpan Span { get; }
    }

    internal sealed class EquationSyntax
    {
        public EquationSyntax(string lhs, TextSpan lhsSpan, ExprSyntax value, TextSpan span) { Lhs = lhs; LhsSpan = lhsSpan; Value = value; Span = span; }
        public string Lhs { get; }       // "dx/dz", "d2x/dz2", "x" or anything else (reported)
        public TextSpan LhsSpan { get; }
        public ExprSyntax Value { get; }
        public TextSpan Span { get; }
    }

    internal sealed class MapSyntax
    {
        public MapSyntax(ExprSyntax value, TextSpan span) { Value = value; Span = span; }
        public ExprSyntax Value { get; }
        public TextSpan Span { get; }
    }

    internal abstract class ExprSyntax
    {
        protected ExprSyntax(TextSpan span, int depth) { Span = span; Depth = depth; }
        public TextSpan Span { get; private set; }
        /// <summary>Extends the span over enclosing parentheses (the node is fresh from the parser).</summary>
        public ExprSyntax Widen(TextSpan span) { Span = Span.Union(span); return this; }
        /// <summary>Height of the tree (a leaf is 1); capped by the parser.</summary>
        public int Depth { get; }
    }

    internal sealed class NumberExpr : ExprSyntax
    {
        public NumberExpr(NumberLit lit) : base(lit.Span, 1) { Lit = lit; }
        public NumberLit Lit { get; }
    }

    internal sealed class NameExpr : ExprSyntax
    {
        public NameExpr(Name name) : base(name.Span, 1) { Name = name; }
        public Name Name { get; }
    }

    internal sealed class CallExpr : ExprSyntax
    {
        public CallExpr(Name function, List<ExprSyntax> args, TextSpan span, int depth) : base(span, depth) { Function = function; Args = args; }
        public Name Function { get; }
        public List<ExprSyntax> Args { get; }
    }

    internal sealed class NegateExpr : ExprSyntax
    {
        public NegateExpr(ExprSyntax operand, TextSpan span) : base(span, operand.Depth + 1) { Operand = operand; }
        public ExprSyntax Operand { get; }
    }

    internal sealed class BinaryExpr : ExprSyntax
    {
        public BinaryExpr(char op, ExprSyntax left, ExprSyntax right, TextSpan span)
            : base(span, 1 + (left.Depth > right.Depth ? left.Depth : right.Depth)) { Op = op; Left = left; Right = right; }
        public char Op { get; }  // + - * / ^
        public ExprSyntax Left { get; }
        public ExprSyntax Right { get; }
    }

    /// <summary>Stands for an operator chain that exceeded the depth limit (reported once by the checker).</summary>
    internal sealed class TooDeepExpr : ExprSyntax
    {
        public TooDeepExpr(TextSpan span) : base(span, 1) { }
    }
}

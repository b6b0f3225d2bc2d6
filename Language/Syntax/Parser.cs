using System.Collections.Generic;
using System.Linq;
using Sprache;

namespace DerivSpec.Language.Syntax
{
    /// <summary>
    /// The grammar, written with Sprache combinators over the token-kind string produced by <see cref="Lexer"/>.
    /// Statements are parsed one at a time: a failing statement is reported once and skipped to the next line end
    /// (or the next statement keyword), so one run reports every independent error. The grammar is LL(1) over tokens
    /// (keywords decide, <c>XOr</c> commits), so no production is retried; operator chains are folded iteratively and
    /// nesting is limited by the lexer, so neither parsing nor later passes can overflow the stack.
    /// </summary>
    internal sealed class Parser
    {
        public const int MaxExpressionDepth = 200;

        private static readonly HashSet<string> s_reserved = new HashSet<string>
        {
            "model", "family", "param", "let", "map", "namespace", "integral", "net", "z", "x", "x0", "v0", "init", "in",
        };

        private static readonly HashSet<string> s_itemStarters = new HashSet<string> { "model", "family", "param", "let", "map", "namespace" };

        private readonly List<Token> _tokens;
        private readonly DiagnosticBag _diagnostics;
        private readonly int _eofOffset;

        private readonly Parser<Token> _sep;
        private readonly Parser<ExprSyntax> _expr;
        private readonly Parser<object> _modelItem;
        private readonly Parser<object> _topItem;

        public static bool IsReserved(string word) => s_reserved.Contains(word);

        public Parser(List<Token> tokens, DiagnosticBag diagnostics, int textLength)
        {
            _tokens = tokens;
            _diagnostics = diagnostics;
            _eofOffset = textLength;

            _sep = Tok(TokenKind.Separator, "end of line");
            var ident = Tok(TokenKind.Identifier, "a name").Select(t => new Name(t.Text, t.Span));
            var number = Tok(TokenKind.Number, "a number");
            var signedNumber =
                (from minus in Tok('-', "'-'").Optional()
                 from n in number
                 select minus.IsDefined
                     ? new NumberLit(-n.Value, "-" + n.Text, TextSpan.FromBounds(minus.Get().Start, n.End))
                     : new NumberLit(n.Value, n.Text, n.Span)).Named("a number");
            var optionalSeps = _sep.Many();

            // ---- expressions ----
            // Expressions are parsed by direct delegates (not LINQ queries) so that each level of nesting costs only a few
            // stack frames: 64 levels (the lexer's limit) fit comfortably in a 256 KiB stack.
            Parser<ExprSyntax>? exprRef = null;
            Parser<ExprSyntax> expr = input => exprRef!(input);
            Parser<(List<ExprSyntax> Args, int End)> args = input =>
            {
                // '(' [ expr { ',' expr } ] ')'
                if (input.AtEnd || input.Current != '(') return Result.Failure<(List<ExprSyntax>, int)>(input, "unexpected token", new[] { "'('" });
                input = input.Advance();
                var list = new List<ExprSyntax>();
                if (!input.AtEnd && input.Current != ')')
                {
                    while (true)
                    {
                        var e = expr(input);
                        if (!e.WasSuccessful) return Result.Failure<(List<ExprSyntax>, int)>(e.Remainder, e.Message, e.Expectations);
                        list.Add(e.Value);
                        input = e.Remainder;
                        if (input.AtEnd || input.Current != ',') break;
                        input = input.Advance();
                    }
                }
                if (input.AtEnd || input.Current != ')')
                    return Result.Failure<(List<ExprSyntax>, int)>(input, "unexpected token", list.Count == 0 ? new[] { "an expression", "')'" } : new[] { "')'", "','" });
                return Result.Success((list, _tokens[input.Position].End), input.Advance());
            };
            Parser<ExprSyntax> nameOrCall = input =>
            {
                var id = _tokens[input.Position];
                var call = args(input.Advance());
                if (!call.WasSuccessful) return Result.Failure<ExprSyntax>(call.Remainder, call.Message, call.Expectations);
                var name = new Name(id.Text, id.Span);
                return Result.Success<ExprSyntax>(new CallExpr(name, call.Value.Args, TextSpan.FromBounds(id.Start, call.Value.End), 1 + MaxDepth(call.Value.Args)), call.Remainder);
            };
            Parser<ExprSyntax> parenthesized = input =>
            {
                var open = _tokens[input.Position];
                var e = expr(input.Advance());
                if (!e.WasSuccessful) return e;
                var rest = e.Remainder;
                if (rest.AtEnd || rest.Current != ')') return Result.Failure<ExprSyntax>(rest, "unexpected token", new[] { "')'" });
                return Result.Success(e.Value.Widen(TextSpan.FromBounds(open.Start, _tokens[rest.Position].End)), rest.Advance());
            };
            // The hot path (one call per operand) dispatches on the next token instead of trying alternatives.
            Parser<ExprSyntax> primary = input =>
            {
                if (!input.AtEnd)
                {
                    switch (input.Current)
                    {
                        case TokenKind.Number:
                            {
                                var t = _tokens[input.Position];
                                return Result.Success<ExprSyntax>(new NumberExpr(new NumberLit(t.Value, t.Text, t.Span)), input.Advance());
                            }
                        case TokenKind.Identifier:
                            {
                                var rest = input.Advance();
                                if (rest.AtEnd || rest.Current != '(')
                                {
                                    var t = _tokens[input.Position];
                                    return Result.Success<ExprSyntax>(new NameExpr(new Name(t.Text, t.Span)), rest);
                                }
                                return nameOrCall(input);
                            }
                        case '(':
                            return parenthesized(input);
                    }
                }
                return Result.Failure<ExprSyntax>(input, "unexpected token", new[] { "an expression" });
            };
            Parser<ExprSyntax> unaryAndPower = input =>
            {
                // { '-' } primary { '^' { '-' } primary }
                var negs = new List<Token>();
                while (!input.AtEnd && input.Current == '-') { negs.Add(_tokens[input.Position]); input = input.Advance(); }
                var first = primary(input);
                if (!first.WasSuccessful) return first;
                input = first.Remainder;
                List<(List<Token> Negs, ExprSyntax Operand)>? rest = null;
                while (!input.AtEnd && input.Current == '^')
                {
                    input = input.Advance();
                    var innerNegs = new List<Token>();
                    while (!input.AtEnd && input.Current == '-') { innerNegs.Add(_tokens[input.Position]); input = input.Advance(); }
                    var operand = primary(input);
                    if (!operand.WasSuccessful) return operand;
                    (rest ??= new List<(List<Token>, ExprSyntax)>()).Add((innerNegs, operand.Value));
                    input = operand.Remainder;
                }
                var value = rest == null ? first.Value : FoldPower(first.Value, rest);
                return Result.Success(negs.Count == 0 ? value : ApplyNegations(negs, value), input);
            };
            var term = LeftChain(unaryAndPower, '*', '/');
            exprRef = LeftChain(term, '+', '-');
            _expr = exprRef;

            // ---- family items ----
            var constraint =
                (from gt in Tok('>', "'>'").Or(Tok('<', "'<'"))
                 from bound in signedNumber
                 select new ConstraintSyntax(gt.Kind, bound, null, null, TextSpan.FromBounds(gt.Start, bound.Span.End)))
                .XOr(from kw in Keyword("in")
                     from c in
                         (from open in Tok('(', "'('")
                          from lo in signedNumber
                          from comma in Tok(',', "','")
                          from hi in signedNumber
                          from close in Tok(')', "')'")
                          select new ConstraintSyntax('i', null, lo, hi, TextSpan.FromBounds(kw.Start, close.End)))
                         .XOr(from latent in Keyword("latent")
                              from levels in
                                  (from open in Tok('(', "'('")
                                   from a in signedNumber
                                   from comma in Tok(',', "','")
                                   from b in signedNumber
                                   from close in Tok(')', "')'")
                                   select (A: a, B: b, End: close.End)).XOptional()
                              select levels.IsDefined
                                  ? new ConstraintSyntax('l', null, levels.Get().A, levels.Get().B, TextSpan.FromBounds(kw.Start, levels.Get().End))
                                  : new ConstraintSyntax('l', null, null, null, TextSpan.FromBounds(kw.Start, latent.End)))
                     select c);
            var prior =
                from tilde in Tok('~', "'~'")
                from dist in ident
                from open in Tok('(', "'('")
                from first in signedNumber.XOptional()
                from rest in (from comma in Tok(',', "','") from n in signedNumber select n).XMany()
                from close in Tok(')', "')'")
                select new PriorSyntax(dist, first.IsDefined ? new[] { first.Get() }.Concat(rest).ToList() : new List<NumberLit>(),
                    TextSpan.FromBounds(dist.Span.Start, close.End));
            var init =
                from kw in Keyword("init")
                from value in signedNumber
                select value;
            var param =
                from kw in Keyword("param")
                from name in ident
                from c in constraint.XOptional()
                from p in prior.XOptional()
                from i in init.XOptional()
                select (object)new ParamSyntax(name, c.GetOrDefault(), p.GetOrDefault(), i.GetOrDefault(),
                    TextSpan.FromBounds(kw.Start, LastEnd(name.Span.End, c.GetOrDefault()?.Span.End, p.GetOrDefault()?.Span.End, i.GetOrDefault()?.Span.End)));
            var let =
                from kw in Keyword("let")
                from name in ident
                from eq in Tok('=', "'='")
                from value in expr
                select (object)new LetSyntax(name, value, TextSpan.FromBounds(kw.Start, value.Span.End));
            var map =
                from kw in Keyword("map")
                from value in expr
                select (object)new MapSyntax(value, TextSpan.FromBounds(kw.Start, value.Span.End));
            var equation =
                from lhs in ident
                from derivative in (from slash in Tok('/', "'/'") from den in ident select den).XOptional()
                from eq in Tok('=', derivative.IsDefined ? "'='" : "'=' or '/'")
                from value in expr
                select (object)new EquationSyntax(
                    derivative.IsDefined ? lhs.Text + "/" + derivative.Get().Text : lhs.Text,
                    derivative.IsDefined ? TextSpan.FromBounds(lhs.Span.Start, derivative.Get().Span.End) : lhs.Span,
                    value, TextSpan.FromBounds(lhs.Span.Start, value.Span.End));
            var familyItem = param.XOr(let).XOr(map).XOr(equation).Named("a family item ('param', 'let', 'map' or an equation)");
            var familyBody = Block(familyItem, new[] { "family", "model", "namespace" });

            var family =
                from kw in Keyword("family")
                from name in ident
                from props in ident.Many()
                from body in (from colon in Tok(':', "':'")
                              from seps in optionalSeps
                              from eqn in equation
                              select (Items: new List<object> { eqn }, OneLine: true, End: ((EquationSyntax)eqn).Span.End))
                             .XOr(from seps in optionalSeps
                                  from block in familyBody
                                  select (Items: block.Items, OneLine: false, End: block.End))
                             .Named("':' or '{'")
                select (object)new FamilySyntax(name, props.ToList(), body.Items, body.OneLine, TextSpan.FromBounds(kw.Start, body.End));

            // ---- model items ----
            var listArg =
                from open in Tok('[', "'['")
                from first in signedNumber.XOptional()
                from rest in (from comma in Tok(',', "','") from n in signedNumber select n).XMany()
                from close in Tok(']', "']'")
                select new SettingArg(null, null, first.IsDefined ? new[] { first.Get() }.Concat(rest).ToList() : new List<NumberLit>(),
                    TextSpan.FromBounds(open.Start, close.End));
            var settingArg = signedNumber.Select(n => new SettingArg(n, null, null, n.Span))
                .XOr(ident.Select(id => new SettingArg(null, id, null, id.Span)))
                .XOr(listArg);
            var setting =
                from key in ident
                from values in settingArg.XMany()
                select (object)new SettingSyntax(key, values.ToList(),
                    TextSpan.FromBounds(key.Span.Start, values.Any() ? values.Last().Span.End : key.Span.End));
            _modelItem = family.XOr(setting).Named("a setting or 'family'");
            var modelBody = Block(_modelItem, new[] { "model", "namespace" });
            var model =
                from kw in Keyword("model")
                from name in ident
                from seps in optionalSeps
                from body in modelBody
                select (object)new ModelSyntax(name, body.Items, TextSpan.FromBounds(kw.Start, body.End));
            var ns =
                from kw in Keyword("namespace")
                from first in ident
                from rest in (from dot in Tok('.', "'.'") from part in ident select part).XMany()
                select (object)new NamespaceSyntax(new[] { first }.Concat(rest).ToList(),
                    TextSpan.FromBounds(kw.Start, rest.Any() ? rest.Last().Span.End : first.Span.End));
            _topItem = model.XOr(ns).Named("'model' or 'namespace'");
        }

        public FileSyntax ParseFile()
        {
            var file = new FileSyntax();
            var kinds = new string(_tokens.Select(t => t.Kind).ToArray());
            IInput input = new TokenInput(kinds, 0);
            while (!input.AtEnd)
            {
                if (input.Current == TokenKind.Separator) { input = input.Advance(); continue; }
                if (input.Current == TokenKind.Poison) { input = input.Advance(); continue; }
                var r = _topItem(input);
                if (r.WasSuccessful && (r.Remainder.AtEnd || r.Remainder.Current == TokenKind.Separator))
                {
                    file.Items.Add(r.Value);
                    input = r.Remainder;
                    continue;
                }
                var failure = r.WasSuccessful ? r.Remainder : r.Remainder;
                ReportFailure(failure, r.WasSuccessful ? new[] { "end of line" } : r.Expectations);
                if (r.WasSuccessful) file.Items.Add(r.Value);
                // Skip to the next 'model' or 'namespace' at brace depth 0.
                int pos = failure.Position > input.Position ? failure.Position : input.Position + 1;
                int depth = 0;
                if (!r.WasSuccessful) depth = BraceDepthBetween(input.Position, pos);
                while (pos < _tokens.Count)
                {
                    var t = _tokens[pos];
                    if (t.Kind == '{') depth++;
                    else if (t.Kind == '}') { if (depth > 0) depth--; }
                    else if (depth == 0 && t.Kind == TokenKind.Identifier && (t.Text == "model" || t.Text == "namespace")) break;
                    pos++;
                }
                input = Skip(input, pos);
            }
            return file;
        }

        private int BraceDepthBetween(int from, int to)
        {
            int depth = 0;
            for (int k = from; k < to && k < _tokens.Count; k++)
            {
                if (_tokens[k].Kind == '{') depth++;
                else if (_tokens[k].Kind == '}' && depth > 0) depth--;
            }
            return depth;
        }

        private static IInput Skip(IInput input, int position)
        {
            while (input.Position < position && !input.AtEnd) input = input.Advance();
            return input;
        }

        /// <summary>'{' items '}' where each item is parsed with recovery.</summary>
        private Parser<(List<object> Items, int End)> Block(Parser<object> item, string[] stopKeywords)
        {
            var open = Tok('{', "'{'");
            var close = Tok('}', "'}'");
            Parser<object?> recovering = input => RecoverItem(item, stopKeywords, input);
            return from o in open
                   from items in recovering.Many()
                   from c in close
                   select (items.Where(x => x != null).Select(x => x!).ToList(), c.End);
        }

        /// <summary>
        /// Parses one item (or separators). Fails without consuming at '}', end of input, or a keyword that cannot
        /// start an item here (so the enclosing block reports the missing '}'). Otherwise always succeeds: on a syntax
        /// error it reports once and skips to the next separator at the same brace depth.
        /// </summary>
        private IResult<object?> RecoverItem(Parser<object> item, string[] stopKeywords, IInput input)
        {
            if (input.AtEnd || input.Current == '}')
                return Result.Failure<object?>(input, "end of block", new[] { "'}'" });
            if (input.Current == TokenKind.Separator)
            {
                var rest = input;
                while (!rest.AtEnd && rest.Current == TokenKind.Separator) rest = rest.Advance();
                return Result.Success<object?>(null, rest);
            }
            var tok = _tokens[input.Position];
            if (tok.Kind == TokenKind.Identifier && stopKeywords.Contains(tok.Text))
                return Result.Failure<object?>(input, "end of block", new[] { "'}'" });

            var r = item(input);
            IInput failure;
            IEnumerable<string> expected;
            object? value = null;
            if (r.WasSuccessful)
            {
                var rem = r.Remainder;
                if (rem.AtEnd || rem.Current == TokenKind.Separator || rem.Current == '}') return Result.Success<object?>(r.Value, rem);
                failure = rem;
                expected = new[] { "end of line" };
                value = r.Value;
            }
            else
            {
                failure = r.Remainder;
                expected = r.Expectations;
            }
            ReportFailure(failure, expected);
            int pos = failure.Position > input.Position ? failure.Position : input.Position;
            var atFailure = pos < _tokens.Count ? _tokens[pos] : null;
            bool stopHere = pos > input.Position && atFailure != null && atFailure.Kind == TokenKind.Identifier && s_itemStarters.Contains(atFailure.Text);
            if (!stopHere)
            {
                int depth = BraceDepthBetween(input.Position, pos);
                if (pos == input.Position) pos++;
                while (pos < _tokens.Count)
                {
                    var t = _tokens[pos];
                    if (t.Kind == '{') depth++;
                    else if (t.Kind == '}') { if (depth == 0) break; depth--; }
                    else if (depth == 0 && t.Kind == TokenKind.Separator) break;
                    else if (depth == 0 && t.Kind == TokenKind.Identifier && s_itemStarters.Contains(t.Text) && pos > input.Position + 0 && PrecededBySeparator(pos)) break;
                    pos++;
                }
            }
            return Result.Success<object?>(value, Skip(input, pos));
        }

        private bool PrecededBySeparator(int pos) => pos > 0 && _tokens[pos - 1].Kind == TokenKind.Separator;

        private void ReportFailure(IInput at, IEnumerable<string> expectations)
        {
            int pos = at.Position;
            if (pos < _tokens.Count && _tokens[pos].Kind == TokenKind.Poison) return; // already reported by the lexer
            TextSpan span;
            string found;
            if (pos >= _tokens.Count)
            {
                span = new TextSpan(_eofOffset, 0);
                found = "end of file";
            }
            else
            {
                var t = _tokens[pos];
                span = t.Span;
                found = Describe(t);
            }
            var list = expectations.Where(e => !string.IsNullOrEmpty(e)).Distinct().ToList();
            string expected = list.Count == 0 ? "something else" : JoinOr(list);
            _diagnostics.Report(DiagnosticCatalog.SyntaxError, span, found, expected);
        }

        internal static string JoinOr(IList<string> items)
        {
            if (items.Count == 1) return items[0];
            return string.Join(", ", items.Take(items.Count - 1)) + " or " + items[items.Count - 1];
        }

        private static string Describe(Token t)
        {
            switch (t.Kind)
            {
                case TokenKind.Separator: return t.Text == ";" ? "';'" : "end of line";
                case TokenKind.Identifier: return (s_itemStarters.Contains(t.Text) ? "keyword '" : "name '") + Lexer.Shorten(t.Text) + "'";
                case TokenKind.Number: return "number " + Lexer.Shorten(t.Text);
                default: return "'" + t.Text + "'";
            }
        }

        // ---- token-level primitives ----

        private Parser<Token> Tok(char kind, string expectation) => input =>
        {
            if (!input.AtEnd && input.Current == kind) return Result.Success(_tokens[input.Position], input.Advance());
            return Result.Failure<Token>(input, "unexpected token", new[] { expectation });
        };

        private Parser<Token> Keyword(string word) => input =>
        {
            if (!input.AtEnd && input.Current == TokenKind.Identifier && _tokens[input.Position].Text == word)
                return Result.Success(_tokens[input.Position], input.Advance());
            return Result.Failure<Token>(input, "unexpected token", new[] { "'" + word + "'" });
        };

        /// <summary>operand { (op1 | op2) operand }, folded to the left in a loop (no recursion per operator).</summary>
        private static Parser<ExprSyntax> LeftChain(Parser<ExprSyntax> operand, char op1, char op2) => input =>
        {
            var first = operand(input);
            if (!first.WasSuccessful) return first;
            var acc = first.Value;
            input = first.Remainder;
            while (!input.AtEnd && (input.Current == op1 || input.Current == op2))
            {
                char op = input.Current;
                var right = operand(input.Advance());
                if (!right.WasSuccessful) return right;
                acc = Combine(op, acc, right.Value);
                input = right.Remainder;
            }
            return Result.Success(acc, input);
        };

        private static ExprSyntax Combine(char op, ExprSyntax left, ExprSyntax right)
        {
            var span = left.Span.Union(right.Span);
            if (left is TooDeepExpr || right is TooDeepExpr) return new TooDeepExpr(span);
            var node = new BinaryExpr(op, left, right, span);
            return node.Depth > MaxExpressionDepth ? new TooDeepExpr(span) : (ExprSyntax)node;
        }

        private static ExprSyntax ApplyNegations(List<Token> negs, ExprSyntax operand)
        {
            var acc = operand;
            for (int k = negs.Count - 1; k >= 0; k--)
            {
                var span = TextSpan.FromBounds(negs[k].Start, operand.Span.End);
                if (acc is TooDeepExpr) { acc = new TooDeepExpr(span); continue; }
                var node = new NegateExpr(acc, span);
                acc = node.Depth > MaxExpressionDepth ? new TooDeepExpr(span) : (ExprSyntax)node;
            }
            return acc;
        }

        /// <summary>p0 ^ -..p1 ^ -..p2 … is right-associative, unary minus binding looser than '^' on its right.</summary>
        private static ExprSyntax FoldPower(ExprSyntax first, List<(List<Token> Negs, ExprSyntax Operand)> rest)
        {
            if (rest.Count == 0) return first;
            ExprSyntax acc = ApplyNegations(rest[rest.Count - 1].Negs, rest[rest.Count - 1].Operand);
            for (int k = rest.Count - 2; k >= 0; k--)
                acc = ApplyNegations(rest[k].Negs, Combine('^', rest[k].Operand, acc));
            return Combine('^', first, acc);
        }

        private static int MaxDepth(List<ExprSyntax> items)
        {
            int m = 0;
            foreach (var e in items) if (e.Depth > m) m = e.Depth;
            return m;
        }

        private static int LastEnd(int start, params int?[] ends)
        {
            int m = start;
            foreach (var e in ends) if (e.HasValue && e.Value > m) m = e.Value;
            return m;
        }
    }

    internal static class OptionExtensionsLocal
    {
        public static T? GetOrDefault<T>(this IOption<T> option) where T : class => option.IsDefined ? option.Get() : null;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DerivSpec.Language.Syntax
{
    /// <summary>
    /// Turns text into tokens in one linear pass. Comments and blanks vanish; line ends become separators only outside
    /// parentheses/brackets (implicit continuation), except that a line starting with a statement keyword or '}' always
    /// ends the previous statement (so one unclosed '(' cannot swallow the rest of the file). Bad characters and too-deep
    /// nesting are reported here and turned into poison tokens that the parser skips silently.
    /// </summary>
    internal static class Lexer
    {
        public const int MaxNesting = 64;

        private static readonly HashSet<string> s_statementKeywords = new HashSet<string> { "model", "family", "param", "let", "map", "namespace" };

        private static readonly string[] s_punctuation = BuildPunctuation();

        private static string[] BuildPunctuation()
        {
            var table = new string[128];
            foreach (char p in "()[]{},:=+-*/^~><.;") table[p] = p.ToString();
            return table;
        }

        public static List<Token> Lex(string text, DiagnosticBag diagnostics)
        {
            var raw = new List<Token>(Math.Min(text.Length / 2 + 16, 1 << 22));
            int i = 0, n = text.Length;
            while (i < n)
            {
                char c = text[i];
                if (c == '\n') { raw.Add(new Token(TokenKind.Separator, i, 0, "\n")); i++; continue; }
                if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\uFEFF') { i++; continue; }
                if (c == '/' && i + 1 < n && text[i + 1] == '/')
                {
                    while (i < n && text[i] != '\n') i++;
                    continue;
                }
                if (c == '/' && i + 1 < n && text[i + 1] == '*')
                {
                    int close = text.IndexOf("*/", i + 2, System.StringComparison.Ordinal);
                    if (close < 0)
                    {
                        diagnostics.Report(DiagnosticCatalog.UnterminatedComment, new TextSpan(i, 2));
                        i = n;
                    }
                    else
                    {
                        // Line ends inside the comment still separate statements.
                        for (int k = i; k < close; k++)
                            if (text[k] == '\n') { raw.Add(new Token(TokenKind.Separator, k, 0, "\n")); break; }
                        i = close + 2;
                    }
                    continue;
                }
                if (IsDigit(c) || (c == '.' && i + 1 < n && IsDigit(text[i + 1])))
                {
                    raw.Add(LexNumber(text, ref i, diagnostics));
                    continue;
                }
                if (IsIdentStart(c))
                {
                    int s = i;
                    while (i < n && IsIdentPart(text[i])) i++;
                    raw.Add(new Token(TokenKind.Identifier, s, i - s, text.Substring(s, i - s)));
                    continue;
                }
                switch (c)
                {
                    case '(': case ')': case '[': case ']': case '{': case '}': case ',': case ':': case '=':
                    case '+': case '-': case '*': case '/': case '^': case '~': case '>': case '<': case '.':
                        raw.Add(new Token(c, i, 1, s_punctuation[c]));
                        i++;
                        continue;
                    case ';':
                        raw.Add(new Token(TokenKind.Separator, i, 1, s_punctuation[';']));
                        i++;
                        continue;
                }
                // A run of characters that start no token: one diagnostic, one poison token.
                int start = i;
                while (i < n && IsBad(text, i)) i++;
                if (i == start) i++;
                diagnostics.Report(DiagnosticCatalog.UnexpectedCharacter, new TextSpan(start, i - start), Describe(text, start));
                raw.Add(new Token(TokenKind.Poison, start, i - start, text.Substring(start, i - start)));
            }
            return Arrange(raw, diagnostics);
        }

        /// <summary>Drops line ends inside () and [], applies the statement-keyword reset, poisons too-deep nesting.</summary>
        private static List<Token> Arrange(List<Token> raw, DiagnosticBag diagnostics)
        {
            var result = new List<Token>(raw.Count);
            int depth = 0;
            int poisonUntilDepth = -1; // while >= 0, tokens are poisoned until depth returns to it
            for (int k = 0; k < raw.Count; k++)
            {
                var t = raw[k];
                if (t.Kind == TokenKind.Separator)
                {
                    if (depth == 0)
                    {
                        result.Add(t);
                        continue;
                    }
                    // Inside brackets: keep the line end only if the next line starts a statement.
                    var next = k + 1 < raw.Count ? raw[k + 1] : null;
                    bool restart = next != null && (next.Kind == '}' || next.Kind == TokenKind.Identifier && s_statementKeywords.Contains(next.Text));
                    if (restart)
                    {
                        depth = 0;
                        poisonUntilDepth = -1;
                        result.Add(t);
                    }
                    continue;
                }
                if (t.Kind == '}' && depth > 0)
                {
                    depth = 0;
                    poisonUntilDepth = -1;
                }
                if (t.Kind == '(' || t.Kind == '[')
                {
                    depth++;
                    if (depth > MaxNesting && poisonUntilDepth < 0)
                    {
                        diagnostics.Report(DiagnosticCatalog.NestingTooDeep, t.Span, MaxNesting);
                        poisonUntilDepth = depth - 1;
                    }
                }
                else if (t.Kind == ')' || t.Kind == ']')
                {
                    if (depth > 0) depth--;
                    if (poisonUntilDepth >= 0 && depth <= poisonUntilDepth)
                    {
                        poisonUntilDepth = -1;
                        t.Kind = TokenKind.Poison;
                        result.Add(t);
                        continue;
                    }
                }
                if (poisonUntilDepth >= 0) t.Kind = TokenKind.Poison;
                result.Add(t);
            }
            return result;
        }

        private static Token LexNumber(string text, ref int i, DiagnosticBag diagnostics)
        {
            int n = text.Length, s = i;
            bool ok = true;
            while (i < n && IsDigit(text[i])) i++;
            if (i < n && text[i] == '.')
            {
                i++;
                while (i < n && IsDigit(text[i])) i++;
            }
            if (i < n && (text[i] == 'e' || text[i] == 'E'))
            {
                i++;
                if (i < n && (text[i] == '+' || text[i] == '-')) i++;
                if (i < n && IsDigit(text[i]))
                    while (i < n && IsDigit(text[i])) i++;
                else
                    ok = false;
            }
            // Letters, digits or dots glued to a number make it malformed (e.g. 15x, 1.2.3).
            while (i < n && (IsIdentPart(text[i]) || text[i] == '.')) { i++; ok = false; }
            string lexeme = text.Substring(s, i - s);
            double value = 0;
            if (ok && (!double.TryParse(lexeme, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || double.IsInfinity(value) || double.IsNaN(value)))
                ok = false;
            if (!ok)
            {
                diagnostics.Report(DiagnosticCatalog.InvalidNumber, new TextSpan(s, i - s), Shorten(lexeme));
                return new Token(TokenKind.Poison, s, i - s, lexeme);
            }
            return new Token(TokenKind.Number, s, i - s, lexeme, value);
        }

        internal static string Shorten(string s) => s.Length <= 40 ? s : s.Substring(0, 37) + "...";

        private static bool IsDigit(char c) => c >= '0' && c <= '9';
        private static bool IsIdentStart(char c) => c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
        private static bool IsIdentPart(char c) => IsIdentStart(c) || IsDigit(c);

        private static bool IsBad(string text, int i)
        {
            char c = text[i];
            if (c == '\n' || c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\uFEFF') return false;
            if (IsIdentPart(c) || c == ';') return false;
            if ("()[]{},:=+-*/^~<>.".IndexOf(c) >= 0) return false;
            return true;
        }

        /// <summary>Describes a character for a message: quoted when printable ASCII, else its code point.</summary>
        internal static string Describe(string text, int i)
        {
            char c = text[i];
            if (c >= 0x21 && c < 0x7F) return "'" + c + "'";
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                return "U+" + char.ConvertToUtf32(c, text[i + 1]).ToString("X4", CultureInfo.InvariantCulture);
            return "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
        }
    }
}

namespace DerivSpec.Language.Syntax
{
    /// <summary>
    /// Token kinds, each one character: the parser runs Sprache over the string of kinds, so backtracking costs
    /// one character per token and every position maps back to a token.
    /// </summary>
    internal static class TokenKind
    {
        public const char Identifier = 'i';
        public const char Number = 'n';
        public const char Separator = 'e';   // end of line or ';'
        public const char Poison = '?';      // bad input already reported by the lexer
    }

    internal sealed class Token
    {
        public Token(char kind, int start, int length, string text, double value = 0)
        {
            Kind = kind; Start = start; Length = length; Text = text; Value = value;
        }

        public char Kind { get; set; }
        public int Start { get; }
        public int Length { get; }
        public string Text { get; }
        public double Value { get; }
        public TextSpan Span => new TextSpan(Start, Length);
        public int End => Start + Length;
        public override string ToString() => Kind + ":" + Text;
    }
}

using System;
using System.Collections.Generic;
using Sprache;

namespace DerivSpec.Language.Syntax
{
    /// <summary>
    /// Sprache input over the token-kind string: one character per token, Position = token index. Unlike Sprache's own
    /// <c>Input</c> it allocates no memo table per position (the grammar uses no <c>Parse.Ref</c>), which makes every
    /// <c>Advance</c> a single small allocation.
    /// </summary>
    internal sealed class TokenInput : IInput
    {
        private readonly string _kinds;
        private IDictionary<object, object>? _memos;

        public TokenInput(string kinds, int position)
        {
            _kinds = kinds;
            Position = position;
        }

        public string Source => _kinds;
        public int Position { get; }
        public bool AtEnd => Position >= _kinds.Length;
        public char Current => _kinds[Position];
        public int Line => 1;
        public int Column => Position + 1;
        public IDictionary<object, object> Memos => _memos ??= new Dictionary<object, object>();

        public IInput Advance()
        {
            if (AtEnd) throw new InvalidOperationException("The input is already at its end.");
            return new TokenInput(_kinds, Position + 1);
        }

        public bool Equals(IInput? other) => other is TokenInput t && ReferenceEquals(t._kinds, _kinds) && t.Position == Position;
        public override bool Equals(object? obj) => Equals(obj as IInput);
        public override int GetHashCode() => Position;
        public override string ToString() => "token " + Position;
    }
}

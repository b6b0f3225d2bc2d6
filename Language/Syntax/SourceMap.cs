using System;
using System.Collections.Generic;

namespace DerivSpec.Language.Syntax
{
    /// <summary>A span of source text: 0-based start offset and length (UTF-16 code units).</summary>
    internal readonly struct TextSpan
    {
        public TextSpan(int start, int length) { Start = start; Length = length; }
        public int Start { get; }
        public int Length { get; }
        public int End => Start + Length;
        public static TextSpan FromBounds(int start, int end) => new TextSpan(start, Math.Max(0, end - start));
        public TextSpan Union(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));
        public override string ToString() => $"[{Start}..{End})";
    }

    /// <summary>Maps offsets to 1-based line/column (lines end at '\n').</summary>
    internal sealed class SourceMap
    {
        private readonly int[] _lineStarts;
        public SourceMap(string text)
        {
            Text = text;
            var starts = new List<int> { 0 };
            for (int i = 0; i < text.Length; i++)
                if (text[i] == '\n') starts.Add(i + 1);
            _lineStarts = starts.ToArray();
        }

        public string Text { get; }

        public (int Line, int Column) LineColumn(int offset)
        {
            if (offset < 0) offset = 0;
            if (offset > Text.Length) offset = Text.Length;
            int idx = Array.BinarySearch(_lineStarts, offset);
            if (idx < 0) idx = ~idx - 1;
            return (idx + 1, offset - _lineStarts[idx] + 1);
        }

        public int LineOf(int offset) => LineColumn(offset).Line;
    }
}

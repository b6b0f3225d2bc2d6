using System.Collections.Generic;
using DerivSpec.Language.Syntax;

namespace DerivSpec.Language
{
    /// <summary>Collects diagnostics with spans, de-duplicates them and caps their number.</summary>
    internal sealed class DiagnosticBag
    {
        public const int MaxDiagnostics = 200;

        private readonly List<(DiagnosticInfo Info, TextSpan Span, string Message)> _items = new List<(DiagnosticInfo, TextSpan, string)>();
        private readonly HashSet<string> _seen = new HashSet<string>();
        private bool _overflow;
        private TextSpan _overflowSpan;

        public bool HasErrors => ErrorCount > 0;

        public int ErrorCount { get; private set; }

        public int Count => _items.Count;

        /// <summary>True when an error was reported inside <paramref name="span"/> (used to avoid follow-on noise).</summary>
        public bool HasErrorWithin(TextSpan span)
        {
            foreach (var item in _items)
                if (item.Info.DefaultSeverity == DspecSeverity.Error && item.Span.Start >= span.Start && item.Span.Start <= span.End) return true;
            return _overflow;
        }

        public void Report(DiagnosticInfo info, TextSpan span, params object[] args)
        {
            string message = DiagnosticCatalog.Format(info, args);
            if (!_seen.Add(info.Id + "|" + span.Start + "|" + span.Length + "|" + message)) return;
            if (info.DefaultSeverity == DspecSeverity.Error) ErrorCount++;
            if (_items.Count >= MaxDiagnostics)
            {
                if (!_overflow) { _overflow = true; _overflowSpan = span; }
                return;
            }
            _items.Add((info, span, message));
        }

        public List<DspecDiagnostic> ToDiagnostics(SourceMap map)
        {
            var list = new List<(DiagnosticInfo Info, TextSpan Span, string Message)>(_items);
            if (_overflow)
                list.Add((DiagnosticCatalog.TooManyDiagnostics, _overflowSpan, DiagnosticCatalog.Format(DiagnosticCatalog.TooManyDiagnostics, new object[] { MaxDiagnostics })));
            // Stable sort by position, keeping report order for equal starts.
            var indexed = new List<(int Index, (DiagnosticInfo Info, TextSpan Span, string Message) Item)>();
            for (int i = 0; i < list.Count; i++) indexed.Add((i, list[i]));
            indexed.Sort((a, b) =>
            {
                int c = a.Item.Span.Start.CompareTo(b.Item.Span.Start);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            });
            var result = new List<DspecDiagnostic>(indexed.Count);
            int n = map.Text.Length;
            foreach (var (_, item) in indexed)
            {
                int start = item.Span.Start < 0 ? 0 : item.Span.Start > n ? n : item.Span.Start;
                int end = item.Span.End < start ? start : item.Span.End > n ? n : item.Span.End;
                var (l1, c1) = map.LineColumn(start);
                var (l2, c2) = map.LineColumn(end);
                result.Add(new DspecDiagnostic(item.Info.Id, item.Info.DefaultSeverity, item.Message, start, end - start, l1, c1, l2, c2));
            }
            return result;
        }
    }
}

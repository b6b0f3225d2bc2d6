using System;
using System.Globalization;
using System.Text;

namespace DerivSpec.Generator
{
    /// <summary>An indent-aware text writer for generated C#: four spaces per level, '\n' line ends (deterministic on
    /// every OS).</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder _sb = new StringBuilder();
        private int _indent;

        public void Line(string text = "")
        {
            if (text.Length > 0) _sb.Append(' ', 4 * _indent).Append(text);
            _sb.Append('\n');
        }

        public void Open(string header)
        {
            Line(header);
            Line("{");
            _indent++;
        }

        public void Close(string trailer = "}")
        {
            if (_indent == 0) throw new InvalidOperationException("Unbalanced Close().");
            _indent--;
            Line(trailer);
        }

        public void Indent() => _indent++;

        public void Outdent()
        {
            if (_indent == 0) throw new InvalidOperationException("Unbalanced Outdent().");
            _indent--;
        }

        public override string ToString() => _sb.ToString();

        /// <summary>A C# double literal that round-trips, in the invariant culture ("2.0", "1E-05", "0.1").</summary>
        public static string Double(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite numbers can be emitted.");
            string s = value.ToString("R", CultureInfo.InvariantCulture);
            if (s.IndexOf('.') < 0 && s.IndexOf('E') < 0) s += ".0";
            return value < 0 ? "(" + s + ")" : s;
        }

        /// <summary>An integer literal in the invariant culture.</summary>
        public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>A C# string literal (regular, escaped).</summary>
        public static string String(string value)
        {
            var sb = new StringBuilder("\"");
            foreach (char c in value)
            {
                switch (c)
                {
                    case '\\': sb.Append("\\\\"); break;
                    case '"': sb.Append("\\\""); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < ' ' || c > '~') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            return sb.Append('"').ToString();
        }

        /// <summary>Text safe inside an XML doc comment or a line comment.</summary>
        public static string Xml(string text) =>
            text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\r", " ").Replace("\n", " ");
    }
}

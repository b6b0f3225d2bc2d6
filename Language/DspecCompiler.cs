using System;
using System.Collections.Generic;
using DerivSpec.Language.Printing;
using DerivSpec.Language.Semantics;
using DerivSpec.Language.Syntax;

namespace DerivSpec.Language
{
    /// <summary>Entry point: text → checked models + diagnostics. Never throws.</summary>
    public static class DspecCompiler
    {
        /// <summary>The largest input accepted, in UTF-16 code units (larger inputs get DSPEC0008).</summary>
        public const int MaxTextLength = 8 * 1024 * 1024;

        [ThreadStatic] private static Action? t_faultInjection;

        /// <summary>Test hook (per thread): when set, called after parsing, to exercise the internal-error path.</summary>
        internal static Action? FaultInjection { get => t_faultInjection; set => t_faultInjection = value; }

        /// <summary>
        /// Parses and checks one .dspec text. <paramref name="path"/> is informational (kept for callers' messages).
        /// Every model without an error located in its text is returned (spec: Files and models); all diagnostics are
        /// returned in source order.
        /// </summary>
        public static CompileResult Compile(string text, string path)
        {
            text ??= string.Empty;
            _ = path;
            var diagnostics = new DiagnosticBag();
            var models = new List<CheckedModel>();
            SourceMap map;
            try
            {
                map = new SourceMap(text);
            }
            catch (Exception)
            {
                map = new SourceMap(string.Empty);
            }
            try
            {
                if (text.Length > MaxTextLength)
                {
                    diagnostics.Report(DiagnosticCatalog.FileTooLarge, new TextSpan(0, 0), text.Length, MaxTextLength);
                }
                else
                {
                    var tokens = Lexer.Lex(text, diagnostics);
                    var file = new Parser(tokens, diagnostics, text.Length).ParseFile();
                    FaultInjection?.Invoke();
                    models.AddRange(new Checker(diagnostics).Check(file));
                }
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException))
            {
                diagnostics.Report(DiagnosticCatalog.InternalError, new TextSpan(0, 0), ex.GetType().Name + ": " + ex.Message);
                models.Clear();
            }
            List<DspecDiagnostic> list;
            try { list = diagnostics.ToDiagnostics(map); }
            catch (Exception) { list = new List<DspecDiagnostic>(); }
            return new CompileResult(models.ToEquatableArray(), list.ToEquatableArray());
        }
    }

    /// <summary>The canonical pretty-printer: for every model m produced by the compiler, compiling Print(m) gives m back.</summary>
    public static class DspecPrinter
    {
        /// <summary>Canonical text of one model (all settings explicit; namespace statement first when set).</summary>
        public static string Print(CheckedModel model) => Printer.Print(new[] { model });

        /// <summary>Canonical text of several models (a namespace statement whenever the namespace changes).</summary>
        public static string Print(IEnumerable<CheckedModel> models) => Printer.Print(models);

        /// <summary>Canonical text of an expression, with the fewest parentheses that keep its tree.</summary>
        public static string PrintExpression(Expr expression) => Printer.Print(expression);
    }
}

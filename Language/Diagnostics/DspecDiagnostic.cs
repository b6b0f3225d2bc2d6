using System.Collections.Generic;

namespace DerivSpec.Language
{
    /// <summary>Severity of a diagnostic.</summary>
    public enum DspecSeverity
    {
        /// <summary>The model is not produced.</summary>
        Error,
        /// <summary>Suspicious but accepted.</summary>
        Warning,
        /// <summary>Information.</summary>
        Info,
    }

    /// <summary>
    /// A diagnostic. <paramref name="Start"/>/<paramref name="Length"/> are 0-based UTF-16 offsets into the text;
    /// line and column are 1-based (columns count UTF-16 code units; the end is exclusive).
    /// </summary>
    public sealed record DspecDiagnostic(string Id, DspecSeverity Severity, string Message,
        int Start, int Length, int Line, int Column, int EndLine, int EndColumn)
    {
        /// <summary><c>path(line,col): error DSPEC0003: message</c>-like text without the path.</summary>
        public override string ToString() => $"({Line},{Column}): {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
    }

    /// <summary>The result of compiling one .dspec text.</summary>
    /// <param name="Models">Every model of the file that checked without errors, in file order.</param>
    /// <param name="Diagnostics">All diagnostics, ordered by position.</param>
    public sealed record CompileResult(EquatableArray<CheckedModel> Models, EquatableArray<DspecDiagnostic> Diagnostics)
    {
        /// <summary>True when any diagnostic is an error.</summary>
        public bool HasErrors
        {
            get
            {
                foreach (var d in Diagnostics)
                    if (d.Severity == DspecSeverity.Error) return true;
                return false;
            }
        }
    }

    /// <summary>Static description of one diagnostic id.</summary>
    /// <param name="Id">e.g. DSPEC2001.</param>
    /// <param name="Title">Short title.</param>
    /// <param name="MessageFormat">string.Format pattern of the message ({0}, {1}… are filled per occurrence).</param>
    /// <param name="DefaultSeverity">Severity.</param>
    /// <param name="HelpLink">Repository-relative path of the help page, spec/diagnostics/ID.md.</param>
    public sealed record DiagnosticInfo(string Id, string Title, string MessageFormat, DspecSeverity DefaultSeverity, string HelpLink);
}

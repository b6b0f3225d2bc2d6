using System;
using System.Collections.Generic;
using DerivSpec.Language;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DerivSpec.Generator
{
    /// <summary>
    /// Roslyn descriptors: one per id of the Language's <see cref="DiagnosticCatalog"/> (the message is already
    /// formatted by the Language, so the descriptor's format is "{0}"), plus the generator's own DSPEC9xxx ids.
    /// </summary>
    public static class Descriptors
    {
        private const string Category = "DerivSpec";

        /// <summary>An exception inside the generator, caught and reported at the file.</summary>
        public const string GeneratorInternalErrorId = "DSPEC9002";
        /// <summary>Two .dspec models that would generate the same class.</summary>
        public const string DuplicateModelId = "DSPEC9003";
        /// <summary>A .dspec file whose text could not be read.</summary>
        public const string UnreadableFileId = "DSPEC9004";

        /// <summary>A checked model the generator cannot translate.</summary>
        public const string UnsupportedModelId = "DSPEC9005";

        /// <summary>DSPEC9005.</summary>
        public static readonly DiagnosticDescriptor UnsupportedModel = new DiagnosticDescriptor(
            UnsupportedModelId, "Model not supported by the generator", "{0}", Category, DiagnosticSeverity.Error, true,
            helpLinkUri: HelpLink(UnsupportedModelId));

        /// <summary>DSPEC9002.</summary>
        public static readonly DiagnosticDescriptor GeneratorInternalError = new DiagnosticDescriptor(
            GeneratorInternalErrorId, "Internal error in the DerivSpec generator",
            "Internal error in the DerivSpec generator: {0}; please report it", Category, DiagnosticSeverity.Error, true,
            helpLinkUri: HelpLink(GeneratorInternalErrorId));

        /// <summary>DSPEC9003.</summary>
        public static readonly DiagnosticDescriptor DuplicateModel = new DiagnosticDescriptor(
            DuplicateModelId, "Model generated twice",
            "The generated file '{0}' would come from more than one .dspec model (same model name and namespace); rename one model or declare another namespace",
            Category, DiagnosticSeverity.Error, true, helpLinkUri: HelpLink(DuplicateModelId));

        /// <summary>DSPEC9004.</summary>
        public static readonly DiagnosticDescriptor UnreadableFile = new DiagnosticDescriptor(
            UnreadableFileId, "Unreadable .dspec file", "{0}", Category, DiagnosticSeverity.Error, true,
            helpLinkUri: HelpLink(UnreadableFileId));

        private static readonly Dictionary<(string, DspecSeverity), DiagnosticDescriptor> s_byId = Build();

        /// <summary>The help page of a diagnostic id, relative to the repository root.</summary>
        public static string HelpLink(string id) => "spec/diagnostics/" + id + ".md";

        private static Dictionary<(string, DspecSeverity), DiagnosticDescriptor> Build()
        {
            var map = new Dictionary<(string, DspecSeverity), DiagnosticDescriptor>();
            foreach (var info in DiagnosticCatalog.All)
                foreach (DspecSeverity severity in new[] { DspecSeverity.Error, DspecSeverity.Warning, DspecSeverity.Info })
                    map[(info.Id, severity)] = Create(info.Id, info.Title, severity, info.HelpLink);
            foreach (var d in new[] { GeneratorInternalError, UnreadableFile })
                foreach (DspecSeverity severity in new[] { DspecSeverity.Error, DspecSeverity.Warning, DspecSeverity.Info })
                    map[(d.Id, severity)] = Create(d.Id, d.Title.ToString(System.Globalization.CultureInfo.InvariantCulture), severity, d.HelpLinkUri);
            return map;
        }

        // The Language's ids are created from its catalog (not constants), so release tracking (RS2008) covers only the
        // generator's own DSPEC9xxx ids in AnalyzerReleases.Unshipped.md; the Language's ids are documented in spec/.
        private static DiagnosticDescriptor Create(string id, string title, DspecSeverity severity, string helpLink) =>
            new DiagnosticDescriptor(id, title, "{0}", Category, ToRoslyn(severity), true, helpLinkUri: helpLink);

        /// <summary>Roslyn severity of a Language severity.</summary>
        public static DiagnosticSeverity ToRoslyn(DspecSeverity severity) => severity switch
        {
            DspecSeverity.Error => DiagnosticSeverity.Error,
            DspecSeverity.Warning => DiagnosticSeverity.Warning,
            _ => DiagnosticSeverity.Info,
        };

        /// <summary>The descriptor used for a Language diagnostic id at a severity.</summary>
        public static DiagnosticDescriptor For(string id, DspecSeverity severity)
        {
            if (s_byId.TryGetValue((id, severity), out var d)) return d;
            // An id the catalog does not know (a Language bug): still reported, under the generator's own error id.
            return s_byId[(GeneratorInternalErrorId, severity)];
        }

        /// <summary>A Roslyn diagnostic located in the .dspec file at the Language diagnostic's span.</summary>
        public static Diagnostic ToRoslyn(string path, DspecDiagnostic d)
        {
            var start = new LinePosition(Math.Max(0, d.Line - 1), Math.Max(0, d.Column - 1));
            var end = new LinePosition(Math.Max(0, d.EndLine - 1), Math.Max(0, d.EndColumn - 1));
            if (end < start) end = start;
            var span = new TextSpan(Math.Max(0, d.Start), Math.Max(0, d.Length));
            var location = Location.Create(path, span, new LinePositionSpan(start, end));
            var descriptor = For(d.Id, d.Severity);
            string message = descriptor.Id == d.Id ? d.Message : d.Id + ": " + d.Message;
            return Diagnostic.Create(descriptor, location, message);
        }
    }
}

using System;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using DerivSpec.Language;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace DerivSpec.Generator
{
    /// <summary>
    /// The incremental generator: every AdditionalFiles item ending in .dspec is compiled by the Language
    /// (<see cref="DspecCompiler"/>); each checked model becomes a decoder class, each diagnostic a build diagnostic
    /// located in the .dspec. The pipeline moves only equatable values, so unrelated edits regenerate nothing and a
    /// whitespace-only edit of a .dspec leaves the generated source unchanged.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DspecGenerator : IIncrementalGenerator
    {
        /// <summary>Tracking names of the pipeline steps (for caching tests and diagnostics of the pipeline).</summary>
        public static class Steps
        {
            /// <summary>(path, text) of every .dspec file.</summary>
            public const string Files = "DspecFiles";
            /// <summary>Project root namespace and directory.</summary>
            public const string Project = "DspecProject";
            /// <summary>The Language's compile result per file.</summary>
            public const string Compiled = "DspecCompiled";
            /// <summary>One entry per model to emit (model, namespace, hint name).</summary>
            public const string Models = "DspecModels";
            /// <summary>Generated source text per model.</summary>
            public const string Sources = "DspecSources";
            /// <summary>Diagnostics per file.</summary>
            public const string Diagnostics = "DspecDiagnostics";
            /// <summary>Hint names generated more than once (normally none).</summary>
            public const string Duplicates = "DspecDuplicates";
        }

        /// <inheritdoc />
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var files = context.AdditionalTextsProvider
                .Where(static t => t.Path.EndsWith(".dspec", StringComparison.OrdinalIgnoreCase))
                .Select(static (t, ct) => DspecFile.Read(t, ct))
                .WithTrackingName(Steps.Files);

            var project = context.AnalyzerConfigOptionsProvider
                .Select(static (o, _) => ProjectInfo.From(o.GlobalOptions))
                .WithTrackingName(Steps.Project);

            var compiled = files
                .Select(static (f, ct) => FileResult.Compile(f, ct))
                .WithTrackingName(Steps.Compiled);

            var models = compiled
                .Combine(project)
                .SelectMany(static (pair, _) => GeneratedModel.Plan(pair.Left, pair.Right))
                .WithTrackingName(Steps.Models);

            var sources = models
                .Select(static (m, ct) => GeneratedSource.Emit(m))
                .WithTrackingName(Steps.Sources);

            // Two models that would generate the same class: neither is emitted, each file gets DSPEC9003. The value is
            // the (normally empty) list of duplicated hint names, so it stays equal across unrelated edits.
            var duplicates = models
                .Select(static (m, _) => ModelEmitter.HintName(m.Namespace, m.Model.Name))
                .Collect()
                .Select(static (hints, _) => hints.GroupBy(h => h, StringComparer.Ordinal).Where(g => g.Count() > 1)
                    .Select(g => g.Key).OrderBy(h => h, StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(Steps.Duplicates);

            var diagnostics = compiled
                .Select(static (r, _) => new FileDiagnostics(r.Path, r.Diagnostics))
                .WithTrackingName(Steps.Diagnostics);

            context.RegisterSourceOutput(sources.Combine(duplicates), static (spc, pair) =>
            {
                var s = pair.Left;
                if (pair.Right.Contains(s.HintName))
                {
                    spc.ReportDiagnostic(Diagnostic.Create(Descriptors.DuplicateModel, FileLocation(s.Path), s.HintName));
                    return;
                }
                if (s.Failure is not null)
                {
                    spc.ReportDiagnostic(Diagnostic.Create(s.Unsupported ? Descriptors.UnsupportedModel : Descriptors.GeneratorInternalError, FileLocation(s.Path), s.Failure));
                    return;
                }
                spc.AddSource(s.HintName, SourceText.From(s.Text, Encoding.UTF8));
            });

            context.RegisterSourceOutput(diagnostics, static (spc, d) =>
            {
                foreach (var diagnostic in d.Diagnostics)
                {
                    Diagnostic roslyn;
                    try
                    {
                        roslyn = Descriptors.ToRoslyn(d.Path, diagnostic);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        roslyn = Diagnostic.Create(Descriptors.GeneratorInternalError, FileLocation(d.Path), ex.GetType().Name + ": " + ex.Message);
                    }
                    spc.ReportDiagnostic(roslyn);
                }
            });
        }

        internal static Location FileLocation(string path) =>
            Location.Create(path, new TextSpan(0, 0), new LinePositionSpan(new LinePosition(0, 0), new LinePosition(0, 0)));
    }

    /// <summary>A .dspec file as the pipeline sees it. Text is null when it could not be read.</summary>
    internal sealed record DspecFile(string Path, string? Text)
    {
        public static DspecFile Read(AdditionalText text, System.Threading.CancellationToken ct)
        {
            try
            {
                return new DspecFile(text.Path, text.GetText(ct)?.ToString());
            }
            catch (Exception ex) when (!(ex is OperationCanceledException))
            {
                return new DspecFile(text.Path, null);
            }
        }
    }

    /// <summary>What the generator needs to know about the project.</summary>
    internal sealed record ProjectInfo(string? RootNamespace, string? ProjectDir)
    {
        public static ProjectInfo From(AnalyzerConfigOptions options)
        {
            options.TryGetValue("build_property.RootNamespace", out var rootNamespace);
            options.TryGetValue("build_property.ProjectDir", out var projectDir);
            return new ProjectInfo(string.IsNullOrWhiteSpace(rootNamespace) ? null : rootNamespace!.Trim(),
                                   string.IsNullOrWhiteSpace(projectDir) ? null : projectDir!.Trim());
        }
    }

    /// <summary>The compile result of one file: models and diagnostics, equatable.</summary>
    internal sealed record FileResult(string Path, EquatableArray<CheckedModel> Models, EquatableArray<DspecDiagnostic> Diagnostics)
    {
        public static FileResult Compile(DspecFile file, System.Threading.CancellationToken ct)
        {
            if (file.Text is null)
                return new FileResult(file.Path, EquatableArray<CheckedModel>.Empty, EquatableArray.Create(
                    new DspecDiagnostic(Descriptors.UnreadableFileId, DspecSeverity.Error, "The .dspec file '" + file.Path + "' could not be read.", 0, 0, 1, 1, 1, 1)));
            try
            {
                ct.ThrowIfCancellationRequested();
                var result = DspecCompiler.Compile(file.Text, file.Path);
                return new FileResult(file.Path, result.Models, result.Diagnostics);
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception ex)
            {
                return new FileResult(file.Path, EquatableArray<CheckedModel>.Empty, EquatableArray.Create(
                    new DspecDiagnostic(Descriptors.GeneratorInternalErrorId, DspecSeverity.Error,
                        "Internal error in the DerivSpec generator while compiling this file (" + ex.GetType().Name + ": " + ex.Message + "); please report it.",
                        0, 0, 1, 1, 1, 1)));
            }
        }
    }

    /// <summary>One model to emit: the model, its resolved namespace and the file it came from.</summary>
    internal sealed record GeneratedModel(string Path, string FileName, string? Namespace, CheckedModel Model)
    {
        public static ImmutableArray<GeneratedModel> Plan(FileResult file, ProjectInfo project)
        {
            if (file.Models.Count == 0) return ImmutableArray<GeneratedModel>.Empty;
            string? projectNamespace = Namespaces.FromProject(project.RootNamespace, project.ProjectDir, file.Path);
            var builder = ImmutableArray.CreateBuilder<GeneratedModel>(file.Models.Count);
            string fileName = System.IO.Path.GetFileName(file.Path);
            foreach (var m in file.Models)
                builder.Add(new GeneratedModel(file.Path, fileName, m.Namespace ?? projectNamespace, m));
            return builder.MoveToImmutable();
        }
    }

    /// <summary>Generated text of one model (or the failure message when emission threw).</summary>
    internal sealed record GeneratedSource(string Path, string HintName, string Text, string? Failure, bool Unsupported = false)
    {
        public static GeneratedSource Emit(GeneratedModel m)
        {
            string hint = ModelEmitter.HintName(m.Namespace, m.Model.Name);
            try
            {
                return new GeneratedSource(m.Path, hint, ModelEmitter.Emit(m.Model, m.Namespace, m.FileName), null);
            }
            catch (UnsupportedModelException ex)
            {
                return new GeneratedSource(m.Path, hint, "", "model '" + m.Model.Name + "': " + ex.Message, Unsupported: true);
            }
            catch (Exception ex)
            {
                return new GeneratedSource(m.Path, hint, "", "emitting model '" + m.Model.Name + "' failed: " + ex.GetType().Name + ": " + ex.Message);
            }
        }
    }

    /// <summary>Diagnostics of one file.</summary>
    internal sealed record FileDiagnostics(string Path, EquatableArray<DspecDiagnostic> Diagnostics);

    /// <summary>Namespace rules: a namespace declared in the file wins; else RootNamespace + the file's folder
    /// relative to the project directory (each folder a sanitized identifier).</summary>
    public static class Namespaces
    {
        /// <summary>RootNamespace + folder of <paramref name="filePath"/> under <paramref name="projectDir"/>; null when
        /// there is neither.</summary>
        public static string? FromProject(string? rootNamespace, string? projectDir, string filePath)
        {
            var parts = new System.Collections.Generic.List<string>();
            if (!string.IsNullOrEmpty(rootNamespace))
                foreach (var part in rootNamespace!.Split('.'))
                    if (part.Length > 0) parts.Add(Sanitize(part));
            if (!string.IsNullOrEmpty(projectDir))
            {
                string dir = Normalize(projectDir!);
                string file = Normalize(filePath);
                if (!dir.EndsWith("/", StringComparison.Ordinal)) dir += "/";
                if (file.StartsWith(dir, StringComparison.Ordinal))
                {
                    var rel = file.Substring(dir.Length).Split('/');
                    for (int i = 0; i < rel.Length - 1; i++)
                        if (rel[i].Length > 0) parts.Add(Sanitize(rel[i]));
                }
            }
            return parts.Count == 0 ? null : string.Join(".", parts);
        }

        /// <summary>'/' separators with "." and ".." segments resolved (paths of linked items keep them).</summary>
        private static string Normalize(string path)
        {
            var segments = path.Replace('\\', '/').Split('/');
            var stack = new System.Collections.Generic.List<string>();
            for (int i = 0; i < segments.Length; i++)
            {
                string s = segments[i];
                if (s == ".") continue;
                if (s == ".." && stack.Count > 0 && stack[stack.Count - 1] != ".." && stack[stack.Count - 1].Length > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                    continue;
                }
                if (s.Length == 0 && i > 0 && i < segments.Length - 1) continue; // "//"
                stack.Add(s);
            }
            return string.Join("/", stack);
        }

        /// <summary>A C# identifier from a folder name: invalid characters become '_', a leading digit gets '_'.</summary>
        public static string Sanitize(string part)
        {
            var sb = new StringBuilder();
            foreach (char c in part)
                sb.Append(Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierPartCharacter(c) ? c : '_');
            if (sb.Length == 0 || !Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsIdentifierStartCharacter(sb[0])) sb.Insert(0, '_');
            string s = sb.ToString();
            return Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(s) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + s : s;
        }
    }
}

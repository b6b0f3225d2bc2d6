using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using DerivSpec.Generator;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using TorchSharp;

namespace DerivSpec.Tools;

/// <summary>
/// Compiles .dspec text at run time with the same source generator a build uses (CSharpGeneratorDriver), emits the
/// generated C# with Roslyn into a collectible <see cref="AssemblyLoadContext"/>, and returns factories for the
/// decoders. One code path: there is no interpreter of .dspec expressions.
/// </summary>
public static class DspecRuntimeCompiler
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Compiles <paramref name="text"/> as the .dspec file <paramref name="path"/>.</summary>
    /// <param name="text">.dspec source.</param>
    /// <param name="path">File path used in diagnostics (need not exist).</param>
    /// <param name="rootNamespace">Namespace for models that do not declare one (default "DerivSpec.Dynamic").</param>
    /// <param name="cancellationToken">Cancels generation and compilation.</param>
    /// <returns>The outcome; check <see cref="DspecCompilation.Success"/> and <see cref="DspecCompilation.Diagnostics"/>.
    /// Dispose it to unload the generated assembly.</returns>
    public static DspecCompilation Compile(string text, string path = "model.dspec", string rootNamespace = "DerivSpec.Dynamic",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var run = Generate(new[] { (path, text) }, rootNamespace, null, cancellationToken);
        var diagnostics = new List<DspecMessage>(run.GeneratorDiagnostics.Select(DspecMessage.From));
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            return new DspecCompilation(false, diagnostics, run.Sources, null, Array.Empty<DspecModelFactory>());

        return Load(run.Sources, diagnostics, path, cancellationToken);
    }

    /// <summary>Compiles already generated sources (e.g. from <see cref="Generate"/>) into a collectible load context.</summary>
    /// <param name="sources">Generated C# files.</param>
    /// <param name="diagnostics">Diagnostics to carry along (the generator's); C# warnings and errors are appended.</param>
    /// <param name="name">Names the load context.</param>
    /// <param name="cancellationToken">Cancels compilation.</param>
    public static DspecCompilation Load(IReadOnlyList<GeneratedFile> sources, IEnumerable<DspecMessage>? diagnostics = null,
        string name = "generated", CancellationToken cancellationToken = default)
    {
        var messages = new List<DspecMessage>(diagnostics ?? Array.Empty<DspecMessage>());
        var compilation = CSharpCompilation.Create(
            "DerivSpec.Dynamic." + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, CSharpParseOptions, path: s.HintName, cancellationToken: cancellationToken)),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release,
                nullableContextOptions: NullableContextOptions.Enable, deterministic: true));
        using var pe = new MemoryStream();
        var emit = compilation.Emit(pe, cancellationToken: cancellationToken);
        messages.AddRange(emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(DspecMessage.From));
        if (!emit.Success)
            return new DspecCompilation(false, messages, sources, null, Array.Empty<DspecModelFactory>());

        pe.Position = 0;
        var context = new AssemblyLoadContext("DerivSpec.Dynamic:" + name, isCollectible: true);
        var assembly = context.LoadFromStream(pe);
        var factories = assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(DerivativeDecoder).IsAssignableFrom(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => new DspecModelFactory(t))
            .ToArray();
        return new DspecCompilation(true, messages, sources, context, factories);
    }

    /// <summary>Reads and compiles a .dspec file.</summary>
    public static DspecCompilation CompileFile(string path, string rootNamespace = "DerivSpec.Dynamic", CancellationToken cancellationToken = default) =>
        Compile(File.ReadAllText(path), Path.GetFullPath(path), rootNamespace, cancellationToken);

    /// <summary>Parse options of generated code (latest C#).</summary>
    public static CSharpParseOptions CSharpParseOptions { get; } = new(LanguageVersion.Latest);

    /// <summary>Runs the generator alone over .dspec files: generated sources (ordered by hint name) and the
    /// generator's diagnostics.</summary>
    /// <param name="files">(path, text) of each .dspec file.</param>
    /// <param name="rootNamespace">The project's RootNamespace (build_property.RootNamespace), or null.</param>
    /// <param name="projectDir">The project directory (build_property.ProjectDir), or null; folders below it extend the namespace.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static GeneratorOutput Generate(IEnumerable<(string Path, string Text)> files, string? rootNamespace = null,
        string? projectDir = null, CancellationToken cancellationToken = default)
    {
        var additional = files.Select(f => (AdditionalText)new DspecText(f.Path, f.Text)).ToImmutableArray();
        var options = new OptionsProvider(rootNamespace, projectDir);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new DspecGenerator().AsSourceGenerator() }, additional, CSharpParseOptions, options);
        var host = CSharpCompilation.Create("DerivSpec.Host", Array.Empty<SyntaxTree>(), Array.Empty<MetadataReference>(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        driver = driver.RunGenerators(host, cancellationToken);
        var result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null)
            throw new InvalidOperationException("The DerivSpec generator threw (it should report a DSPEC9002 diagnostic instead).", result.Exception);
        var sources = result.GeneratedSources
            .Select(s => new GeneratedFile(s.HintName, s.SourceText.ToString()))
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .ToArray();
        return new GeneratorOutput(sources, result.Diagnostics);
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        // The running application's trusted platform assemblies: the framework plus everything the app references,
        // which includes DerivSpec.Runtime and TorchSharp (the Tools assembly depends on both).
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var builder = ImmutableArray.CreateBuilder<MetadataReference>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var file in tpa)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            bool wanted = name is "netstandard" or "mscorlib" or "System.Runtime" or "System.Private.CoreLib" or "System.Collections"
                || name is "System.Linq" or "System.Runtime.InteropServices" or "System.Memory" or "System.Console"
                || name is "TorchSharp" or "DerivSpec.Runtime";
            if (wanted && seen.Add(name)) builder.Add(MetadataReference.CreateFromFile(file));
        }
        foreach (var required in new[] { typeof(object).Assembly, typeof(DerivativeDecoder).Assembly, typeof(torch).Assembly })
        {
            string name = required.GetName().Name!;
            if (!string.IsNullOrEmpty(required.Location) && seen.Add(name)) builder.Add(MetadataReference.CreateFromFile(required.Location));
        }
        return builder.ToImmutable();
    }

    private sealed class OptionsProvider : AnalyzerConfigOptionsProvider
    {
        private readonly Options _global;

        public OptionsProvider(string? rootNamespace, string? projectDir) => _global = new Options(rootNamespace, projectDir);

        public override AnalyzerConfigOptions GlobalOptions => _global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

        private sealed class Options : AnalyzerConfigOptions
        {
            public static readonly Options Empty = new(null, null);
            private readonly string? _rootNamespace;
            private readonly string? _projectDir;

            public Options(string? rootNamespace, string? projectDir)
            {
                _rootNamespace = rootNamespace;
                _projectDir = projectDir;
            }

            public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value)
            {
                value = key switch
                {
                    "build_property.RootNamespace" => _rootNamespace,
                    "build_property.ProjectDir" => _projectDir,
                    _ => null,
                };
                return value is not null;
            }
        }
    }
}

/// <summary>One generated source file.</summary>
/// <param name="HintName">The generator's hint name (e.g. "DerivSpec.Dynamic.Paper.g.cs").</param>
/// <param name="Text">The C# text.</param>
public sealed record GeneratedFile(string HintName, string Text);

/// <summary>The generator's output for a set of .dspec files.</summary>
/// <param name="Sources">Generated files ordered by hint name.</param>
/// <param name="GeneratorDiagnostics">Diagnostics the generator reported (located in the .dspec files).</param>
public sealed record GeneratorOutput(IReadOnlyList<GeneratedFile> Sources, ImmutableArray<Diagnostic> GeneratorDiagnostics);

/// <summary>A diagnostic of a run-time compile, as plain data.</summary>
/// <param name="Id">e.g. DSPEC2001 or CS0103.</param>
/// <param name="Severity">Severity.</param>
/// <param name="Message">Message.</param>
/// <param name="Path">File path (the .dspec, or the generated hint name for C# errors).</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
public sealed record DspecMessage(string Id, DiagnosticSeverity Severity, string Message, string Path, int Line, int Column)
{
    /// <summary>1-based line of the end of the located text (the start line when the span is empty).</summary>
    public int EndLine { get; init; }

    /// <summary>1-based column just past the located text (exclusive; the start column when the span is empty).</summary>
    public int EndColumn { get; init; }

    /// <summary>The diagnostic's help page: for DSPEC diagnostics a repository-relative path such as
    /// <c>spec/diagnostics/DSPEC2001.md</c>; for C# ones the compiler's link, or empty.</summary>
    public string HelpLink { get; init; } = "";

    /// <summary>The plain-data form of a Roslyn diagnostic.</summary>
    public static DspecMessage From(Diagnostic d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var span = d.Location.GetLineSpan();
        return new DspecMessage(d.Id, d.Severity, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture), span.Path ?? "",
            span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1)
        {
            EndLine = span.EndLinePosition.Line + 1,
            EndColumn = span.EndLinePosition.Character + 1,
            HelpLink = d.Descriptor.HelpLinkUri ?? "",
        };
    }

    /// <summary>"path(line,col): error ID: message", as the compiler prints it.</summary>
    public override string ToString() =>
        $"{Path}({Line},{Column}): {Severity.ToString().ToLowerInvariant()} {Id}: {Message}";
}

/// <summary>Creates decoders of one generated model class.</summary>
public sealed class DspecModelFactory
{
    private readonly Func<int, torch.Device?, torch.ScalarType, FamilyDecoder> _create;

    internal DspecModelFactory(Type type)
    {
        Type = type;
        var create = type.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, new[] { typeof(int), typeof(torch.Device), typeof(torch.ScalarType) })
            ?? throw new InvalidOperationException($"Generated class {type.FullName} has no Create(int, Device?, ScalarType).");
        _create = (d, device, dtype) => (FamilyDecoder)create.Invoke(null, new object?[] { d, device, dtype })!;
        Defaults = (ModelDefaults)(type.GetProperty("Defaults", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"Generated class {type.FullName} has no Defaults."));
        Layout = (DecoderLayout)(type.GetProperty("ModelLayout", BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
            ?? throw new InvalidOperationException($"Generated class {type.FullName} has no ModelLayout."));
    }

    /// <summary>The generated class.</summary>
    public Type Type { get; }

    /// <summary>Model name (the class name).</summary>
    public string Name => Type.Name;

    /// <summary>The model's declared defaults (likelihood, encoder, α, β, γ, annealing).</summary>
    public ModelDefaults Defaults { get; }

    /// <summary>The model's families, parameters and network shape.</summary>
    public DecoderLayout Layout { get; }

    /// <summary>Creates a decoder for <paramref name="features"/> features.</summary>
    public FamilyDecoder Create(int features, torch.Device? device = null, torch.ScalarType dtype = torch.ScalarType.Float32)
    {
        try
        {
            return _create(features, device, dtype);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }
}

/// <summary>The outcome of a run-time compile. Dispose to unload the generated assembly (decoders created from it
/// must be disposed first).</summary>
public sealed class DspecCompilation : IDisposable
{
    private AssemblyLoadContext? _context;

    internal DspecCompilation(bool success, IReadOnlyList<DspecMessage> diagnostics, IReadOnlyList<GeneratedFile> sources,
        AssemblyLoadContext? context, IReadOnlyList<DspecModelFactory> models)
    {
        Success = success;
        Diagnostics = diagnostics;
        Sources = sources;
        _context = context;
        Models = models;
    }

    /// <summary>True when the .dspec checked and the generated code compiled.</summary>
    public bool Success { get; }

    /// <summary>Every warning and error (the .dspec's, then any C# ones).</summary>
    public IReadOnlyList<DspecMessage> Diagnostics { get; }

    /// <summary>The generated C# sources.</summary>
    public IReadOnlyList<GeneratedFile> Sources { get; }

    /// <summary>One factory per model, ordered by full class name.</summary>
    public IReadOnlyList<DspecModelFactory> Models { get; }

    /// <summary>The factory of the model named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No such model; the message lists the models.</exception>
    public DspecModelFactory Model(string name) =>
        Models.FirstOrDefault(m => m.Name == name)
        ?? throw new ArgumentException($"No model '{name}'; the compiled models are: {string.Join(", ", Models.Select(m => m.Name))}.", nameof(name));

    /// <summary>Unloads the generated assembly (collectible load context).</summary>
    public void Dispose()
    {
        _context?.Unload();
        _context = null;
    }
}

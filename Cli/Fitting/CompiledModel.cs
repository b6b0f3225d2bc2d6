using System;
using System.IO;
using System.Linq;
using System.Threading;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Fitting;

/// <summary>
/// A user's .dspec compiled at run time by the generator a build uses (<see cref="DspecRuntimeCompiler"/>), with the
/// model chosen by <c>--model</c>: the decoder factory, the model's defaults and the source text (which goes into the
/// saved model so that <c>predict</c> can rebuild the decoder). Dispose to unload the generated assembly.
/// </summary>
public sealed class CompiledModel : IDisposable
{
    private readonly DspecCompilation _compilation;

    private CompiledModel(DspecCompilation compilation, DspecModelFactory factory, string path, string source)
    {
        _compilation = compilation;
        Factory = factory;
        Path = path;
        Source = source;
    }

    /// <summary>The generated model class's factory.</summary>
    public DspecModelFactory Factory { get; }

    /// <summary>The model's name.</summary>
    public string Name => Factory.Name;

    /// <summary>The .dspec file as the user named it (or a description of where the text came from).</summary>
    public string Path { get; }

    /// <summary>The .dspec text.</summary>
    public string Source { get; }

    /// <summary>Reads and compiles <paramref name="path"/> and picks the model <paramref name="modelName"/> (null: the
    /// file's only model).</summary>
    /// <exception cref="FileNotFoundException">No such file (exit code 4).</exception>
    /// <exception cref="DspecErrorsException">The file has errors (exit code 3).</exception>
    /// <exception cref="UsageException">No model of that name, or several models and no <c>--model</c> (exit code 2).</exception>
    public static CompiledModel Load(string path, string? modelName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path)) throw new IOException($"{path}: is a folder, not a .dspec file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file.", path);
        return FromText(File.ReadAllText(path), path, modelName, cancellationToken);
    }

    /// <summary>Compiles .dspec <paramref name="text"/> shown as <paramref name="path"/> and picks a model as
    /// <see cref="Load"/> does.</summary>
    public static CompiledModel FromText(string text, string path, string? modelName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var compilation = DspecRuntimeCompiler.Compile(text, path, cancellationToken: cancellationToken);
        try
        {
            if (!compilation.Success) throw new DspecErrorsException(path, compilation.Diagnostics);
            var names = compilation.Models.Select(m => m.Name).ToList();
            DspecModelFactory factory;
            if (modelName is not null)
            {
                factory = compilation.Models.FirstOrDefault(m => m.Name == modelName)
                    ?? throw new UsageException($"--model: {path} has no model '{modelName}'; its models are: {string.Join(", ", names)}.");
            }
            else if (names.Count == 1)
            {
                factory = compilation.Models[0];
            }
            else
            {
                throw new UsageException(names.Count == 0
                    ? $"{path} declares no model."
                    : $"{path} declares {names.Count} models ({string.Join(", ", names)}); choose one with --model NAME.");
            }
            return new CompiledModel(compilation, factory, path, text);
        }
        catch
        {
            compilation.Dispose();
            throw;
        }
    }

    /// <summary>A new untrained model of this .dspec for <paramref name="features"/> features: BasisDeVAE when the model
    /// has several families, DeVAE when it has one; its integrals use <paramref name="integration"/>.</summary>
    public CollapsedVaeModel CreateModel(int features, string integration)
    {
        var decoder = Factory.Create(features);
        try
        {
            CollapsedVaeModel model = decoder.FamilyCount == 1
                ? new DeVAE(decoder, Factory.Defaults)
                : new BasisDeVAE(decoder, Factory.Defaults);
            IntegrationRules.Apply(model, integration);
            return model;
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>A new model of the kind <paramref name="kind"/> (as a model file records it).</summary>
    public CollapsedVaeModel CreateModel(string kind, int features, string integration)
    {
        var decoder = Factory.Create(features);
        try
        {
            CollapsedVaeModel model = kind switch
            {
                nameof(BasisDeVAE) => new BasisDeVAE(decoder, Factory.Defaults),
                nameof(DeVAE) => new DeVAE(decoder, Factory.Defaults),
                _ => throw new ModelFileException($"The model file holds a {kind}, which derivspec does not rebuild from a .dspec (BasisDeVAE and DeVAE only)."),
            };
            IntegrationRules.Apply(model, integration);
            return model;
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>Unloads the generated assembly (models created from it must be disposed first).</summary>
    public void Dispose() => _compilation.Dispose();
}

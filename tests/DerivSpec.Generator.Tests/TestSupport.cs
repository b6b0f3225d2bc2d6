using System;
using System.IO;
using System.Linq;
using DerivSpec.Language;
using DerivSpec.Tools;
using Xunit;

namespace DerivSpec.Generator.Tests;

internal static class TestSupport
{
    /// <summary>The repository root (the folder holding DerivSpec.sln).</summary>
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "DerivSpec.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("DerivSpec.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The one place these tests turn a matrix (samples in rows) into the data a model trains on.</summary>
    public static DerivSpec.Data.AnnData TrainingData(double[,] x) => DerivSpec.Data.AnnData.FromArray(x);

    /// <summary>Emits a hand-built model and compiles it; asserts the generated code is warning-free.</summary>
    public static DspecCompilation CompileModel(CheckedModel model, string ns = "DerivSpec.Tests.Generated")
    {
        var source = new GeneratedFile(ModelEmitter.HintName(ns, model.Name), ModelEmitter.Emit(model, ns, "test.dspec"));
        var compilation = DspecRuntimeCompiler.Load(new[] { source }, name: model.Name);
        Assert.True(compilation.Success && compilation.Diagnostics.Count == 0,
            "Generated code did not compile cleanly:\n" + string.Join("\n", compilation.Diagnostics) + "\n" + source.Text);
        return compilation;
    }
}

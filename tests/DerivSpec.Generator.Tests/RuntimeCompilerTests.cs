using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;
using TorchSharp;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>Run-time compilation of .dspec text through the same generator (DerivSpec.Tools).</summary>
[Collection(BaselineFilesCollection.Name)]
public class RuntimeCompilerTests
{
    private static string PaperText => File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "spec", "examples", "paper.dspec"));

    [Fact]
    public void CompilesTheSpecPaperModelIntoAWorkingDecoderFactory()
    {
        using var compilation = DspecRuntimeCompiler.Compile(PaperText, "paper.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        Assert.Empty(compilation.Diagnostics);
        var factory = compilation.Model("PaperFamilies");
        Assert.Equal("DerivSpec.Examples.PaperFamilies", factory.Type.FullName);
        Assert.Equal(LikelihoodKind.Gaussian, factory.Defaults.Likelihood);
        Assert.Equal(new[] { "rise", "fall", "peak" }, factory.Layout.Families.Select(f => f.Name));
        // The generated source is exactly what the build produces (same generator, same emitter).
        var baseline = File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "tests", "DerivSpec.Generator.Tests", "Baselines",
            "spec_examples_paper", "DerivSpec.Examples.PaperFamilies.g.cs.txt"));
        Assert.Equal(baseline.Replace("from paper.dspec", "", StringComparison.Ordinal),
            compilation.Sources.Single().Text.Replace("from paper.dspec", "", StringComparison.Ordinal));

        using var scope = torch.NewDisposeScope();
        using var decoder = factory.Create(7, dtype: torch.ScalarType.Float64);
        Assert.IsAssignableFrom<DerivativeDecoder>(decoder);
        var x = decoder.forward(torch.randn(new long[] { 4, 1 }, dtype: torch.ScalarType.Float64));
        Assert.Equal(new long[] { 4, 3, 7 }, x.shape);
        Assert.Equal(torch.ScalarType.Float64, x.dtype);
    }

    [Fact]
    public void ABrokenDspecGivesLocatedDiagnosticsAndNoModels()
    {
        using var compilation = DspecRuntimeCompiler.Compile("model M {\n  latent 1\n  net [64] tahn\n  family f: dx/dz = softplus(net)\n}\n", "/m/model.dspec");
        Assert.False(compilation.Success);
        Assert.Empty(compilation.Models);
        var error = Assert.Single(compilation.Diagnostics);
        Assert.StartsWith("/m/model.dspec(3,12): error DSPEC1006:", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        var ex = Assert.Throws<ArgumentException>(() => compilation.Model("M"));
        Assert.Contains("No model 'M'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDeepestInlinedExpressionCompilesAndRunsFromA1MiBThread()
    {
        // z + z + … (499 additions) through a chain of let bindings: 500 levels after inlining, the checker's limit. The
        // generator emits it as one C# expression, which the C# compiler must parse and bind; the thread's stack is that
        // of a thread-pool thread or smaller.
        var sb = new System.Text.StringBuilder("model Deep {\n  family f increasing {\n    let a0 = z\n");
        for (int k = 1; k <= 5; k++)
            sb.Append($"    let a{k} = a{k - 1}").Append(string.Concat(Enumerable.Repeat(" + z", k < 5 ? 100 : 99))).Append('\n');
        sb.Append("    x = a5\n  }\n}\n");
        string text = sb.ToString();
        string? failure = null;
        var thread = new System.Threading.Thread(() =>
        {
            try
            {
                using var compilation = DspecRuntimeCompiler.Compile(text, "deep.dspec");
                if (!compilation.Success) { failure = string.Join("\n", compilation.Diagnostics); return; }
                using var scope = torch.NewDisposeScope();
                using var decoder = compilation.Model("Deep").Create(2, dtype: torch.ScalarType.Float64);
                var z = torch.linspace(-3, 3, 7, dtype: torch.ScalarType.Float64).reshape(7, 1);
                using var noGrad = torch.no_grad();
                var x = decoder.forward(z); // [B, P, d]: x0 + 500 z
                var x0 = decoder.forward(torch.zeros(1, 1, dtype: torch.ScalarType.Float64));
                var expected = (x0 + 500 * z.reshape(7, 1, 1)).to_type(torch.ScalarType.Float64);
                if (!torch.allclose(x, expected, rtol: 1e-12, atol: 1e-9)) failure = "x is not x0 + 500 z";
            }
            catch (Exception e) { failure = e.ToString(); }
        }, 1024 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
    }

    [Fact]
    public void TheLoadContextIsCollectibleAndUnloads()
    {
        var weak = CompileUseAndDispose();
        for (int i = 0; i < 20 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive, "the generated assembly's load context was not unloaded");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference CompileUseAndDispose()
    {
        var compilation = DspecRuntimeCompiler.Compile("model Up {\n  family up increasing: dx/dz = softplus(net)\n}\n", "up.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        var context = System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(compilation.Models[0].Type.Assembly)!;
        Assert.True(context.IsCollectible);
        using (var scope = torch.NewDisposeScope())
        using (var decoder = compilation.Models[0].Create(2))
            Assert.Equal(new long[] { 3, 1, 2 }, decoder.forward(torch.zeros(3, 1)).shape);
        compilation.Dispose();
        return new WeakReference(context);
    }
}

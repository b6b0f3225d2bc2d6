using System;
using System.IO;
using System.Linq;
using DerivSpec.Language;
using DerivSpec.Data;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;
using TorchSharp;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>Tests that train with torch's global generator run alone (it drives shuffling and noise during Train).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchGlobalStateCollection
{
    public const string Name = "generator-tests torch global state";
}

/// <summary>
/// Reproducibility and identity of generated decoders: the README's C# flow with a seed is bit-identical whatever torch's
/// global generator held; the emitted spec identity depends on the checked model only, and Load refuses a model file
/// saved from another .dspec, naming both.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class SpecIdentityTests
{
    private const string Increasing = "model Up {\n  latent 1\n  net [8] tanh\n  encoder [8] relu\n  family f increasing: dx/dz = softplus(net)\n}\n";
    private const string Decreasing = "model Up {\n  latent 1\n  net [8] tanh\n  encoder [8] relu\n  family f decreasing: dx/dz = -softplus(net)\n}\n";

    private static string Identity(string text)
    {
        var result = DspecCompiler.Compile(text, "m.dspec");
        Assert.True(result.Diagnostics.All(d => d.Severity != DspecSeverity.Error), string.Join("\n", result.Diagnostics));
        return ModelEmitter.SpecIdentity(Assert.Single(result.Models));
    }

    [Fact]
    public void TheIdentityIgnoresLayoutCommentsDefaultsAndNamespaceButNotMeaning()
    {
        string id = Identity(Increasing);
        Assert.StartsWith("sha256:", id, StringComparison.Ordinal);
        Assert.Equal(7 + 64, id.Length);
        // Whitespace, comments, an explicit default and a namespace: the same checked model.
        Assert.Equal(id, Identity("// rising genes\nmodel   Up {\n\tlatent 1;  net [ 8 ] tanh\n   encoder [8]   relu /* as before */\n\n  family f increasing:dx/dz=softplus( net ) // g' > 0\n}"));
        Assert.Equal(id, Identity("namespace Some.Where\n" + Increasing.Replace("  latent 1\n", "  latent 1\n  order 15\n", StringComparison.Ordinal)));
        // What the model means: the property, the expression, a setting, the name.
        Assert.NotEqual(id, Identity(Decreasing));
        Assert.NotEqual(id, Identity(Increasing.Replace("softplus(net)", "exp(net)", StringComparison.Ordinal)));
        Assert.NotEqual(id, Identity(Increasing.Replace("net [8]", "net [9]", StringComparison.Ordinal)));
        Assert.NotEqual(id, Identity(Increasing.Replace("model Up", "model Down", StringComparison.Ordinal)));
    }

    [Fact]
    public void TheGeneratedDecoderCarriesItsIdentity()
    {
        using var c = DspecRuntimeCompiler.Compile(Increasing, "up.dspec");
        Assert.True(c.Success, string.Join("\n", c.Diagnostics));
        string id = Identity(Increasing);
        Assert.Equal(id, c.Model("Up").Type.GetField("DeclaredSpecIdentity")!.GetValue(null));
        Assert.Equal(id, c.Model("Up").Layout.SpecIdentity);
        using var decoder = c.Model("Up").Create(3);
        Assert.Equal(id, decoder.SpecIdentity);
        Assert.Equal("Up", decoder.SpecName);
    }

    [Fact]
    public void TheBaselinesCarryTheIdentityOfTheirDspec()
    {
        string text = File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "Examples", "Synthetic", "paper.dspec"));
        string baseline = File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "tests", "DerivSpec.Generator.Tests", "Baselines",
            "Examples_Synthetic_paper", "DerivSpec.Examples.Synthetic.Paper.g.cs.txt"));
        Assert.Contains("public const string DeclaredSpecIdentity = \"" + Identity(text) + "\";", baseline);
        Assert.Contains("specIdentity: DeclaredSpecIdentity);", baseline);
    }

    [Fact]
    public void AModelSavedFromAnIncreasingFamilyDoesNotLoadIntoADecreasingOne()
    {
        string dir = Path.Combine(Path.GetTempPath(), "dspec-ident-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var up = DspecRuntimeCompiler.Compile(Increasing, "up.dspec");
            using var down = DspecRuntimeCompiler.Compile(Decreasing, "up.dspec");
            Assert.True(up.Success && down.Success);
            var x = new double[20, 3];
            for (int i = 0; i < 20; i++) for (int j = 0; j < 3; j++) x[i, j] = Math.Sin(i * 0.3 + j);
            var data = TestSupport.TrainingData(x);
            string path = Path.Combine(dir, "up.model");
            using (var model = new DeVAE(up.Model("Up").Create(3), up.Model("Up").Defaults))
            {
                model.Train(data, new TrainOptions { Epochs = 1, Seed = 1, Device = "cpu" });
                model.Save(path);
            }
            Assert.Equal(("Up", Identity(Increasing)), (ModelFile.ReadHeader(path).SpecName, ModelFile.ReadHeader(path).SpecIdentity));
            using var other = new DeVAE(down.Model("Up").Create(3), down.Model("Up").Defaults);
            var e = Assert.Throws<ModelFileException>(() => other.Load(path));
            Assert.Contains($"saved from specification 'Up' ({Identity(Increasing)}), but this model's decoder implements 'Up' ({Identity(Decreasing)})", e.Message);
            // Everything else matches (families, shapes): only the identity tells them apart, and the opt-out loads it.
            Assert.DoesNotContain("also differs", e.Message);
            other.Load(path, checkSpecIdentity: false);
            // The same .dspec loads by default.
            using var same = new DeVAE(up.Model("Up").Create(3), up.Model("Up").Defaults);
            same.Load(path);
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>README, "From a .dspec to plots", step 3 — Create, construct, Train with a seed — on the paper's
    /// decoder, after <paramref name="globalSeed"/> and some draws from torch's global generator.</summary>
    private static (double[] Losses, double[,] Z, double[,] Phi, double[,,] Curves) ReadmeFlow(DspecModelFactory paper, double[,] x, long globalSeed)
    {
        torch.manual_seed(globalSeed);
        using (torch.randn(globalSeed % 13 + 1)) { }
        var data = TestSupport.TrainingData(x);
        using var model = new BasisDeVAE(paper.Create(x.GetLength(1)), paper.Defaults);
        model.Train(data, new TrainOptions { Epochs = 2, BatchSize = 16, Seed = 2021, Device = "cpu" });
        return (model.History.Select(h => h.Loss).ToArray(), model.Latent(data), model.FamilyProbabilities(),
            model.FittedCurves(CollapsedVaeModel.Grid(-3, 3, 7)));
    }

    [Fact]
    public void TheReadmeFlowWithASeedIsBitIdenticalWhateverTheGlobalGeneratorHeld()
    {
        using var c = DspecRuntimeCompiler.Compile(File.ReadAllText(Path.Combine(TestSupport.RepoRoot, "Examples", "Synthetic", "paper.dspec")), "paper.dspec");
        Assert.True(c.Success, string.Join("\n", c.Diagnostics));
        var paper = c.Model("Paper");
        var rng = new Random(4);
        var x = new double[40, 6];
        for (int i = 0; i < 40; i++)
        {
            double t = rng.NextDouble() * 4 - 2;
            for (int j = 0; j < 6; j++) x[i, j] = (j % 3 == 0 ? t : j % 3 == 1 ? -t : Math.Exp(-t * t)) + 0.1 * (rng.NextDouble() - 0.5);
        }
        var a = ReadmeFlow(paper, x, globalSeed: 1);
        var b = ReadmeFlow(paper, x, globalSeed: 424242);
        Assert.Equal(a.Losses, b.Losses);
        Assert.Equal(a.Z, b.Z);
        Assert.Equal(a.Phi, b.Phi);
        Assert.Equal(a.Curves, b.Curves);
    }
}

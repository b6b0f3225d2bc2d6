using System;
using DerivSpec.Data;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using DerivSpec.Tools;
using TorchSharp;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>Data-informed initialisation (<see cref="TrainOptions.InitialiseOffsetsFromData"/>) on a generated decoder.</summary>
public class DataInitialisationTests
{
    private const string Text = """
        model Counts {
          likelihood poisson
          net [8] tanh
          encoder [8] relu
          family up increasing: dx/dz = softplus(net)
          family pos increasing {
            param x0 > 0
            dx/dz = softplus(net)
          }
          family sat increasing {
            param w > 0
            dx/dz = softplus(net)
            map w * sigmoid(x)
          }
        }
        """;

    private static (AnnData Data, double[] ColumnMeans) CountData()
    {
        const int n = 60, d = 4;
        var x = new double[n, d];
        var lib = new double[n];
        var rng = new Random(5);
        double[] rate = { 1.2, 3, 12, 40 };
        var means = new double[d];
        for (int i = 0; i < n; i++)
        {
            lib[i] = 500 + 1000 * rng.NextDouble();
            for (int j = 0; j < d; j++)
            {
                x[i, j] = Math.Floor(rate[j] * (0.5 + rng.NextDouble()));
                means[j] += x[i, j] / n;
            }
        }
        return (AnnData.FromArray(x, librarySizes: lib), means);
    }

    private static double[] Values(DerivativeDecoder decoder, string family) =>
        decoder.ParameterValue(family, "x0").to(torch.ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void OffsetsStartAtTheLogMeanPerUnitSizeFactorAndMappedFamiliesKeepTheirs()
    {
        using var compilation = DspecRuntimeCompiler.Compile(Text, "counts.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        var factory = compilation.Model("Counts");
        var (data, means) = CountData();
        using (var model = new BasisDeVAE(factory.Create(4, dtype: torch.ScalarType.Float64), factory.Defaults,
                   new ModelOptions { Dtype = torch.ScalarType.Float64, Seed = 1 }))
        {
            // A learning rate of 1e-12 leaves the parameters where the initialisation put them (to ~1e-10).
            model.Train(data, new TrainOptions { Epochs = 1, BatchSize = 60, LearningRate = 1e-12, Seed = 1, Device = "cpu" });
            var decoder = (DerivativeDecoder)model.Decoder;
            var up = Values(decoder, "up");
            var pos = Values(decoder, "pos");
            var sat = Values(decoder, "sat");
            for (int j = 0; j < 4; j++)
            {
                // Σ_i s_i = N (size factors are library / mean library), so the location is log(column mean).
                Assert.Equal(Math.Log(means[j]), up[j], 6);
                // x0 > 0: a negative log-mean (column 0, mean ≈ 0.4) moves just inside the constraint.
                Assert.Equal(Math.Max(Math.Log(means[j]), 1e-3), pos[j], 6);
                // A family with an output map keeps its .dspec init (0).
                Assert.Equal(0.0, sat[j], 9);
            }
            Assert.True(Math.Log(means[0]) < 0, "column 0 should exercise the clamp");
        }
    }

    [Fact]
    public void TheOptionOffKeepsTheDspecInit()
    {
        using var compilation = DspecRuntimeCompiler.Compile(Text, "counts.dspec");
        var factory = compilation.Model("Counts");
        var (data, _) = CountData();
        using (var model = new BasisDeVAE(factory.Create(4, dtype: torch.ScalarType.Float64), factory.Defaults,
                   new ModelOptions { Dtype = torch.ScalarType.Float64, Seed = 1 }))
        {
            model.Train(data, new TrainOptions { Epochs = 1, BatchSize = 60, LearningRate = 1e-12, Seed = 1, Device = "cpu", InitialiseOffsetsFromData = false });
            Assert.All(Values((DerivativeDecoder)model.Decoder, "up"), v => Assert.Equal(0.0, v, 9));
        }
    }

    [Fact]
    public void GaussianModelsKeepTheirInitByDefaultAndStartAtTheColumnMeansWhenAsked()
    {
        using var compilation = DspecRuntimeCompiler.Compile(Text.Replace("likelihood poisson", "likelihood gaussian", StringComparison.Ordinal), "gauss.dspec");
        Assert.True(compilation.Success, string.Join("\n", compilation.Diagnostics));
        var factory = compilation.Model("Counts");
        var (data, means) = CountData();
        {
            foreach (bool? option in new bool?[] { null, true })
            {
                using var model = new BasisDeVAE(factory.Create(4, dtype: torch.ScalarType.Float64), factory.Defaults,
                    new ModelOptions { Dtype = torch.ScalarType.Float64, Seed = 1 });
                model.Train(data, new TrainOptions { Epochs = 1, BatchSize = 60, LearningRate = 1e-12, Seed = 1, Device = "cpu", InitialiseOffsetsFromData = option });
                var up = Values((DerivativeDecoder)model.Decoder, "up");
                for (int j = 0; j < 4; j++) Assert.Equal(option == true ? means[j] : 0.0, up[j], 6);
            }
        }
    }
}

using System;
using System.Linq;
using DerivSpec.Language;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Tools;
using TorchSharp;
using Xunit;
using static DerivSpec.Generator.Tests.Models;
using static TorchSharp.torch;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// The shared-grid integration rule (one grid for the whole batch, Hermite read-off) against the paper's per-sample
/// Gauss–Legendre rule, on generated decoders in double precision: values, gradients with respect to every parameter
/// and to z, the second-order form, and the error's decay with the cell count.
/// </summary>
public class SharedGridTests
{
    private static DerivativeDecoder PaperDecoder(DspecCompilation compiled, int d, int seed) =>
        GeneratedDecoderTests.RandomizedPaper(compiled, d, seed);

    private static double MaxAbs(Tensor a, Tensor b) => (a - b).abs().max().item<double>();

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void PaperFamiliesAgreeWithGaussLegendre(int latent)
    {
        using var compiled = TestSupport.CompileModel(Paper(latent));
        using var scope = NewDisposeScope();
        var m = PaperDecoder(compiled, 5, 21);
        var z = randn(new long[] { 16, latent }, dtype: ScalarType.Float64) * 1.3;
        z[0, 0] = tensor(0.0, dtype: ScalarType.Float64);                  // z = 0 exactly: x = x0 + shape(0)
        var reference = m.forward(z);
        Assert.Equal(IntegrationRule.GaussLegendre, m.Integration);
        m.UseSharedGrid(new SharedGridOptions(Cells: 64, NodesPerCell: 3));
        Assert.Equal(IntegrationRule.SharedGrid, m.Integration);
        var grid = m.forward(z);
        Assert.Equal(reference.shape, grid.shape);
        double err = MaxAbs(reference, grid);
        Assert.True(err < 1e-6, $"shared grid vs Gauss–Legendre: max |Δx| = {err:E2}");
        m.UseGaussLegendre();
        Assert.Equal(0.0, MaxAbs(reference, m.forward(z)));
    }

    [Fact]
    public void ErrorFallsWithTheCellCount()
    {
        using var compiled = TestSupport.CompileModel(Paper(1));
        using var scope = NewDisposeScope();
        var m = PaperDecoder(compiled, 4, 22);
        var z = linspace(-3, 3, 41, dtype: ScalarType.Float64).view(41, 1);
        var reference = m.forward(z);
        double Error(int cells)
        {
            m.UseSharedGrid(new SharedGridOptions(cells, 3));
            return MaxAbs(reference, m.forward(z));
        }
        double coarse = Error(4), fine = Error(16);
        // Hermite read-off: O(h⁴); four times the cells should cut the error by far more than 10×.
        Assert.True(fine < coarse / 10, $"error {coarse:E2} with 4 cells, {fine:E2} with 16");
        Assert.True(coarse > 1e-9, "4 cells over [-3, 3] cannot be exact for this network: the comparison would prove nothing");
    }

    [Fact]
    public void GradientsAgreeWithGaussLegendre()
    {
        using var compiled = TestSupport.CompileModel(Paper(2));
        using var scope = NewDisposeScope();
        var m = PaperDecoder(compiled, 4, 23);
        var zData = randn(new long[] { 12, 2 }, dtype: ScalarType.Float64);
        (Tensor[] Params, Tensor Z) Grads()
        {
            foreach (var p in m.parameters()) p.grad = null;
            var z = zData.clone().requires_grad_(true);
            (m.forward(z).sin().sum() - m.LogPrior()).backward();
            return (m.parameters().Select(p => p.grad!.clone()).ToArray(), z.grad!.clone());
        }
        var (gl, glZ) = Grads();
        m.UseSharedGrid();
        var (grid, gridZ) = Grads();
        for (int i = 0; i < gl.Length; i++)
        {
            double scale = Math.Max(1.0, gl[i].abs().max().item<double>());
            Assert.True(MaxAbs(gl[i], grid[i]) < 1e-5 * scale, $"parameter {i}: gradients differ by {MaxAbs(gl[i], grid[i]):E2}");
        }
        Assert.True(MaxAbs(glZ, gridZ) < 1e-4, $"dL/dz differs by {MaxAbs(glZ, gridZ):E2}");
        Assert.True(gridZ.abs().max().item<double>() > 1e-3, "the gradient with respect to z must flow through the read-off");
    }

    [Fact]
    public void SecondOrderFamilyMatchesItsClosedForm() =>
        // written as v0·z + z·∫e − ∫τe on the grid; h⁴/384·max|b‴| ≈ 1e-7 here
        GeneratedDecoderTests.CheckSecondOrderClosedForm(IntegrationRule.SharedGrid, tolerance: 1e-6);

    [Fact]
    public void ASingleSampleAndAllZerosWork()
    {
        using var compiled = TestSupport.CompileModel(Paper(1));
        using var scope = NewDisposeScope();
        var m = PaperDecoder(compiled, 3, 24);
        var one = tensor(new[] { 0.8 }, dtype: ScalarType.Float64).view(1, 1);
        var zerosBatch = zeros(4, 1, dtype: ScalarType.Float64);
        var glOne = m.forward(one);
        var glZeros = m.forward(zerosBatch);
        m.UseSharedGrid();
        Assert.True(MaxAbs(glOne, m.forward(one)) < 1e-6);
        Assert.Equal(0.0, MaxAbs(glZeros, m.forward(zerosBatch)), 12);
    }

    [Fact]
    public void TheCellRuleOutlivesTheScopeOfTheFirstPass()
    {
        // Training runs every step in its own dispose scope; the cached per-cell rule is made inside the first one.
        using var compiled = TestSupport.CompileModel(Paper(1));
        var m = PaperDecoder(compiled, 3, 26);
        m.UseSharedGrid();
        var z = tensor(new[] { -0.5, 0.4, 1.1 }, dtype: ScalarType.Float64).view(3, 1);
        double first, second;
        using (NewDisposeScope()) first = m.forward(z).sum().item<double>();
        using (NewDisposeScope()) second = m.forward(z).sum().item<double>();
        Assert.Equal(first, second);
        m.Dispose();
        z.Dispose();
    }

    [Fact]
    public void InvalidGridSettingsAreRejected()
    {
        using var compiled = TestSupport.CompileModel(Paper(1));
        using var scope = NewDisposeScope();
        var m = PaperDecoder(compiled, 2, 25);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.UseSharedGrid(new SharedGridOptions(Cells: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.UseSharedGrid(new SharedGridOptions(NodesPerCell: 0)));
        Assert.Equal(IntegrationRule.GaussLegendre, m.Integration);   // a rejected setting changes nothing
        Assert.Equal(64L * 4 + 1, new SharedGridOptions().Points);
    }
}

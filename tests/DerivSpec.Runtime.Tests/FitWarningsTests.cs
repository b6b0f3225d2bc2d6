using System.Linq;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Training;
using Xunit;

namespace DerivSpec.Runtime.Tests;

public class FitWarningsTests
{
    private static double[,] Uniform(int d, int k)
    {
        var phi = new double[d, k];
        for (int j = 0; j < d; j++)
            for (int c = 0; c < k; c++) phi[j, c] = 1.0 / k;
        return phi;
    }

    private static double[,] Confident(int d, int k)
    {
        var phi = new double[d, k];
        for (int j = 0; j < d; j++)
            for (int c = 0; c < k; c++) phi[j, c] = c == j % k ? 0.98 : 0.02 / (k - 1);
        return phi;
    }

    private static double[,] Latent(int n, double spread)
    {
        var z = new double[n, 1];
        for (int i = 0; i < n; i++) z[i, 0] = spread * (i - n / 2.0) / n;
        return z;
    }

    [Fact]
    public void ATrainingFailsEvidentlyWhenPhiIsNearUniformOrTheLatentCollapsed()
    {
        Assert.Empty(FitWarnings.TrainingFailure(Confident(6, 3), Latent(50, 4)));
        Assert.Null(FitWarnings.TrainingFailureWarning(Confident(6, 3), Latent(50, 4)));

        var uniform = FitWarnings.TrainingFailure(Uniform(6, 3), Latent(50, 4));
        Assert.Equal(new[] { "φ is still near uniform (mean over features of max_k φ = 0.333, below 0.500; uniform is 0.333), so the families say little" }, uniform);

        // sd of the posterior means 0.0007·√(50·51/12) ≈ 0.0102 < 0.05; every sample at one point is collapsed too.
        var collapsed = FitWarnings.TrainingFailure(Confident(6, 3), Latent(50, 0.035));
        Assert.Single(collapsed);
        Assert.StartsWith("the latent collapsed (sd of the samples' posterior means = 0.0102, below 0.05)", collapsed[0]);
        Assert.Single(FitWarnings.TrainingFailure(Confident(6, 3), new double[50, 1]));

        var both = FitWarnings.TrainingFailureWarning(Uniform(6, 3), new double[50, 1]);
        Assert.NotNull(both);
        Assert.StartsWith("training evidently failed: φ is still near uniform", both);
        Assert.Contains("; the latent collapsed", both);
        Assert.EndsWith("or more restarts (--restarts 5).", both);

        // The threshold is a quarter of the way from uniform to certain: just below it warns, just above does not.
        var phi = Uniform(4, 2);
        for (int j = 0; j < 4; j++) { phi[j, 0] = 0.624; phi[j, 1] = 0.376; }
        Assert.Single(FitWarnings.TrainingFailure(phi, Latent(50, 4)));
        for (int j = 0; j < 4; j++) { phi[j, 0] = 0.626; phi[j, 1] = 0.374; }
        Assert.Empty(FitWarnings.TrainingFailure(phi, Latent(50, 4)));
        // One family: φ says nothing to warn about.
        Assert.Empty(FitWarnings.TrainingFailure(Uniform(4, 1), Latent(50, 4)));
    }

    [Fact]
    public void AGaussianLikelihoodOnRawCountsIsWarnedAboutAndNothingElseIs()
    {
        var counts = new DenseMatrix(3, 4, new float[] { 0, 3, 7, 0, 1, 0, 12, 2, 0, 0, 5, 1 });
        var warning = FitWarnings.LikelihoodMismatch(LikelihoodKind.Gaussian, counts);
        Assert.NotNull(warning);
        Assert.StartsWith("the data (3 × 4) are all non-negative integers, which look like raw counts, but the model's likelihood is gaussian", warning);
        Assert.Contains("declare 'likelihood nb'", warning);
        // Sparse storage: the implicit zeros are counts too.
        Assert.Equal(warning, FitWarnings.LikelihoodMismatch(LikelihoodKind.Gaussian, CsrMatrix.FromDense(counts)));

        // Not counts: a fraction, a negative value; only 0 and 1; another likelihood.
        Assert.Null(FitWarnings.LikelihoodMismatch(LikelihoodKind.Gaussian, new DenseMatrix(2, 2, new float[] { 0, 3, 7, 0.5f })));
        Assert.Null(FitWarnings.LikelihoodMismatch(LikelihoodKind.Gaussian, new DenseMatrix(2, 2, new float[] { 0, 3, -7, 1 })));
        Assert.Null(FitWarnings.LikelihoodMismatch(LikelihoodKind.Gaussian, new DenseMatrix(2, 2, new float[] { 0, 1, 1, 0 })));
        foreach (var kind in new[] { LikelihoodKind.Poisson, LikelihoodKind.NegativeBinomial, LikelihoodKind.ZeroInflatedNegativeBinomial })
            Assert.Null(FitWarnings.LikelihoodMismatch(kind, counts));
        Assert.True(counts.IsWithin(ValueSupport.Counts));
        Assert.False(counts.IsWithin(ValueSupport.Binary));
    }
}

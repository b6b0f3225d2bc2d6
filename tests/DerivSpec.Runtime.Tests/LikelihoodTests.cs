using System;
using DerivSpec.Runtime.Likelihoods;
using DerivSpec.Runtime.Model;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Tests;

public class LikelihoodTests
{
    private static Tensor T(params double[] v) => torch.tensor(v, dtype: ScalarType.Float64);
    private static double[] A(Tensor t) => t.data<double>().ToArray();
    private static double Lg(double x) => CollapsedLoss.Lgamma(x);

    // Independent of the production log-gamma: for integer counts x, log x! is a sum of logs and
    // log Γ(x + θ) − log Γ(θ) = Σ_{m<x} log(m + θ).
    private static double LogFactorial(double x) { double s = 0; for (int m = 2; m <= x; m++) s += Math.Log(m); return s; }

    private static double LogRising(double theta, double x) { double s = 0; for (int m = 0; m < x; m++) s += Math.Log(m + theta); return s; }

    [Fact]
    public void LgammaHelperIsAccurate()
    {
        Assert.Equal(0.0, Lg(1), 14);
        Assert.Equal(0.0, Lg(2), 14);
        Assert.Equal(Math.Log(24), Lg(5), 13);
        Assert.Equal(0.5 * Math.Log(Math.PI), Lg(0.5), 14);
        Assert.Equal(Math.Log(362880.0), Lg(10), 12);
    }

    [Fact]
    public void GaussianMatchesHandComputation()
    {
        using var s = torch.NewDisposeScope();
        double[] x = { 0.3, -1.2, 2.5 }, mu = { 0.1, 0.4, -3.0 }, sd = { 0.5, 1.7, 0.05 };
        var got = A(LogDensity.Gaussian(T(x), T(mu), T(sd)));
        for (int i = 0; i < 3; i++)
        {
            double e = -0.5 * Math.Pow((x[i] - mu[i]) / sd[i], 2) - Math.Log(sd[i]) - 0.5 * Math.Log(2 * Math.PI);
            Assert.Equal(e, got[i], 12);
        }
    }

    [Fact]
    public void GaussianModuleUsesPerFeatureSigma()
    {
        using var s = torch.NewDisposeScope();
        var lik = new GaussianLikelihood(2, initialSigma: 0.7);
        lik.to(ScalarType.Float64);
        Assert.Equal(0.7, A(lik.Sigma())[0], 7);   // ρ is initialised in float32
        var x = torch.tensor(new double[,] { { 1.0, 2.0 } });
        var loc = torch.tensor(new double[] { 0.5, 2.5, 1.0, 1.0 }).reshape(1, 2, 2);   // [B=1, K=2, d=2]
        var lp = A(lik.LogProb(x, loc, torch.zeros(1, 1, dtype: ScalarType.Float64), null));
        Assert.Equal(4, lp.Length);
        double sd = A(lik.Sigma())[0];
        double L(double xv, double m) => -0.5 * Math.Pow((xv - m) / sd, 2) - Math.Log(sd) - 0.5 * Math.Log(2 * Math.PI);
        Assert.Equal(L(1.0, 0.5), lp[0], 10);
        Assert.Equal(L(2.0, 2.5), lp[1], 10);
        Assert.Equal(L(1.0, 1.0), lp[2], 10);
        Assert.Equal(L(2.0, 1.0), lp[3], 10);
    }

    [Fact]
    public void PoissonMatchesHandComputationWithLibraryOffset()
    {
        using var s = torch.NewDisposeScope();
        var lik = new PoissonLikelihood(3);
        double[] x = { 0, 3, 17 }, loc = { -0.5, 1.1, 2.0 };
        double logLib = Math.Log(1.8);
        var lp = A(lik.LogProb(T(x).reshape(1, 3), T(loc).reshape(1, 1, 3), torch.zeros(1, 1, dtype: ScalarType.Float64), T(logLib)));
        for (int j = 0; j < 3; j++)
        {
            double mu = 1.8 * Math.Exp(loc[j]);
            double e = x[j] * Math.Log(mu) - mu - LogFactorial(x[j]);
            Assert.Equal(e, lp[j], 11);
        }
    }

    [Fact]
    public void NegativeBinomialMatchesHandComputation()
    {
        using var s = torch.NewDisposeScope();
        double[] x = { 0, 1, 4, 25 }, logMu = { 0.3, -1.0, 1.5, 3.0 }, theta = { 0.5, 2.0, 10.0, 1.3 };
        var got = A(LogDensity.NegativeBinomial(T(x), T(logMu), T(theta)));
        for (int i = 0; i < 4; i++)
        {
            double mu = Math.Exp(logMu[i]), th = theta[i];
            // NB pmf: Γ(x+θ)/(Γ(θ) x!) (θ/(θ+μ))^θ (μ/(θ+μ))^x
            double e = LogRising(th, x[i]) - LogFactorial(x[i]) + th * Math.Log(th / (th + mu)) + x[i] * Math.Log(mu / (th + mu));
            Assert.Equal(e, got[i], 11);
        }
    }

    [Fact]
    public void NegativeBinomialModuleDefaultsToThetaOne()
    {
        using var s = torch.NewDisposeScope();
        var lik = new NegativeBinomialLikelihood(2);
        lik.to(ScalarType.Float64);
        var lp = A(lik.LogProb(torch.tensor(new double[,] { { 2, 0 } }), torch.tensor(new double[] { 0.2, -0.4 }).reshape(1, 1, 2),
            torch.zeros(1, 1, dtype: ScalarType.Float64), null));
        double mu = Math.Exp(0.2);
        Assert.Equal(LogRising(1, 2) - LogFactorial(2) + Math.Log(1 / (1 + mu)) + 2 * Math.Log(mu / (1 + mu)), lp[0], 11);
    }

    [Fact]
    public void ZinbMatchesHandComputation()
    {
        using var s = torch.NewDisposeScope();
        double[] x = { 0, 0, 3, 7 }, logMu = { 0.3, 2.0, 1.0, -0.2 }, theta = { 0.8, 5.0, 2.0, 0.3 }, psi = { -1.0, 2.5, 0.4, -3.0 };
        var got = A(LogDensity.ZeroInflatedNegativeBinomial(T(x), T(logMu), T(theta), T(psi)));
        for (int i = 0; i < 4; i++)
        {
            double mu = Math.Exp(logMu[i]), th = theta[i], pi = 1 / (1 + Math.Exp(-psi[i]));
            double nb = Math.Exp(LogRising(th, x[i]) - LogFactorial(x[i]) + th * Math.Log(th / (th + mu)) + x[i] * Math.Log(mu / (th + mu)));
            double e = x[i] == 0 ? Math.Log(pi + (1 - pi) * nb) : Math.Log((1 - pi) * nb);
            Assert.Equal(e, got[i], 11);
        }
    }

    [Fact]
    public void ZinbModuleTakesDropoutFromZThroughALinearMap()
    {
        using var s = torch.NewDisposeScope();
        var lik = new ZinbLikelihood(3, 1);
        lik.to(ScalarType.Float64);
        var z1 = torch.tensor(new double[,] { { -2.0 } });
        var z2 = torch.tensor(new double[,] { { 2.0 } });
        var psi1 = A(lik.DropoutLogits(z1));
        var psi2 = A(lik.DropoutLogits(z2));
        var psi0 = A(lik.DropoutLogits(torch.zeros(1, 1, dtype: ScalarType.Float64)));
        for (int j = 0; j < 3; j++) Assert.Equal(psi0[j], 0.5 * (psi1[j] + psi2[j]), 12);  // affine in z
        var x = torch.tensor(new double[,] { { 0, 2, 0 } });
        var loc = torch.tensor(new double[] { 0.1, 0.2, 0.3 }).reshape(1, 1, 3);
        var lp = A(lik.LogProb(x, loc, z1, null));
        var direct = A(LogDensity.ZeroInflatedNegativeBinomial(x.unsqueeze(1), loc, torch.ones(3, dtype: ScalarType.Float64), lik.DropoutLogits(z1).unsqueeze(1)));
        Assert.Equal(direct, lp);
    }

    [Fact]
    public void BernoulliMatchesHandComputation()
    {
        using var s = torch.NewDisposeScope();
        double[] x = { 0, 1, 1, 0 }, logit = { -2.0, 0.3, 4.0, 1.5 };
        var got = A(LogDensity.Bernoulli(T(x), T(logit)));
        for (int i = 0; i < 4; i++)
        {
            double p = 1 / (1 + Math.Exp(-logit[i]));
            Assert.Equal(x[i] == 1 ? Math.Log(p) : Math.Log(1 - p), got[i], 12);
        }
    }

    [Fact]
    public void DensitiesStayFiniteAtExtremes()
    {
        using var s = torch.NewDisposeScope();
        // Bernoulli with |logit| = 1000: naive log(sigmoid) gives -inf; stable form gives -1000 / 0.
        var b = A(LogDensity.Bernoulli(T(0, 1, 1, 0), T(1000, 1000, -1000, -1000)));
        Assert.Equal(-1000, b[0], 6); Assert.Equal(0, b[1], 6); Assert.Equal(-1000, b[2], 6); Assert.Equal(0, b[3], 6);
        // NB with mean e^60 and θ tiny/huge; ZINB with huge dropout logits.
        var nb = A(LogDensity.NegativeBinomial(T(0, 5, 1e6), T(60, -60, 2), T(1e-3, 1e8, 1e-2)));
        Assert.All(nb, v => Assert.True(double.IsFinite(v)));
        var zi = A(LogDensity.ZeroInflatedNegativeBinomial(T(0, 0, 3), T(50, -50, 0), T(1, 1, 1), T(500, -500, 500)));
        Assert.All(zi, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(0.0, zi[0], 6);          // certain dropout → log 1
        // Poisson with very negative log-mean and zero count → ≈ 0.
        var p = A(LogDensity.Poisson(T(0), T(-80)));
        Assert.Equal(0.0, p[0], 12);
        // NB → Poisson as θ → ∞.
        var nbBig = A(LogDensity.NegativeBinomial(T(3), T(0.5), T(1e7)));
        var pois = A(LogDensity.Poisson(T(3), T(0.5)));
        Assert.Equal(pois[0], nbBig[0], 5);
    }

    [Fact]
    public void FactoryBuildsEveryKindAndLinks()
    {
        using var s = torch.NewDisposeScope();
        foreach (LikelihoodKind k in Enum.GetValues<LikelihoodKind>())
        {
            var l = Likelihood.Create(k, 4, 2);
            Assert.Equal(k, l.Kind);
            Assert.Equal(k is LikelihoodKind.Poisson or LikelihoodKind.NegativeBinomial or LikelihoodKind.ZeroInflatedNegativeBinomial, l.IsCount);
        }
        var loc = T(-1.0, 0.0, 2.0);
        Assert.Equal(A(loc), A(Likelihood.Create(LikelihoodKind.Gaussian, 3, 1).Mean(loc)));
        Assert.Equal(Math.Exp(2.0), A(Likelihood.Create(LikelihoodKind.Poisson, 3, 1).Mean(loc))[2], 12);
        Assert.Equal(1 / (1 + Math.Exp(1.0)), A(Likelihood.Create(LikelihoodKind.Bernoulli, 3, 1).Mean(loc))[0], 12);
    }
}

using System;
using DerivSpec.Runtime.Model;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Tests;

public class LossTests
{
    private static double Lg(double x) => CollapsedLoss.Lgamma(x);

    [Fact]
    public void TermsMatchHandComputationInDouble()
    {
        using var scope = torch.NewDisposeScope();
        // B = 2, K = 2, d = 3, p = 1
        double[,,] logp = { { { -1.0, -2.0, -0.5 }, { -3.0, -0.2, -1.5 } }, { { -0.7, -1.1, -2.2 }, { -0.4, -0.9, -3.3 } } };
        double[,] xi = { { 0.5, -0.5 }, { 2.0, 0.0 }, { -1.0, 1.0 } };
        double[] mu = { 0.3, -1.2 }, sd = { 0.8, 1.5 };
        double logPrior = -4.25;
        long n = 10;
        double alpha = 0.1, beta = 0.7, gamma = 1.3;

        var t = CollapsedLoss.Compute(torch.tensor(logp), torch.tensor(xi), torch.tensor(mu).reshape(2, 1), torch.tensor(sd).reshape(2, 1),
            torch.tensor(logPrior), n, alpha, beta, gamma);

        // hand computation
        var phi = new double[3, 2];
        for (int j = 0; j < 3; j++)
        {
            double m = Math.Max(xi[j, 0], xi[j, 1]);
            double z = Math.Exp(xi[j, 0] - m) + Math.Exp(xi[j, 1] - m);
            for (int k = 0; k < 2; k++) phi[j, k] = Math.Exp(xi[j, k] - m) / z;
        }
        double scale = n / 2.0;
        double ell = 0;
        for (int i = 0; i < 2; i++) for (int k = 0; k < 2; k++) for (int j = 0; j < 3; j++) ell += phi[j, k] * logp[i, k, j];
        double recon = -scale * ell;
        double n0 = phi[0, 0] + phi[1, 0] + phi[2, 0], n1 = phi[0, 1] + phi[1, 1] + phi[2, 1];
        double logB(double a, double b) => Lg(a) + Lg(b) - Lg(a + b);
        double dir = -gamma * (logB(n0 + alpha, n1 + alpha) - logB(alpha, alpha));
        double ent = 0;
        for (int j = 0; j < 3; j++) for (int k = 0; k < 2; k++) ent += phi[j, k] * Math.Log(phi[j, k]);
        ent *= gamma;
        double kl = 0;
        for (int i = 0; i < 2; i++) kl += 0.5 * (mu[i] * mu[i] + sd[i] * sd[i] - 1 - 2 * Math.Log(sd[i]));
        kl *= beta * scale;
        double prior = -logPrior;

        Assert.Equal(recon, t.Reconstruction.item<double>(), 11);
        Assert.Equal(dir, t.Dirichlet.item<double>(), 11);
        Assert.Equal(ent, t.Entropy.item<double>(), 11);
        Assert.Equal(kl, t.Kl.item<double>(), 11);
        Assert.Equal(prior, t.Prior.item<double>(), 12);
        Assert.Equal(recon + dir + ent + kl + prior, t.Total().item<double>(), 10);
        var st = t.Stacked().data<double>().ToArray();
        Assert.Equal(new[] { recon, dir, ent, kl, prior }, st, new Tol(1e-9));
    }

    [Fact]
    public void DirichletTermFavoursSparseAssignments()
    {
        using var scope = torch.NewDisposeScope();
        // With α < 1, concentrating the expected counts on one family lowers term (4).
        var spread = torch.tensor(new double[,] { { 0.5, 0.5 }, { 0.5, 0.5 }, { 0.5, 0.5 }, { 0.5, 0.5 } });
        var sparse = torch.tensor(new double[,] { { 1, 0 }, { 1, 0 }, { 1, 0 }, { 1, 0 } });
        double a = CollapsedLoss.DirichletTerm(spread, 0.1, 1).item<double>();
        double b = CollapsedLoss.DirichletTerm(sparse, 0.1, 1).item<double>();
        Assert.True(b < a, $"{b} !< {a}");
    }

    [Fact]
    public void KlSumFormEqualsPerSampleForm()
    {
        using var scope = torch.NewDisposeScope();
        var mu = torch.tensor(new double[,] { { 0.3, -2.0 }, { 1.1, 0.0 }, { -0.4, 0.9 } });
        var sd = torch.tensor(new double[,] { { 0.2, 1.0 }, { 3.0, 0.7 }, { 1.4, 0.05 } });
        double per = GaussianEncoder.KlToStandardNormal(mu, sd).sum().item<double>();
        double hand = 0;
        var m = mu.data<double>().ToArray(); var s = sd.data<double>().ToArray();
        for (int i = 0; i < 6; i++) hand += 0.5 * (m[i] * m[i] + s[i] * s[i] - 1 - 2 * Math.Log(s[i]));
        Assert.Equal(hand, per, 12);
        Assert.Equal(hand, GaussianEncoder.KlToStandardNormalSum(mu, sd).item<double>(), 12);
    }

    [Fact]
    public void LikelihoodFastPathsEqualTheGenericExpectedLogLikelihood()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        var x = torch.randn(4, 3, dtype: ScalarType.Float64);
        var loc = torch.randn(4, 2, 3, dtype: ScalarType.Float64);
        var phiT = torch.softmax(torch.randn(3, 2, dtype: ScalarType.Float64), 1).t();
        var z = torch.randn(4, 1, dtype: ScalarType.Float64);
        var g = new Likelihoods.GaussianLikelihood(3, 0.6);
        g.to(ScalarType.Float64);
        double generic = (g.LogProb(x, loc, z, null).sum(dim: 0) * phiT).sum().item<double>();
        Assert.Equal(generic, g.ExpectedLogLikelihood(x, loc, z, null, phiT).item<double>(), 10);
    }

    [Fact]
    public void KlIsZeroForStandardNormalPosterior()
    {
        using var scope = torch.NewDisposeScope();
        var kl = GaussianEncoder.KlToStandardNormal(torch.zeros(3, 2, dtype: ScalarType.Float64), torch.ones(3, 2, dtype: ScalarType.Float64));
        Assert.All(kl.data<double>().ToArray(), v => Assert.Equal(0.0, v, 14));
    }

    [Fact]
    public void EncoderSigmaHasFloorAndSampleIsReparameterised()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var enc = new GaussianEncoder(4, 2, new NetworkShape(new[] { 8 }, ActivationKind.Relu));
        enc.to(ScalarType.Float64);
        var x = torch.randn(5, 4, dtype: ScalarType.Float64) * 100;
        var (mu, sigma) = enc.forward(x);
        Assert.Equal(new long[] { 5, 2 }, mu.shape);
        Assert.True(sigma.min().item<double>() >= GaussianEncoder.SigmaFloor);
        torch.manual_seed(11);
        var z = GaussianEncoder.Sample(mu, sigma);
        torch.manual_seed(11);
        var eps = torch.randn_like(mu);
        Assert.True(torch.allclose(z, mu + sigma * eps, rtol: 0, atol: 1e-12));
        // gradient flows to μ and σ through the sample
        var mu2 = mu.detach().requires_grad_(true);
        var s2 = sigma.detach().requires_grad_(true);
        GaussianEncoder.Sample(mu2, s2).sum().backward();
        Assert.True(torch.allclose(mu2.grad!, torch.ones_like(mu2)));
        Assert.False(torch.allclose(s2.grad!, torch.zeros_like(s2)));
    }

    private sealed class Tol : System.Collections.Generic.IEqualityComparer<double>
    {
        private readonly double tol;
        public Tol(double tol) { this.tol = tol; }
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol * Math.Max(1, Math.Abs(a));
        public int GetHashCode(double v) => 0;
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DerivSpec.Runtime.Decoding;
using DerivSpec.Runtime.Model;
using DerivSpec.Tools;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;
using L = DerivSpec.Language;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// Every likelihood, activation and prior of the vocabulary, end to end: a .dspec that uses it is written, compiled by the
/// generator (<see cref="DspecRuntimeCompiler"/>, the build's generator at run time), and the generated decoder runs in a
/// <see cref="CollapsedVaeModule"/> — forward, the production loss (<see cref="CollapsedVaeModule.Loss"/>) and backward —
/// against values computed here by hand in plain doubles. The members come from the vocabulary tables, so a new member
/// is a new test case; the hand formulas are switches without a default arm, so a new member without its formula does
/// not compile.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public class VocabularyEndToEndTests
{
    public static IEnumerable<object[]> Likelihoods() => L.LikelihoodVocabulary.Names.Select(n => new object[] { n });

    public static IEnumerable<object[]> Activations() => L.ActivationVocabulary.Names.Select(n => new object[] { n });

    public static IEnumerable<object[]> Priors() => L.PriorVocabulary.Names.Select(n => new object[] { n });

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static DspecCompilation Compile(string text)
    {
        var c = DspecRuntimeCompiler.Compile(text, "vocabulary.dspec");
        Assert.True(c.Success && c.Diagnostics.Count == 0, "the .dspec did not compile cleanly:\n" + string.Join("\n", c.Diagnostics) + "\n" + text);
        return c;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Likelihoods: the production loss against equations (3)–(7) by hand.

    private const int B = 3, D = 4, K = 2;
    private const long N = 10;
    private const double Alpha = 0.3, Beta = 0.7, Gamma = 1.3;
    private static readonly double[] Library = { 1.3, 0.7, 2.0 };

    /// <summary>A model whose two families have closed forms (no integral), so that the decoder is computed by hand too:
    /// line: x = x0 + a·z, a ~ N(0.5, 2²); wave: x = x0 + s·tanh(z), x0 ~ N(−0.5, 1.5²), s &gt; 0 ~ Gamma(2, 3).</summary>
    private static string LossModel(string likelihood) => $$"""
        model LossCheck {
          latent 1
          likelihood {{likelihood}}
          encoder [3] tanh
          alpha {{F(Alpha)}}
          beta {{F(Beta)}}
          gamma {{F(Gamma)}}
          family line {
            param a ~ normal(0.5, 2)
            x = a * z
          }
          family wave {
            param x0 ~ normal(-0.5, 1.5)
            param s > 0 ~ gamma(2, 3)
            x = s * tanh(z)
          }
        }
        """;

    /// <summary>Data in the likelihood's support, with zeros and non-zeros in every count column.</summary>
    private static double[,] DataFor(LikelihoodKind kind) => kind switch
    {
        LikelihoodKind.Gaussian => new double[,] { { 0.3, -1.2, 2.0, 0.5 }, { -0.4, 0.9, 1.1, -2.2 }, { 1.7, 0.0, -0.6, 0.8 } },
        LikelihoodKind.Poisson or LikelihoodKind.NegativeBinomial or LikelihoodKind.ZeroInflatedNegativeBinomial =>
            new double[,] { { 0, 3, 1, 7 }, { 2, 0, 0, 4 }, { 5, 1, 9, 0 } },
        LikelihoodKind.Bernoulli => new double[,] { { 0, 1, 1, 0 }, { 1, 0, 1, 1 }, { 0, 0, 1, 0 } },
    };

    /// <summary>log p(x | η) for one element, by hand. η is the location plus the log library size for counts;
    /// <paramref name="lik"/> holds the likelihood's own parameters by name, <paramref name="z"/> the sample's latent.</summary>
    private static double LogLikelihood(LikelihoodKind kind, double x, double eta, int j, double z, IReadOnlyDictionary<string, double[]> lik)
    {
        switch (kind)
        {
            case LikelihoodKind.Gaussian:
            {
                double sigma = Hand.Softplus(lik["likelihood.rho"][j]) + 1e-4;
                return -0.5 * Math.Pow((x - eta) / sigma, 2) - Math.Log(sigma) - 0.5 * Math.Log(2 * Math.PI);
            }
            case LikelihoodKind.Poisson:
                return x * eta - Math.Exp(eta) - Hand.LogFactorial(x);
            case LikelihoodKind.NegativeBinomial:
                return Hand.LogNegativeBinomial(x, Math.Exp(eta), Math.Exp(lik["likelihood.log_theta"][j]));
            case LikelihoodKind.ZeroInflatedNegativeBinomial:
            {
                double theta = Math.Exp(lik["likelihood.log_theta"][j]);
                double psi = lik["likelihood.dropout.weight"][j] * z + lik["likelihood.dropout.bias"][j];
                double pi = Hand.Sigmoid(psi);
                double nb = Hand.LogNegativeBinomial(x, Math.Exp(eta), theta);
                return x == 0 ? Math.Log(pi + (1 - pi) * Math.Exp(nb)) : Math.Log(1 - pi) + nb;
            }
            case LikelihoodKind.Bernoulli:
            {
                double p = Hand.Sigmoid(eta);
                return x == 1 ? Math.Log(p) : Math.Log(1 - p);
            }
        }
        throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
    }

    [Fact]
    public void TheOccamSettingAddsEachFamilysParameterPriceToThePriorTerm()
    {
        // rise: x0 and the net's output weights for the feature (last hidden width 5, plus the bias): 1 + 6 = 7;
        // bump: x0, z0, A = 3 (no net). occam 2: penalties 2·(7 − 3)/2 = 4 for rise, 0 for bump, times log N per unit of φ.
        using var compiled = Compile("""
            model Occam {
              latent 1
              net [4, 5] tanh
              occam 2
              family rise increasing: dx/dz = softplus(net)
              family bump transient {
                param z0
                param A > 0
                x = A * exp(-square(z - z0))
              }
            }
            """);
        var factory = compiled.Model("Occam");
        Assert.Equal(2.0, factory.Defaults.Occam);
        using var scope = torch.NewDisposeScope();
        var decoder = (DerivativeDecoder)factory.Create(D, dtype: ScalarType.Float64);
        Assert.Equal(new[] { 7, 3 }, decoder.ParametersPerFeature());
        using var with = new CollapsedVaeModule(decoder, factory.Defaults.Likelihood, factory.Defaults.Encoder, factory.Defaults.Occam);
        using var without = new CollapsedVaeModule(decoder, factory.Defaults.Likelihood, factory.Defaults.Encoder);
        with.to(ScalarType.Float64);
        without.to(ScalarType.Float64);
        var xi = torch.tensor(new double[,] { { 0.3, -1.0 }, { 2.0, 0.1 }, { -0.5, -0.5 }, { 1.2, 3.0 } }, dtype: ScalarType.Float64);
        using (torch.no_grad()) { with.get_parameter("xi")!.copy_(xi); without.get_parameter("xi")!.copy_(xi); }
        var x = torch.tensor(new double[,] { { 0.3, -1.2, 2.0, 0.5 }, { -0.4, 0.9, 1.1, -2.2 } }, dtype: ScalarType.Float64);
        double prior(CollapsedVaeModule m) { torch.manual_seed(1); return m.Loss(x, x, null, N, Alpha, Beta, Gamma).Prior.item<double>(); }
        var phi = torch.softmax(xi, 1).data<double>().ToArray();
        double riseMass = 0;
        for (int j = 0; j < D; j++) riseMass += phi[2 * j];
        Assert.Equal(riseMass * 4 * Math.Log(N), prior(with) - prior(without), 1e-12);
    }

    [Fact]
    public void FreeBitsCountEachSamplesKlAsAtLeastLambdaInTheLoss()
    {
        using var compiled = Compile("""
            model Free {
              latent 1
              freebits 0.7
              family rise increasing: dx/dz = softplus(net)
            }
            """);
        var factory = compiled.Model("Free");
        Assert.Equal(0.7, factory.Defaults.FreeBits);
        using var scope = torch.NewDisposeScope();
        var decoder = (DerivativeDecoder)factory.Create(D, dtype: ScalarType.Float64);
        // One sample far from the prior (KL > 0.7) and one close to it (KL < 0.7), by hand.
        var mean = torch.tensor(new double[,] { { 1.5 }, { 0.2 } }, dtype: ScalarType.Float64).requires_grad_(true);
        var sigma = torch.tensor(new double[,] { { 0.5 }, { 0.9 } }, dtype: ScalarType.Float64);
        double Kl(double m, double s) => 0.5 * (m * m + s * s - 1 - 2 * Math.Log(s));
        double far = Kl(1.5, 0.5), near = Kl(0.2, 0.9);
        Assert.True(far > 0.7 && near < 0.7, $"{far} {near}");
        var zero = torch.zeros(Array.Empty<long>(), dtype: ScalarType.Float64);
        var phi = torch.ones(D, 1, dtype: ScalarType.Float64);
        const long n = 10;
        const double beta = 3;
        var free = CollapsedLoss.Compute(zero, phi.log(), phi, 2, mean, sigma, zero, n, Alpha, beta, Gamma, freeBits: 0.7);
        var paper = CollapsedLoss.Compute(zero, phi.log(), phi, 2, mean, sigma, zero, n, Alpha, beta, Gamma);
        Assert.Equal(beta * n / 2 * (far + 0.7), free.Kl.item<double>(), 1e-12);
        Assert.Equal(beta * n / 2 * (far + near), paper.Kl.item<double>(), 1e-12);
        // Below λ a sample's position costs nothing: no gradient reaches its mean; above it, the paper's gradient β(N/B)μ.
        free.Kl.backward();
        var g = mean.grad!.data<double>().ToArray();
        Assert.Equal(beta * n / 2 * 1.5, g[0], 1e-12);
        Assert.Equal(0.0, g[1]);

        // The module built from the .dspec's defaults trains with it (CollapsedVaeModel.Evaluate's ELBO computes the true KL
        // itself, so free bits change the training loss only).
        using var module = new CollapsedVaeModule(decoder, factory.Defaults.Likelihood, factory.Defaults.Encoder, freeBits: factory.Defaults.FreeBits);
        using var plain = new CollapsedVaeModule(decoder, factory.Defaults.Likelihood, factory.Defaults.Encoder);
        module.to(ScalarType.Float64);
        plain.to(ScalarType.Float64);
        using (torch.no_grad())
            foreach (var (name, p) in plain.named_parameters()) p.copy_(module.get_parameter(name)!);
        var x = torch.tensor(new double[,] { { 0.3, -1.2, 2.0, 0.5 }, { -0.4, 0.9, 1.1, -2.2 } }, dtype: ScalarType.Float64);
        double Loss(CollapsedVaeModule m) { torch.manual_seed(1); return m.Loss(x, x, null, n, Alpha, beta, Gamma).Kl.item<double>(); }
        Assert.True(Loss(module) >= Loss(plain));
        Assert.True(Loss(module) >= beta * n / 2 * 2 * 0.7 - 1e-9, "every sample's KL counts at least λ");
    }

    [Theory]
    [MemberData(nameof(Likelihoods))]
    public void TheProductionLossMatchesEquations3To7ByHand(string likelihood)
    {
        Assert.True(LikelihoodVocabulary.TryParse(likelihood, out var kind), likelihood);
        bool isCount = LikelihoodVocabulary.Of(kind).IsCount;
        using var compiled = Compile(LossModel(likelihood));
        var factory = compiled.Model("LossCheck");
        // The settings reach the model: the likelihood, the encoder and α, β, γ declared in the .dspec.
        Assert.Equal(kind, factory.Defaults.Likelihood);
        Assert.Equal((Alpha, Beta, Gamma), (factory.Defaults.Alpha, factory.Defaults.Beta, factory.Defaults.Gamma));
        Assert.Equal(ActivationKind.Tanh, factory.Defaults.Encoder.Activation);

        using var scope = torch.NewDisposeScope();
        var decoder = (DerivativeDecoder)factory.Create(D, dtype: ScalarType.Float64);
        using var module = new CollapsedVaeModule(decoder, factory.Defaults.Likelihood, factory.Defaults.Encoder);
        module.to(ScalarType.Float64);
        var values = SetDeterministicParameters(module);

        double[,] x = DataFor(kind);
        var xt = torch.tensor(x, dtype: ScalarType.Float64);
        var encoderInput = isCount ? torch.log1p(xt) : xt;
        var logLibrary = isCount ? torch.tensor(Library.Select(l => Math.Log(l)).ToArray(), dtype: ScalarType.Float64) : null;
        const long seed = 20210;
        LossTerms Loss()
        {
            torch.manual_seed(seed);   // the same reparameterisation noise every time
            return module.Loss(xt, encoderInput, logLibrary, N, Alpha, Beta, Gamma);
        }

        // ε: the noise GaussianEncoder.Sample draws after this seed (randn_like of μ, [B, p] float64).
        torch.manual_seed(seed);
        double[] eps = torch.randn_like(torch.zeros(B, 1, dtype: ScalarType.Float64)).data<double>().ToArray();

        var hand = HandLoss(kind, decoder.Layout, values, x, isCount ? Library : null, eps);
        var terms = Loss();
        var got = terms.Stacked().data<double>().ToArray();
        string[] names = { "(3) reconstruction", "(4) Dirichlet", "(5) entropy", "(6) KL", "(7) prior" };
        for (int t = 0; t < 5; t++)
            Assert.True(Math.Abs(got[t] - hand[t]) <= 1e-12 * Math.Max(1, Math.Abs(hand[t])), $"{likelihood} {names[t]}: loss {got[t]:R}, by hand {hand[t]:R}");
        Assert.Equal(hand.Sum(), terms.Total().item<double>(), 1e-11 * Math.Max(1, Math.Abs(hand.Sum())));

        // Backward: every parameter gets a finite gradient, equal to the central difference of the same loss.
        terms.Total().backward();
        int checkedCount = 0;
        foreach (var (name, p) in module.named_parameters())
        {
            Assert.True(p.grad is not null, likelihood + ": no gradient for " + name);
            var grad = p.grad!.flatten().data<double>().ToArray();
            Assert.All(grad, g => Assert.True(double.IsFinite(g), $"{likelihood}: gradient of {name} is {g}"));
            var flat = p.detach().flatten();
            for (int i = 0; i < grad.Length; i++)
            {
                double orig = flat[i].item<double>();
                const double h = 1e-6;
                double Total(double v)
                {
                    using var _ = torch.no_grad();
                    flat[i].fill_(v);
                    return Loss().Total().item<double>();
                }
                double fd = (Total(orig + h) - Total(orig - h)) / (2 * h);
                Total(orig);
                Assert.True(Math.Abs(fd - grad[i]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{likelihood}: d loss / d {name}[{i}]: autograd {grad[i]:R}, central difference {fd:R}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount >= 40, $"{likelihood}: only {checkedCount} derivatives checked");
    }

    /// <summary>Sets every parameter of the module to fixed values (a smooth function of its name and position) and
    /// returns them by name, flattened.</summary>
    private static Dictionary<string, double[]> SetDeterministicParameters(CollapsedVaeModule module)
    {
        var values = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int k = 0;
        using var _ = torch.no_grad();
        foreach (var (name, p) in module.named_parameters())
        {
            k++;
            var v = new double[p.numel()];
            for (int i = 0; i < v.Length; i++) v[i] = 0.6 * Math.Sin(1.7 * i + 0.9 * k) + 0.1 * Math.Cos(0.3 * i * k);
            p.copy_(torch.tensor(v, dtype: ScalarType.Float64).reshape(p.shape));
            values[name] = v;
        }
        return values;
    }

    /// <summary>The five terms by hand, from the parameters' values, the data, the library sizes (counts) and ε.</summary>
    private static double[] HandLoss(LikelihoodKind kind, DecoderLayout layout, IReadOnlyDictionary<string, double[]> v,
        double[,] x, double[]? library, double[] eps)
    {
        // The decoder's family parameters, through its layout: per-feature ones are rows of decoder.feature_raw, per-latent
        // ones rows of decoder.latent_raw ([rows, P = 1, d]), in declaration order.
        double[] Raw(string family, string parameter)
        {
            int f = layout.Families.Select(q => q.Name).ToList().IndexOf(family);
            var specs = layout.Parameters;
            int index = Enumerable.Range(0, specs.Count).Single(i => specs[i].Family == f && specs[i].Name == parameter);
            var shape = specs[index].Shape;
            int row = Enumerable.Range(0, index).Count(i => specs[i].Shape == shape);
            var storage = v[shape == ParameterShape.Feature ? "decoder.feature_raw" : "decoder.latent_raw"];
            return storage.Skip(row * D).Take(D).ToArray();
        }
        double[] lineX0 = Raw("line", "x0"), a = Raw("line", "a"), waveX0 = Raw("wave", "x0");
        double[] s = Raw("wave", "s").Select(Hand.Softplus).ToArray();

        // Encoder [3] tanh: μ, σ = softplus(·) + 1e-4.
        double[] w0 = v["encoder.net.linear0.weight"], b0 = v["encoder.net.linear0.bias"];
        double[] w1 = v["encoder.net.out.weight"], b1 = v["encoder.net.out.bias"];
        var mu = new double[B];
        var sigma = new double[B];
        var z = new double[B];
        for (int i = 0; i < B; i++)
        {
            var hidden = new double[3];
            for (int u = 0; u < 3; u++)
            {
                double acc = b0[u];
                for (int j = 0; j < D; j++) acc += w0[u * D + j] * (library is null ? x[i, j] : Math.Log(1 + x[i, j]));
                hidden[u] = Math.Tanh(acc);
            }
            double m = b1[0], r = b1[1];
            for (int u = 0; u < 3; u++) { m += w1[u] * hidden[u]; r += w1[3 + u] * hidden[u]; }
            mu[i] = m;
            sigma[i] = Hand.Softplus(r) + 1e-4;
            z[i] = mu[i] + sigma[i] * eps[i];
        }

        // φ = softmax(ξ) per feature.
        double[] xi = v["xi"];
        var phi = new double[D, K];
        for (int j = 0; j < D; j++)
        {
            double e0 = Math.Exp(xi[j * K]), e1 = Math.Exp(xi[j * K + 1]);
            phi[j, 0] = e0 / (e0 + e1);
            phi[j, 1] = e1 / (e0 + e1);
        }

        // (3): −(N/B) Σ_i Σ_j Σ_k φ_jk log p(x_ij | z_i, w_j = k).
        double expected = 0;
        for (int i = 0; i < B; i++)
            for (int j = 0; j < D; j++)
            {
                double offset = library is null ? 0 : Math.Log(library[i]);
                double line = lineX0[j] + a[j] * z[i];
                double wave = waveX0[j] + s[j] * Math.Tanh(z[i]);
                expected += phi[j, 0] * LogLikelihood(kind, x[i, j], line + offset, j, z[i], v)
                          + phi[j, 1] * LogLikelihood(kind, x[i, j], wave + offset, j, z[i], v);
            }
        double reconstruction = -(double)N / B * expected;

        // (4): −γ (log B(n + α) − log B(α)), n_k = Σ_j φ_jk, log B(a) = Σ_k log Γ(a_k) − log Γ(Σ_k a_k).
        var n = new double[K];
        for (int j = 0; j < D; j++) for (int k = 0; k < K; k++) n[k] += phi[j, k];
        double LogBeta(double[] c) => c.Sum(Hand.LnGamma) - Hand.LnGamma(c.Sum());
        double dirichlet = -Gamma * (LogBeta(n.Select(q => q + Alpha).ToArray()) - LogBeta(Enumerable.Repeat(Alpha, K).ToArray()));

        // (5): γ Σ_jk φ_jk log φ_jk.
        double entropy = 0;
        for (int j = 0; j < D; j++) for (int k = 0; k < K; k++) entropy += phi[j, k] * Math.Log(phi[j, k]);
        entropy *= Gamma;

        // (6): β (N/B) Σ_i KL(N(μ_i, σ_i²) ‖ N(0, 1)).
        double kl = 0;
        for (int i = 0; i < B; i++) kl += 0.5 * (mu[i] * mu[i] + sigma[i] * sigma[i] - 1 - 2 * Math.Log(sigma[i]));
        kl *= Beta * N / B;

        // (7): −Σ log p(θ) of the MAP parameters: a ~ N(0.5, 2²), wave.x0 ~ N(−0.5, 1.5²), s ~ Gamma(2, 3).
        double logPrior = 0;
        for (int j = 0; j < D; j++)
            logPrior += Hand.LogNormal(a[j], 0.5, 2) + Hand.LogNormal(waveX0[j], -0.5, 1.5) + Hand.LogGammaDensity(s[j], 2, 3);

        return new[] { reconstruction, dirichlet, entropy, kl, -logPrior };
    }

    // ------------------------------------------------------------------------------------------------------------
    // Activations: the derivative network and the encoder through generated code.

    [Theory]
    [MemberData(nameof(Activations))]
    public void EveryActivationRunsInTheGeneratedNetworkAndTheEncoder(string activation)
    {
        Assert.True(ActivationVocabulary.TryParse(activation, out var kind), activation);
        using var compiled = Compile($$"""
            model Act {
              net [3] {{activation}}
              encoder [5] {{activation}}
              family up increasing: dx/dz = softplus(net)
            }
            """);
        var factory = compiled.Model("Act");
        Assert.Equal(kind, factory.Layout.DerivativeNet.Activation);
        Assert.Equal(kind, factory.Defaults.Encoder.Activation);

        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var decoder = (DerivativeDecoder)factory.Create(2, dtype: ScalarType.Float64);
        using var module = new CollapsedVaeModule(decoder, factory.Defaults.Likelihood, factory.Defaults.Encoder);
        module.to(ScalarType.Float64);
        using (torch.no_grad()) foreach (var p in module.parameters()) p.copy_(torch.randn_like(p));   // inputs beyond ±1

        // The derivative network at τ, by hand: net(τ) = W1ᵀ act(w0 τ + b0) + b1 (P = 1 group).
        double[] taus = { -2.5, -0.7, 0.0, 0.4, 1.9 };
        var net = decoder.DerivativeNetwork(torch.tensor(taus, dtype: ScalarType.Float64).reshape(1, 1, taus.Length));   // [1, 1, 1, m, d]
        double[] w0 = Values(decoder, "net_w0"), b0 = Values(decoder, "net_b0"), w1 = Values(decoder, "net_w1"), b1 = Values(decoder, "net_b1");
        for (int m = 0; m < taus.Length; m++)
            for (int j = 0; j < 2; j++)
            {
                double acc = b1[j];
                for (int u = 0; u < 3; u++) acc += w1[u * 2 + j] * Hand.Activate(kind, w0[u] * taus[m] + b0[u]);
                Assert.Equal(acc, net[0, 0, 0, m, j].item<double>(), 1e-12);
            }

        // The encoder, by hand: μ = W1 act(W0 x + b0) + b1 (first output), σ = softplus(second output) + 1e-4.
        double[,] x = { { 0.3, -1.2 }, { 2.0, 0.5 } };
        var (mu, sigma) = module.Encoder.forward(torch.tensor(x, dtype: ScalarType.Float64));
        double[] e0 = Values(module, "encoder.net.linear0.weight"), c0 = Values(module, "encoder.net.linear0.bias");
        double[] e1 = Values(module, "encoder.net.out.weight"), c1 = Values(module, "encoder.net.out.bias");
        for (int i = 0; i < 2; i++)
        {
            double m = c1[0], r = c1[1];
            for (int u = 0; u < 5; u++)
            {
                double h = Hand.Activate(kind, c0[u] + e0[u * 2] * x[i, 0] + e0[u * 2 + 1] * x[i, 1]);
                m += e1[u] * h;
                r += e1[5 + u] * h;
            }
            Assert.Equal(m, mu[i, 0].item<double>(), 1e-12);
            Assert.Equal(Hand.Softplus(r) + 1e-4, sigma[i, 0].item<double>(), 1e-12);
        }

        // Forward, loss, backward: finite, and the activation's derivative reaches the first layers.
        var xt = torch.tensor(x, dtype: ScalarType.Float64);
        torch.manual_seed(4);
        var total = module.Loss(xt, xt, null, 2, 0.1, 1, 1).Total();
        Assert.True(double.IsFinite(total.item<double>()), activation + ": loss " + total.item<double>());
        total.backward();
        foreach (var (name, p) in module.named_parameters())
            Assert.True(p.grad is not null && p.grad.isfinite().all().item<bool>(), activation + ": gradient of " + name);
        Assert.True(decoder.get_parameter("net_w0")!.grad!.abs().sum().item<double>() > 0, activation + ": no gradient through the network's activation");
        Assert.True(Values(module, "encoder.net.linear0.weight", grad: true).Any(g => g != 0), activation + ": no gradient through the encoder's activation");
    }

    private static double[] Values(nn.Module module, string name, bool grad = false)
    {
        var p = module.named_parameters().Single(q => q.name == name).parameter;
        return (grad ? p.grad! : p).detach().flatten().data<double>().ToArray();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Priors: term (7) through generated code.

    [Theory]
    [MemberData(nameof(Priors))]
    public void EveryPriorEntersTermSevenThroughGeneratedCode(string prior)
    {
        Assert.True(L.PriorVocabulary.TryParse(prior, out var kind), prior);
        var info = L.PriorVocabulary.Of(kind);
        double[] args = info.Arity == 1 ? new[] { 1.7 } : new[] { 1.7, 0.8 };
        Assert.True(info.ValidArguments(args[0], args.Length > 1 ? args[1] : 0), prior);
        string constraint = info.PositiveSupport ? " > 0" : "";
        using var compiled = Compile($$"""
            model Pri {
              family f {
                param k{{constraint}} ~ {{prior}}({{string.Join(", ", args.Select(F))}}) init 0.7
                x = k * z
              }
            }
            """);
        var factory = compiled.Model("Pri");
        using var scope = torch.NewDisposeScope();
        var decoder = (DerivativeDecoder)factory.Create(3, dtype: ScalarType.Float64);
        int index = Enumerable.Range(0, decoder.Layout.Parameters.Count).Single(i => decoder.Layout.Parameters[i].Name == "k");
        double Value(double raw) => info.PositiveSupport ? Hand.Softplus(raw) : raw;
        double LogDensity(double v) => kind switch
        {
            L.ParameterPriorKind.None => throw new ArgumentException("no density", nameof(prior)),
            L.ParameterPriorKind.Normal => Hand.LogNormal(v, args[0], args[1]),
            L.ParameterPriorKind.Gamma => Hand.LogGammaDensity(v, args[0], args[1]),
            L.ParameterPriorKind.LogNormal => -Math.Log(v) + Hand.LogNormal(Math.Log(v), args[0], args[1]),
            L.ParameterPriorKind.HalfNormal => Math.Log(2) + Hand.LogNormal(v, 0, args[0]),
            L.ParameterPriorKind.Exponential => Math.Log(args[0]) - args[0] * v,
        };

        // At the declared init every feature's value is 0.7.
        Assert.Equal(3 * LogDensity(0.7), decoder.LogPrior().item<double>(), 1e-12);

        // At three other values, through the module's loss: term (7) = −Σ log p, and its gradient.
        double[] raw = { -0.4, 0.35, 1.2 };
        using (torch.no_grad()) decoder.RawParameter(index).copy_(torch.tensor(raw, dtype: ScalarType.Float64));
        using var module = new CollapsedVaeModule(decoder, factory.Defaults.Likelihood, factory.Defaults.Encoder);
        module.to(ScalarType.Float64);
        var xt = torch.tensor(new double[,] { { 0.3, -1.2, 0.8 }, { 1.0, 0.1, -0.5 } }, dtype: ScalarType.Float64);
        torch.manual_seed(6);
        var terms = module.Loss(xt, xt, null, 2, 0.1, 1, 1);
        double expected = -raw.Sum(r => LogDensity(Value(r)));
        Assert.Equal(expected, terms.Prior.item<double>(), 1e-12 * Math.Max(1, Math.Abs(expected)));
        // d(7) / d raw against the central difference of −log p(value(raw)) by hand.
        var fromPrior = torch.autograd.grad(new[] { terms.Prior }, new[] { decoder.get_parameter("latent_raw")! }, retain_graph: true)[0];
        var g = fromPrior.select(0, 0).flatten().data<double>().ToArray();   // k is the only per-latent parameter: row 0
        for (int j = 0; j < 3; j++)
        {
            const double h = 1e-6;
            double fd = -(LogDensity(Value(raw[j] + h)) - LogDensity(Value(raw[j] - h))) / (2 * h);
            Assert.True(Math.Abs(fd - g[j]) <= 1e-6 * Math.Max(1, Math.Abs(fd)), $"{prior}: d(7)/d raw[{j}]: autograd {g[j]:R}, by hand {fd:R}");
        }
        // The whole loss backward: every parameter gets a finite gradient.
        terms.Total().backward();
        foreach (var (name, p) in module.named_parameters())
            Assert.True(p.grad is not null && p.grad.isfinite().all().item<bool>(), prior + ": gradient of " + name);
    }

    // ------------------------------------------------------------------------------------------------------------

    [Fact]
    public void TheHandFormulasAreRight()
    {
        // log Γ against exact values, log NB against its pmf summed to 1, the activations at known points.
        Assert.Equal(0.5 * Math.Log(Math.PI), Hand.LnGamma(0.5), 1e-14);
        Assert.Equal(Math.Log(24), Hand.LnGamma(5), 1e-13);
        Assert.Equal(Math.Log(0.75 * Math.Sqrt(Math.PI)), Hand.LnGamma(2.5), 1e-14);
        Assert.Equal(Math.Log(3628800.0), Hand.LogFactorial(10), 1e-12);
        double total = 0;
        for (int c = 0; c < 2000; c++) total += Math.Exp(Hand.LogNegativeBinomial(c, 3.5, 0.8));
        Assert.Equal(1.0, total, 1e-12);
        Assert.Equal(Math.Log(2), Hand.Softplus(0), 1e-15);
        Assert.Equal(0.5, Hand.Sigmoid(0), 1e-15);
        Assert.Equal(0.8413447460685429 * 1.0, Hand.Activate(ActivationKind.Gelu, 1.0), 1e-15);   // Φ(1)
        Assert.Equal(Math.Exp(-1) - 1, Hand.Activate(ActivationKind.Elu, -1.0), 1e-15);
        Assert.Equal(3 * 0.9986501019683699, Hand.Activate(ActivationKind.Gelu, 3.0), 1e-15);   // 3 Φ(3), the continued fraction
        Assert.Equal(-3 * 0.0013498980316301, Hand.Activate(ActivationKind.Gelu, -3.0), 1e-15);
    }

    /// <summary>The formulas of the hand computations, in plain doubles.</summary>
    private static class Hand
    {
        public static double Softplus(double v) => v > 0 ? v + Math.Log(1 + Math.Exp(-v)) : Math.Log(1 + Math.Exp(v));

        public static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

        /// <summary>log Γ(x), x &gt; 0: the recurrence up to x ≥ 15, then Stirling's series to the x⁻⁹ term (error ~1e-16).</summary>
        public static double LnGamma(double x)
        {
            double shift = 0;
            while (x < 15) { shift += Math.Log(x); x += 1; }
            double x2 = x * x;
            double series = 1 / (12 * x) - 1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2) - 1 / (1680 * x * x2 * x2 * x2) + 1 / (1188 * x * x2 * x2 * x2 * x2);
            return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + series - shift;
        }

        public static double LogFactorial(double x)
        {
            double s = 0;
            for (int m = 2; m <= x; m++) s += Math.Log(m);
            return s;
        }

        /// <summary>log NB(x | mean μ, inverse dispersion θ) = log[Γ(x+θ) / (Γ(θ) x!)] + θ log(θ/(θ+μ)) + x log(μ/(θ+μ)), with
        /// Γ(x+θ)/Γ(θ) = Π_{m&lt;x} (m + θ) for integer x.</summary>
        public static double LogNegativeBinomial(double x, double mu, double theta)
        {
            double rising = 0;
            for (int m = 0; m < x; m++) rising += Math.Log(m + theta);
            return rising - LogFactorial(x) + theta * Math.Log(theta / (theta + mu)) + x * Math.Log(mu / (theta + mu));
        }

        public static double LogNormal(double v, double mean, double sd) =>
            -0.5 * Math.Pow((v - mean) / sd, 2) - Math.Log(sd) - 0.5 * Math.Log(2 * Math.PI);

        public static double LogGammaDensity(double v, double shape, double rate) =>
            shape * Math.Log(rate) - LnGamma(shape) + (shape - 1) * Math.Log(v) - rate * v;

        public static double Activate(ActivationKind kind, double v) => kind switch
        {
            ActivationKind.Tanh => Math.Tanh(v),
            ActivationKind.Relu => Math.Max(0, v),
            ActivationKind.Softplus => Softplus(v),
            ActivationKind.Sigmoid => Sigmoid(v),
            ActivationKind.Elu => v > 0 ? v : Math.Exp(v) - 1,
            ActivationKind.Gelu => v * 0.5 * (1 + Erf(v / Math.Sqrt(2))),
        };

        /// <summary>erf: its Maclaurin series for |v| &lt; 2, else 1 − erfc by the continued fraction
        /// erfc(v) = e^(−v²)/√π · 1/(v + (1/2)/(v + 1/(v + (3/2)/(v + …)))).</summary>
        private static double Erf(double v)
        {
            if (v < 0) return -Erf(-v);
            if (v >= 2)
            {
                double fraction = v;
                for (int n = 300; n >= 1; n--) fraction = v + n / 2.0 / fraction;
                return 1 - Math.Exp(-v * v) / Math.Sqrt(Math.PI) / fraction;
            }
            double sum = 0, term = v;   // term = (−1)ⁿ v^(2n+1) / n!
            for (int n = 0; n < 200; n++)
            {
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.Abs(t) < 1e-17 * Math.Abs(sum)) break;
                term *= -v * v / (n + 1);
            }
            return 2 / Math.Sqrt(Math.PI) * sum;
        }
    }
}

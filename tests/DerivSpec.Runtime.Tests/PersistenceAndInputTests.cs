using System;
using System.IO;
using System.Linq;
using DerivSpec.Data;
using DerivSpec.Runtime.Likelihoods;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Tests.Models;
using DerivSpec.Runtime.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Tests;

[Collection("torch-global-state")]
public class PersistenceAndInputTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "dspec-rt-" + Guid.NewGuid().ToString("N"));

    public PersistenceAndInputTests() => Directory.CreateDirectory(dir);
    public void Dispose() { try { Directory.Delete(dir, true); } catch (IOException) { } }

    private static readonly string RiseFallId = RiseFall.DeclaredSpecIdentity;

    private static BasisDeVAE Make(FamilyDecoder decoder, long seed = 1, LikelihoodKind lik = LikelihoodKind.Gaussian) =>
        new(decoder, ModelDefaults.Paper with { Likelihood = lik }, new ModelOptions { Seed = seed });

    private static BasisDeVAE Make(int d, long seed = 1, LikelihoodKind lik = LikelihoodKind.Gaussian) => Make(RiseFall.Create(d), seed, lik);

    private (BasisDeVAE Model, TrainingData Data, string Path) Trained()
    {
        var (x, _, _) = Synthetic.RiseFall(64, 2, 0.1, 1);
        var data = TestData.Of(x, new[] { "a", "b", "c", "d" });
        var m = Make(4);
        m.Train(data, new TrainOptions { Epochs = 3, Seed = 1, Device = "cpu" });
        string path = Path.Combine(dir, "m.dspecmodel");
        m.Save(path);
        return (m, data, path);
    }

    [Fact]
    public void SaveLoadRoundTripsParametersHistoryAndContract()
    {
        var (m, data, path) = Trained();
        using var _m = m;
        using var fresh = Make(4, seed: 99);
        Assert.NotEqual(m.Latent(data)[0, 0], fresh.Latent(data)[0, 0]);
        fresh.Load(path);
        Assert.Equal(m.Latent(data), fresh.Latent(data));
        Assert.Equal(m.FamilyProbabilities(), fresh.FamilyProbabilities());
        Assert.Equal(new[] { "a", "b", "c", "d" }, fresh.FeatureNames);
        Assert.Equal(3, fresh.History.Count);
        Assert.Equal(m.History[^1], fresh.History[^1]);
        Assert.True(fresh.IsTrained);
        var header = ModelFile.ReadHeader(path);
        Assert.Equal("BasisDeVAE", header.ModelName);
        Assert.Equal(new[] { RiseFall.Families.IncreasingName, RiseFall.Families.DecreasingName }, header.FamilyNames);
        Assert.StartsWith("sha256:", RiseFallId, StringComparison.Ordinal);
        Assert.Equal(RiseFallId, header.SpecIdentity);
        Assert.Equal("RiseFall", header.SpecName);
        Assert.Equal(4, header.Features);
        Assert.Equal(LikelihoodKind.Gaussian, header.Likelihood);
        Assert.Single(Directory.GetFiles(dir));   // no temp file left behind
        m.Save(path);                             // overwrite in place
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void ModelFilesStoreVocabularyNamesNotEnumNumbers()
    {
        var (m, data, path) = Trained();
        m.Dispose();
        byte[] all = File.ReadAllBytes(path);
        int hlen = BitConverter.ToInt32(all, 12);
        string header = System.Text.Encoding.UTF8.GetString(all, 16, hlen);
        Assert.Contains("\"Likelihood\":\"gaussian\"", header);
        Assert.Contains("\"Format\":\"DerivSpec.Model/3\"", header);
        Assert.Contains("\"SpecIdentity\":\"" + RiseFallId + "\"", header);

        // A header with the likelihood as a number (what format 1 stored) is refused, not read by position.
        string numeric = header.Replace("\"Likelihood\":\"gaussian\"", "\"Likelihood\":0");
        File.WriteAllBytes(path, Rewrap(all, 3, System.Text.Encoding.UTF8.GetBytes(numeric)));
        var e = Assert.Throws<ModelFileException>(() => ModelFile.ReadHeader(path));
        Assert.Contains("the likelihood must be stored as a name (gaussian, poisson, nb, zinb, bernoulli)", e.Message);

        // A format-1 file gets a message that says what to do.
        File.WriteAllBytes(path, Rewrap(all, 1, System.Text.Encoding.UTF8.GetBytes(header)));
        e = Assert.Throws<ModelFileException>(() => ModelFile.ReadHeader(path));
        Assert.Contains("format version 1, which stored the likelihood as an enum number", e.Message);
    }

    [Fact]
    public void AFormat2FileHasNoSpecIdentityAndLoadsOnlyWithTheCheckOff()
    {
        var (m, data, path) = Trained();
        byte[] all = File.ReadAllBytes(path);
        int hlen = BitConverter.ToInt32(all, 12);
        string header = System.Text.Encoding.UTF8.GetString(all, 16, hlen);
        // What format 2 wrote: its own tag and a (caller-supplied, usually empty) SpecHash instead of name and identity.
        string v2 = header.Replace("\"Format\":\"DerivSpec.Model/3\"", "\"Format\":\"DerivSpec.Model/2\"")
            .Replace("\"SpecName\":\"RiseFall\",\"SpecIdentity\":\"" + RiseFallId + "\"", "\"SpecHash\":\"\"");
        Assert.NotEqual(header, v2);
        Assert.DoesNotContain("SpecIdentity", v2);
        File.WriteAllBytes(path, Rewrap(all, 2, System.Text.Encoding.UTF8.GetBytes(v2)));
        Assert.Null(ModelFile.ReadHeader(path).SpecIdentity);
        using var fresh = Make(4, seed: 99);
        var e = Assert.Throws<ModelFileException>(() => fresh.Load(path));
        Assert.Contains("saved before spec identities were recorded (format version 2)", e.Message);
        Assert.Contains("'RiseFall' (" + RiseFallId + ")", e.Message);
        Assert.Contains("checkSpecIdentity: false", e.Message);
        fresh.Load(path, checkSpecIdentity: false);
        Assert.Equal(m.Latent(data), fresh.Latent(data));
        m.Dispose();
        // A format-3 header claiming format 2's tag (or the reverse) is corrupt.
        File.WriteAllBytes(path, Rewrap(all, 2, System.Text.Encoding.UTF8.GetBytes(header)));
        Assert.Contains("unknown format tag 'DerivSpec.Model/3' for format version 2", Assert.Throws<ModelFileException>(() => ModelFile.ReadHeader(path)).Message);
    }

    /// <summary>The file <paramref name="all"/> with another version and header (payload kept, checksum recomputed).</summary>
    private static byte[] Rewrap(byte[] all, int version, byte[] header)
    {
        int hlen = BitConverter.ToInt32(all, 12);
        long plen = BitConverter.ToInt64(all, 16 + hlen);
        var payload = all.AsSpan(24 + hlen, (int)plen).ToArray();
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            w.Write(all.AsSpan(0, 8));
            w.Write(version);
            w.Write(header.Length);
            w.Write(header);
            w.Write((long)payload.Length);
            w.Write(payload);
            w.Write(System.Security.Cryptography.SHA256.HashData(header.Concat(payload).ToArray()));
        }
        return ms.ToArray();
    }

    [Fact]
    public void MismatchedModelIsAClearError()
    {
        var (m, data, path) = Trained();
        m.Dispose();
        string steepId = RiseFallSteep.DeclaredSpecIdentity;
        Assert.NotEqual(RiseFallId, steepId);
        using (var other = Make(RiseFallSteep.Create(4)))
        {
            // Same family names and parameter shapes, another .dspec: only the spec identity tells them apart.
            var e = Assert.Throws<ModelFileException>(() => other.Load(path));
            Assert.Contains($"was saved from specification 'RiseFall' ({RiseFallId}), but this model's decoder implements 'RiseFallSteep' ({steepId})", e.Message);
            Assert.Contains("checkSpecIdentity: false", e.Message);
            Assert.DoesNotContain("also differs", e.Message);
            other.Load(path, checkSpecIdentity: false);   // same shapes: loads when asked to
        }
        using (var other = new BasisVAE(4, 2, ModelDefaults.Paper))
            Assert.Contains($"this model's decoder implements '{other.Decoder.SpecName}' (no spec identity)", Assert.Throws<ModelFileException>(() => other.Load(path)).Message);
        using (var other = Make(RiseFallSteep.Create(5)))
        {
            // The identity comes first; the other differences are listed too, and stay checked without it.
            var e = Assert.Throws<ModelFileException>(() => other.Load(path));
            Assert.Contains("It also differs in: 4 features (this model: 5)", e.Message);
            Assert.Contains("4 features (this model: 5)", Assert.Throws<ModelFileException>(() => other.Load(path, checkSpecIdentity: false)).Message);
        }
        using (var other = Make(5))
            Assert.Contains("4 features (this model: 5)", Assert.Throws<ModelFileException>(() => other.Load(path)).Message);
        using (var other = Make(FallRise.Create(4)))
        {
            Assert.Contains("It also differs in: families [increasing, decreasing] (this model: [decreasing, increasing])", Assert.Throws<ModelFileException>(() => other.Load(path)).Message);
            Assert.Contains("families [increasing, decreasing]", Assert.Throws<ModelFileException>(() => other.Load(path, checkSpecIdentity: false)).Message);
        }
        using (var other = Make(4, lik: LikelihoodKind.Poisson))
            Assert.Contains("Gaussian likelihood (this model: Poisson)", Assert.Throws<ModelFileException>(() => other.Load(path)).Message);
        using (var other = new DeVAE(Rise.Create(4), ModelDefaults.Paper))
            Assert.Contains("model kind BasisDeVAE (this model: DeVAE)", Assert.Throws<ModelFileException>(() => other.Load(path, checkSpecIdentity: false)).Message);
    }

    [Fact]
    public void CorruptFilesAreClearErrors()
    {
        var (m, _, path) = Trained();
        var bytes = File.ReadAllBytes(path);
        string p1 = Path.Combine(dir, "flipped");
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length - 100] ^= 0x40;
        File.WriteAllBytes(p1, flipped);
        Assert.Contains("checksum", Assert.Throws<ModelFileException>(() => m.Load(p1)).Message);
        string p2 = Path.Combine(dir, "truncated");
        File.WriteAllBytes(p2, bytes.Take(bytes.Length / 2).ToArray());
        Assert.Contains("corrupt", Assert.Throws<ModelFileException>(() => m.Load(p2)).Message);
        string p3 = Path.Combine(dir, "text");
        File.WriteAllText(p3, "hello world, not a model");
        Assert.Contains("not a DerivSpec model file", Assert.Throws<ModelFileException>(() => m.Load(p3)).Message);
        Assert.Contains("Cannot read", Assert.Throws<ModelFileException>(() => m.Load(Path.Combine(dir, "missing"))).Message);
        // The model is unchanged by failed loads and the original still loads.
        m.Load(path);
        m.Dispose();
    }

    [Fact]
    public void BadInputNamesCellAndGene()
    {
        // The container's own checks are tested in DerivSpec.Data.Tests; here: the model validates what it trains on,
        // against its likelihood's support and its feature count, and names the offending cell and gene.
        var x = new double[3, 4];
        x[2, 1] = double.NaN;
        using var m = Make(4);
        var ex = Assert.Throws<DataValidationException>(() => m.Train(AnnData.FromArray(x), new TrainOptions { Epochs = 1 }));
        Assert.Contains("cell 'cell_3' (row 2), gene 'feature_2' (column 1)", ex.Message);
        Assert.Equal(2, ex.Row); Assert.Equal(1, ex.Column);
        x[2, 1] = 0; x[0, 3] = double.PositiveInfinity;
        Assert.Contains("gene 'g4' (column 3)", Assert.Throws<DataValidationException>(() =>
            m.Latent(AnnData.FromArray(x, varNames: new[] { "g1", "g2", "g3", "g4" }))).Message);
        var good = new double[3, 5];
        Assert.Contains("5 variables (genes, columns) but the model expects 4",
            Assert.Throws<DataValidationException>(() => m.Train(AnnData.FromArray(good), new TrainOptions { Epochs = 1 })).Message);
        Assert.Contains("5 variables", Assert.Throws<DataValidationException>(() => m.Latent(AnnData.FromArray(good))).Message);
        Assert.Contains("5 variables", Assert.Throws<DataValidationException>(() => m.Evaluate(AnnData.FromArray(good))).Message);
    }

    [Fact]
    public void EachLikelihoodChecksItsSupport()
    {
        Assert.Equal(ValueSupport.Real, Likelihood.SupportOf(LikelihoodKind.Gaussian));
        Assert.Equal(ValueSupport.Binary, Likelihood.SupportOf(LikelihoodKind.Bernoulli));
        var x = new double[,] { { 0, 1, 2 }, { 3, -1, 0 } };
        foreach (var k in new[] { LikelihoodKind.Poisson, LikelihoodKind.NegativeBinomial, LikelihoodKind.ZeroInflatedNegativeBinomial })
        {
            Assert.Equal(ValueSupport.Counts, Likelihood.SupportOf(k));
            var ex = Assert.Throws<DataValidationException>(() => AnnData.FromArray(x).Validate(Likelihood.SupportOf(k), 3));
            Assert.Contains("(row 1), gene 'feature_2' (column 1)", ex.Message);
            Assert.Contains("negative", ex.Message);
        }
        var y = new double[,] { { 0, 1, 2.5 } };
        Assert.Contains("2.5 is not an integer", Assert.Throws<DataValidationException>(() => AnnData.FromArray(y).Validate(Likelihood.SupportOf(LikelihoodKind.Poisson), 3)).Message);
        AnnData.FromArray(y).Validate(Likelihood.SupportOf(LikelihoodKind.Gaussian), 3);   // fine for Gaussian
        Assert.Contains("neither 0 nor 1", Assert.Throws<DataValidationException>(() =>
            AnnData.FromArray(new double[,] { { 0, 1, 1 }, { 1, 0, 2 } }).Validate(Likelihood.SupportOf(LikelihoodKind.Bernoulli), 3)).Message);
    }

    [Fact]
    public void ResultsApiShapesAndTestLogLikelihoodByHand()
    {
        // K = 1 Gaussian: log p(X|Z,θ*) = Σ_ij log N(x_ij | f_j(μ_i), σ_j) — recomputed on the host from the public getters.
        var (x, _, _) = Synthetic.RiseFall(40, 2, 0.1, 3);
        var data = TestData.Of(x);
        using var m = new DeVAE(Rise.Create(4), ModelDefaults.Paper, new ModelOptions { Seed = 3, Dtype = ScalarType.Float64 });
        m.Train(data, new TrainOptions { Epochs = 2, Seed = 3, Device = "cpu" });
        var z = m.Latent(data);
        Assert.Equal(new[] { 40, 1 }, new[] { z.GetLength(0), z.GetLength(1) });
        var zz = new double[40, 1];
        Array.Copy(z, zz, 40);
        var curves = m.FittedCurves(zz);                                  // [40, 1, 4]
        var sigma = ((Likelihoods.GaussianLikelihood)m.Module.Likelihood).Sigma().data<double>().ToArray();
        double ll = 0;
        for (int i = 0; i < 40; i++) for (int j = 0; j < 4; j++)
            ll += -0.5 * Math.Pow(((float)x[i, j] - curves[i, 0, j]) / sigma[j], 2) - Math.Log(sigma[j]) - 0.5 * Math.Log(2 * Math.PI);   // the container holds float32
        var ev = m.Evaluate(data);
        Assert.Equal(ll, ev.LogLikelihood, 8);
        Assert.Equal(ev.LogLikelihood, m.Evaluate(data, batchSize: 7).LogLikelihood, 8);   // batching does not change the sum
        Assert.Equal(40, ev.Samples);
        Assert.True(double.IsFinite(ev.Elbo));
        var grid = CollapsedVaeModel.Grid(-2, 2, 9);
        var c = m.FittedCurves(grid, meanScale: true);
        Assert.Equal(new[] { 9, 1, 4 }, new[] { c.GetLength(0), c.GetLength(1), c.GetLength(2) });
        for (int g = 1; g < 9; g++) Assert.True(c[g, 0, 0] > c[g - 1, 0, 0]);   // increasing family
        Assert.Equal(new[] { 0, 0, 0, 0 }, m.Assignments());
        Assert.All(m.FamilyProbabilities().Cast<double>(), p => Assert.Equal(1.0, p, 12));
        Assert.Contains("DeVAE", m.ToString());
    }

    [Fact]
    public void ElboWithOneFamilyMatchesItsDefinition()
    {
        // K = 1: terms (4) and (5) vanish (n = d, log B(d+α) − log B(α) with K = 1 is 0), so ELBO = E log p − KL.
        var (x, _, _) = Synthetic.RiseFall(30, 2, 0.1, 4);
        var data = TestData.Of(x);
        using var m = new DeVAE(Rise.Create(4), ModelDefaults.Paper, new ModelOptions { Seed = 4, Dtype = ScalarType.Float64 });
        torch.manual_seed(5);
        var e1 = m.Evaluate(data, elboSamples: 50);
        // Same draws by hand through the module's loss with β = γ = 1 (scale N/B = 1 with a single full batch).
        torch.manual_seed(5);
        double byHand;
        using (torch.no_grad())
        {
            // the data as the model sees them: float32 values (the container's precision) in the model's float64
            using var xt = torch.tensor(x, dtype: ScalarType.Float64).to(ScalarType.Float32).to(ScalarType.Float64);
            var (mu, sd) = m.Module.Encoder.forward(xt);
            double recon = 0;
            for (int s = 0; s < 50; s++)
            {
                var zs = GaussianEncoder.Sample(mu, sd);
                recon += m.Module.Likelihood.LogProb(xt, m.Decoder.forward(zs), zs, null).sum().item<double>() / 50;
            }
            byHand = recon - GaussianEncoder.KlToStandardNormal(mu, sd).sum().item<double>();
        }
        Assert.Equal(byHand, e1.Elbo, 8);
    }

    [Fact]
    public void LatentFlipComparesUpToTheSignOfZ()
    {
        var flip = new LatentFlip(("increasing", "decreasing"));
        Assert.Equal("decreasing", flip.Apply("increasing"));
        Assert.Equal("transient", flip.Apply("transient"));
        var truth = new[] { "increasing", "decreasing", "transient", "increasing" };
        Assert.Equal((false, 1.0), flip.Compare(truth, truth));
        Assert.Equal((true, 1.0), flip.Compare(new[] { "decreasing", "increasing", "transient", "decreasing" }, truth));
        Assert.Equal((true, 0.75), flip.Compare(new[] { "decreasing", "increasing", "transient", "transient" }, truth));
        Assert.Throws<ArgumentException>(() => new LatentFlip(("a", "b"), ("b", "c")));
        var curves = new double[3, 1, 1] { { { 1 } }, { { 2 } }, { { 5 } } };
        var f = LatentFlip.FlipCurves(curves);
        Assert.Equal(5, f[0, 0, 0]); Assert.Equal(1, f[2, 0, 0]);
    }
}

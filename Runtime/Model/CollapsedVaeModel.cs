using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using DerivSpec.Data;
using DerivSpec.Runtime.Likelihoods;
using DerivSpec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model;

/// <summary>Construction options shared by all models.</summary>
public sealed record ModelOptions
{
    /// <summary>Floating dtype of the model (float32 default; float64 for checks).</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>
    /// Initialises every parameter at construction from this seed alone — the decoder's (a generated decoder's derivative
    /// network and family parameters, though the caller created it), the encoder's, the likelihood's and ξ — with a
    /// local generator (<see cref="CollapsedVaeModule.ResetParameters"/>; torch's global generators are not touched).
    /// null = keep the values the modules were created with; a first <c>Train</c> with <see cref="TrainOptions.Seed"/>
    /// then initialises them from that seed instead.
    /// </summary>
    public long? Seed { get; init; }
}

/// <summary>Test-set evaluation.</summary>
/// <param name="Samples">N of the evaluated data.</param>
/// <param name="LogLikelihood">log p(X | Z, θ*) with Z the posterior means and w marginalised under q(w): Σ_i Σ_j log Σ_k φ_jk p(x_ij | z_i, k).</param>
/// <param name="Elbo">Evidence lower bound: Σ_i (E_q(z)E_q(w) log p(x_i|z_i,w) − KL(q(z_i|x_i)‖N(0,I))) − KL-terms (4)+(5) of q(w) with β = γ = 1; the MAP prior term (7) is excluded.</param>
public sealed record Evaluation(long Samples, double LogLikelihood, double Elbo)
{
    /// <summary>Log-likelihood per sample.</summary>
    public double LogLikelihoodPerSample => LogLikelihood / Samples;

    /// <summary>ELBO per sample.</summary>
    public double ElboPerSample => Elbo / Samples;
}

/// <summary>
/// A collapsed-VI VAE (BasisDeVAE, DeVAE, BasisVAE, VAE, linear VAE share this): construct, <see cref="Train"/>, then read
/// <see cref="Latent"/>, <see cref="FamilyProbabilities"/>, <see cref="Assignments"/>, <see cref="FittedCurves(double[], bool)"/>,
/// <see cref="Evaluate"/>, <see cref="History"/>; <see cref="Save(string)"/>/<see cref="Load"/> keep the spec identity and data contract.
/// </summary>
public abstract class CollapsedVaeModel : IDisposable
{
    private readonly List<EpochMetrics> history = new();
    private Device device = torch.CPU;
    private bool initialisedFromSeed;   // parameters were drawn from a seed (ModelOptions.Seed or a first seeded Train)

    /// <summary>Builds the model around <paramref name="decoder"/>.</summary>
    protected CollapsedVaeModel(string modelName, FamilyDecoder decoder, ModelDefaults defaults, ModelOptions? options)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(defaults);
        options ??= new ModelOptions();
        if (!(defaults.Alpha > 0)) throw new ArgumentException($"α must be > 0 (got {defaults.Alpha}).", nameof(defaults));
        if (defaults.AnnealFraction is < 0 or > 1) throw new ArgumentException($"The anneal fraction must be in [0, 1] (got {defaults.AnnealFraction}).", nameof(defaults));
        if (decoder.Features < 1) throw new ArgumentException("The decoder has no features.", nameof(decoder));
        if (decoder.FamilyCount < 1) throw new ArgumentException("The decoder has no families.", nameof(decoder));
        Native.TorchLoader.EnsureLoaded();
        ModelName = modelName;
        Defaults = defaults;
        Options = options;
        Module = new CollapsedVaeModule(decoder, defaults.Likelihood, defaults.Encoder, defaults.Occam, defaults.FreeBits);
        Module.to(options.Dtype);
        if (options.Seed is long s)
        {
            Module.ResetParameters(s);
            initialisedFromSeed = true;
        }
        // A decoder created on a GPU pulls the rest of the model there (the encoder etc. start on the CPU).
        var decoderDevice = decoder.parameters().Select(p => p.device).Concat(decoder.buffers().Select(b => b.device)).FirstOrDefault();
        if (decoderDevice is not null && decoderDevice.type != DeviceType.CPU) MoveTo(decoderDevice);
    }

    /// <summary>"BasisDeVAE", "DeVAE", "BasisVAE", "VAE" or "LinearVAE".</summary>
    public string ModelName { get; }

    /// <summary>The model-level settings (likelihood, encoder, α, β, γ, annealing).</summary>
    public ModelDefaults Defaults { get; }

    /// <summary>Construction options (dtype, seed).</summary>
    public ModelOptions Options { get; }

    /// <summary>The torch module (encoder, decoder, likelihood, ξ).</summary>
    public CollapsedVaeModule Module { get; }

    /// <summary>The decoder.</summary>
    public FamilyDecoder Decoder => Module.Decoder;

    /// <summary>d.</summary>
    public int Features => Decoder.Features;

    /// <summary>p.</summary>
    public int LatentDim => Decoder.LatentDim;

    /// <summary>Family names (K).</summary>
    public IReadOnlyList<string> FamilyNames => Decoder.FamilyNames;

    /// <summary>Feature names from the training data (or a loaded file), or null.</summary>
    public IReadOnlyList<string>? FeatureNames { get; private set; }

    /// <summary>Mean training library size (count likelihoods): size factors are library / this.</summary>
    public double? LibraryMean { get; private set; }

    /// <summary>Per-epoch metrics of all training so far.</summary>
    public IReadOnlyList<EpochMetrics> History => history;

    /// <summary>True after a completed Train or a Load.</summary>
    public bool IsTrained { get; private set; }

    /// <summary>The device the model lives on.</summary>
    public Device Device => device;

    // ------------------------------------------------------------------ training

    /// <summary>
    /// Trains on <paramref name="data"/> (validated first) by the <see cref="TrainingPlan"/> made from
    /// <paramref name="options"/> and the model's defaults. With <see cref="TrainOptions.Seed"/> the run depends on the
    /// seed alone: on a model's first training (not initialised from <see cref="ModelOptions.Seed"/>, never trained,
    /// not loaded) every parameter is first initialised from the seed (<see cref="CollapsedVaeModule.ResetParameters"/>),
    /// then the seed drives the shuffling and the reparameterisation noise.
    /// Throws <see cref="DataValidationException"/> for bad data, <see cref="ArgumentOutOfRangeException"/> for a bad
    /// option, <see cref="TrainingDivergedException"/> when the loss becomes non-finite (parameters restored to the last
    /// good epoch) and <see cref="OperationCanceledException"/> on cancellation (parameters restored to the last
    /// completed epoch). Each call continues from the current parameters with a fresh Adam state; <see cref="History"/>
    /// accumulates across calls.
    /// </summary>
    public IReadOnlyList<EpochMetrics> Train(AnnData data, TrainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new TrainOptions();
        Validate(data);
        var plan = TrainingPlan.Create(options, Defaults, data.ObsCount);
        var dev = Seeding.ResolveDevice(options.Device);
        int previousThreads = torch.get_num_threads();
        int threads = options.Threads ?? Math.Clamp(Environment.ProcessorCount / 2, 1, Math.Max(1, previousThreads));
        if (dev.type == DeviceType.CPU && threads != previousThreads) torch.set_num_threads(threads);
        bool fresh = !IsTrained && history.Count == 0;
        try
        {
            MoveTo(dev);
            if (options.Seed is long seed)
            {
                // One seed covers everything: a model that has not been initialised from a seed, trained or loaded yet
                // draws its initial parameters from this seed first (the decoder was created before any seed was set).
                if (!initialisedFromSeed && !IsTrained && history.Count == 0) Module.ResetParameters(seed);
                initialisedFromSeed = true;
                Seeding.Set(seed);
            }
            if (Module.Likelihood.IsCount && LibraryMean is null) LibraryMean = MeanLibrary(data);
            if (data.HasVarNames) FeatureNames = data.VarNames.ToArray();
            using var batches = Batches(data);
            if (fresh && (options.InitialiseOffsetsFromData ?? Module.Likelihood.IsCount))
            {
                using var location = DataInitialisation.FeatureLocation(batches, Module.Likelihood, Features);
                Decoder.InitialiseOffsets(location);
            }
            plan.Run(Module, batches, dev, history);
        }
        finally { if (torch.get_num_threads() != previousThreads) torch.set_num_threads(previousThreads); }
        IsTrained = true;
        return history;
    }

    private void MoveTo(Device dev)
    {
        Module.to(dev);          // moves only tensors that are elsewhere (a no-op when everything is already there)
        device = dev;
    }

    private static double MeanLibrary(AnnData data)
    {
        if (data.LibrarySizes is { } given) return given.Average();
        double sum = 0;
        foreach (double l in data.LibrarySizesOrRowSums()) sum += Math.Max(l, 1.0);
        return sum / data.ObsCount;
    }

    /// <summary>Checks the data once against the likelihood's support and the model's feature count (the container caches the scan).</summary>
    private void Validate(AnnData data) => data.Validate(Likelihood.SupportOf(Defaults.Likelihood), Features);

    /// <summary>
    /// The model's view of <paramref name="data"/>: batches gathered from the container (no second copy of the data on
    /// the CPU), encoder input (log1p for counts) per batch, log size factors; see <see cref="AnnDataBatches"/>.
    /// </summary>
    private IBatchSource Batches(AnnData data) =>
        new AnnDataBatches(data, Options.Dtype, device, Module.Likelihood.IsCount, LibraryMean ?? 1.0);

    /// <summary>Values of [B, d] per chunk when a whole data set is passed through the encoder (about 4M; tests lower it).</summary>
    internal static long ChunkValues { get; set; } = 1L << 22;

    /// <summary>Called after each chunk of <see cref="Latent"/> (tests count the live tensors there).</summary>
    internal static Action? AfterLatentChunk { get; set; }

    /// <summary>Rows per chunk when a whole data set is passed through the encoder.</summary>
    private long ChunkRows(long n) => Math.Clamp(ChunkValues / Math.Max(1, Features), 1, Math.Max(1, n));

    // ------------------------------------------------------------------ results

    /// <summary>
    /// Posterior means E[z | x] per sample, [N, p]. The data pass through the encoder in chunks of rows (about 4M values
    /// each); each chunk's means are copied out and its tensors freed before the next, so nothing of a chunk outlives it
    /// (with the tuned allocator, small tensors kept between large freed ones would pin the heap).
    /// </summary>
    public double[,] Latent(AnnData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(data);
        using var _ = torch.no_grad();
        using var batches = Batches(data);
        long n = data.ObsCount, chunk = ChunkRows(n);
        int p = LatentDim;
        var result = new double[n, p];
        var flat = new double[checked((int)Math.Min(chunk, n) * p)];
        for (long start = 0; start < n; start += chunk)
        {
            long size = Math.Min(chunk, n - start);
            using (var inner = torch.NewDisposeScope())
            {
                var mu = Module.Encoder.forward(batches.Range(start, size).EncoderInput).Mean;
                using var host = mu.to(ScalarType.Float64).cpu();
                host.data<double>().CopyTo(flat.AsSpan(0, (int)(size * p)), 0, 0);
            }
            Buffer.BlockCopy(flat, 0, result, checked((int)(start * p * sizeof(double))), (int)(size * p * sizeof(double)));
            AfterLatentChunk?.Invoke();
        }
        return result;
    }

    /// <summary>φ = q(w_j = k), [d, K].</summary>
    public double[,] FamilyProbabilities()
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        return To2D(Module.Phi());
    }

    /// <summary>Hard assignments argmax_k φ_jk per feature.</summary>
    public int[] Assignments()
    {
        var phi = FamilyProbabilities();
        var a = new int[phi.GetLength(0)];
        for (int j = 0; j < a.Length; j++)
        {
            int best = 0;
            for (int k = 1; k < phi.GetLength(1); k++) if (phi[j, k] > phi[j, best]) best = k;
            a[j] = best;
        }
        return a;
    }

    /// <summary>The assigned family's name per feature.</summary>
    public string[] AssignedFamilies() => Assignments().Select(k => FamilyNames[k]).ToArray();

    /// <summary>
    /// Every family's curve for every feature at the latent points <paramref name="z"/> [G, p]: values [G, K, d] on the
    /// location scale (the decoder output), or on the mean scale (link applied, unit library) when <paramref name="meanScale"/>.
    /// </summary>
    public double[,,] FittedCurves(double[,] z, bool meanScale = false)
    {
        ArgumentNullException.ThrowIfNull(z);
        if (z.GetLength(1) != LatentDim) throw new ArgumentException($"z has {z.GetLength(1)} columns; the model's latent dimension is {LatentDim}.", nameof(z));
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var zt = torch.tensor(z, dtype: ScalarType.Float64).to(Options.Dtype, device);
        var loc = Decoder.forward(zt);
        if (meanScale) loc = Module.Likelihood.Mean(loc);
        var flat = loc.to(ScalarType.Float64).cpu().data<double>().ToArray();
        int g = z.GetLength(0), k = Decoder.FamilyCount, d = Features;
        var r = new double[g, k, d];
        Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(double));
        return r;
    }

    /// <summary>Curves on a 1-D grid (p = 1; for p &gt; 1 the grid runs along the first latent dimension, the others 0).</summary>
    public double[,,] FittedCurves(double[] grid, bool meanScale = false)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var z = new double[grid.Length, LatentDim];
        for (int i = 0; i < grid.Length; i++) z[i, 0] = grid[i];
        return FittedCurves(z, meanScale);
    }

    /// <summary>An evenly spaced grid of <paramref name="points"/> values from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static double[] Grid(double min, double max, int points)
    {
        if (points < 2) throw new ArgumentOutOfRangeException(nameof(points), points, "A grid needs at least 2 points.");
        return Enumerable.Range(0, points).Select(i => min + (max - min) * i / (points - 1)).ToArray();
    }

    /// <summary>
    /// Test log-likelihood log p(X | Z, θ*) (Z = posterior means, w marginalised under q(w)) and the ELBO (averaged over
    /// <paramref name="elboSamples"/> draws of z). Runs in batches of <paramref name="batchSize"/> samples under no_grad;
    /// 0 = automatic (about 4M elements of [B, K, d] per batch, at most 4096 samples), which bounds the temporary memory.
    /// </summary>
    public Evaluation Evaluate(AnnData data, int elboSamples = 1, int batchSize = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (elboSamples < 1) throw new ArgumentOutOfRangeException(nameof(elboSamples), elboSamples, "Need at least one ELBO sample.");
        if (batchSize < 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be ≥ 0 (0 = automatic).");
        if (batchSize == 0) batchSize = (int)Math.Clamp((1L << 22) / ((long)Decoder.FamilyCount * Features), 1, 4096);
        Validate(data);
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        using var batches = Batches(data);
        long n = data.ObsCount;
        var logPhi = torch.nn.functional.log_softmax(Module.PhiLogits, 1).t().unsqueeze(0);   // [1, K, d]
        var phi = logPhi.exp();
        var ll = torch.zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: device);
        var recon = torch.zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: device);
        var kl = torch.zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: device);
        for (long start = 0; start < n; start += batchSize)
        {
            using var inner = torch.NewDisposeScope();
            long size = Math.Min(batchSize, n - start);
            var (xb, eb, lb) = batches.Range(start, size);
            var (mu, sigma) = Module.Encoder.forward(eb);
            var lp = Module.Likelihood.LogProb(xb, Decoder.forward(mu), mu, lb);          // [B, K, d]
            ll.add_(torch.logsumexp(lp + logPhi, 1).sum().to(ScalarType.Float64));
            for (int s = 0; s < elboSamples; s++)
            {
                var z = GaussianEncoder.Sample(mu, sigma);
                var lpz = Module.Likelihood.LogProb(xb, Decoder.forward(z), z, lb);
                recon.add_((lpz * phi).sum().to(ScalarType.Float64) / elboSamples);
            }
            kl.add_(GaussianEncoder.KlToStandardNormal(mu, sigma).sum().to(ScalarType.Float64));
        }
        // (4) + (5) with γ = 1 (full-data terms, once).
        var wSum = CollapsedLoss.DirichletTerm(Module.Phi(), Defaults.Alpha, 1.0) + CollapsedLoss.EntropyTerm(Module.PhiLogits, 1.0);
        double wTerms = wSum.to(ScalarType.Float64).item<double>();
        double elbo = recon.item<double>() - kl.item<double>() - wTerms;
        return new Evaluation(n, ll.item<double>(), elbo);
    }

    private static double[,] To2D(Tensor t)
    {
        var flat = t.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
        var r = new double[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, r, 0, flat.Length * sizeof(double));
        return r;
    }

    // ------------------------------------------------------------------ persistence

    /// <summary>Writes the model atomically (temporary file + rename) with its spec identity and data contract.</summary>
    public void Save(string path) => ModelFile.Write(path, this);

    /// <summary>
    /// Writes the model as <see cref="Save(string)"/> does, and records <paramref name="specSource"/>, the .dspec text
    /// of the decoder, in the file (<see cref="ModelFileHeader.SpecSource"/>), so that a program holding only the file
    /// can rebuild the decoder with the run-time compiler; the spec identity check of <see cref="Load"/> then confirms the
    /// rebuilt decoder is the saved one.
    /// </summary>
    public void Save(string path, string? specSource) => ModelFile.Write(path, this, specSource);

    /// <summary>
    /// Loads parameters saved by <see cref="Save(string)"/> into this model. The file must come from the same specification
    /// (the decoder's <see cref="FamilyDecoder.SpecIdentity"/>: for a generated decoder, the checked .dspec model), model
    /// kind, family names, feature count, latent dimension and likelihood; otherwise (or when the file is corrupt) a
    /// <see cref="ModelFileException"/> says what differs and names both specifications.
    /// </summary>
    /// <param name="path">The model file.</param>
    /// <param name="checkSpecIdentity">false skips the spec-identity check only (for a file saved before identities were
    /// recorded, or a deliberate transfer to a changed .dspec whose parameters keep their shapes); the other checks stay.</param>
    public void Load(string path, bool checkSpecIdentity = true)
    {
        var (header, state) = ModelFile.Read(path);
        ModelFile.CheckCompatible(path, header, this, checkSpecIdentity);
        ModelFile.LoadState(path, header, state, Module);
        FeatureNames = header.FeatureNames;
        LibraryMean = header.LibraryMean;
        history.Clear();
        if (header.History is not null) history.AddRange(header.History);
        IsTrained = true;
    }

    // ------------------------------------------------------------------ display

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(ModelName).Append(CultureInfo.InvariantCulture, $" (d = {Features}, p = {LatentDim}, K = {Decoder.FamilyCount}: {string.Join(", ", FamilyNames)}; ")
          .Append(Defaults.Likelihood).Append(" likelihood; ")
          .Append(CultureInfo.InvariantCulture, $"α = {Defaults.Alpha}, β = {Defaults.Beta}, γ = {Defaults.Gamma}, anneal {Defaults.AnnealFraction:P0}{(Defaults.Occam > 0 ? $", occam {Defaults.Occam}" : "")}{(Defaults.FreeBits > 0 ? $", free bits {Defaults.FreeBits}" : "")}; encoder {Defaults.Encoder}; {Options.Dtype} on {device})");
        if (!IsTrained) { sb.Append("\n  not trained"); return sb.ToString(); }
        sb.Append(CultureInfo.InvariantCulture, $"\n  trained {history.Count} epochs");
        if (history.Count > 0)
        {
            var last = history[^1];
            sb.Append(CultureInfo.InvariantCulture, $"; final loss {last.Loss:G6} (recon {last.Reconstruction:G6}, KL {last.Kl:G6})");
        }
        var counts = Assignments().GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        sb.Append("\n  features per family: ")
          .Append(string.Join(", ", FamilyNames.Select((f, k) => $"{f} {counts.GetValueOrDefault(k)}")));
        return sb.ToString();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Module.Dispose();
        GC.SuppressFinalize(this);
    }
}

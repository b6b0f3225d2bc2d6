using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DerivSpec.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Model;

/// <summary>A model file is unreadable, corrupt or does not match the model it is loaded into.</summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFileException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>The identity and data contract stored in a model file (JSON header).</summary>
public sealed record ModelFileHeader
{
    /// <summary>Format tag.</summary>
    public string Format { get; init; } = ModelFile.FormatTag;
    /// <summary>Model kind (BasisDeVAE, DeVAE, BasisVAE, VAE, LinearVAE).</summary>
    public string ModelName { get; init; } = "";
    /// <summary>Family names in index order.</summary>
    public string[] FamilyNames { get; init; } = Array.Empty<string>();
    /// <summary>The name of the specification the decoder implements (<see cref="FamilyDecoder.SpecName"/>: the .dspec
    /// model name for generated decoders); "" in format-2 files.</summary>
    public string SpecName { get; init; } = "";
    /// <summary>The decoder's <see cref="FamilyDecoder.SpecIdentity"/> (<c>"sha256:…"</c> of the checked .dspec model;
    /// "" for a decoder without one); null in format-2 files, which did not record it.</summary>
    public string? SpecIdentity { get; init; }
    /// <summary>The .dspec text the decoder was generated from, when the caller of <c>Save</c> supplied it (the
    /// derivspec tool does): with <see cref="SpecName"/> it is enough to rebuild the decoder at run time, and
    /// <see cref="SpecIdentity"/> then checks that the rebuilt decoder means what was saved. Covered by the file's
    /// checksum; null when not supplied.</summary>
    public string? SpecSource { get; init; }
    /// <summary>d.</summary>
    public int Features { get; init; }
    /// <summary>Feature names, if the training data had them.</summary>
    public string[]? FeatureNames { get; init; }
    /// <summary>Likelihood; stored by its vocabulary name (<c>"zinb"</c>), never by enum number.</summary>
    [JsonConverter(typeof(LikelihoodNameConverter))]
    public LikelihoodKind Likelihood { get; init; }
    /// <summary>p.</summary>
    public int LatentDim { get; init; }
    /// <summary>Mean training library size (count models).</summary>
    public double? LibraryMean { get; init; }
    /// <summary>Training history.</summary>
    public EpochMetrics[]? History { get; init; }
    /// <summary>State tensors in payload order: name and shape.</summary>
    public TensorEntry[] Tensors { get; init; } = Array.Empty<TensorEntry>();
}

/// <summary>Name and shape of one stored tensor.</summary>
public sealed record TensorEntry(string Name, long[] Shape);

/// <summary>
/// Binary model file: "DSPECMDL", format version (int32), header length (int32), UTF-8 JSON header, payload length (int64),
/// payload (every state tensor as little-endian float64, in header order), SHA-256 of header + payload.
/// The header records the decoder's spec identity (format 3); format-2 files (no identity) are still read, and loading
/// one needs <c>checkSpecIdentity: false</c>.
/// Written to a temporary file in the same folder and renamed over the target, so a crash never leaves a half-written model.
/// </summary>
public static class ModelFile
{
    /// <summary>Format tag in the header.</summary>
    public const string FormatTag = "DerivSpec.Model/3";
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("DSPECMDL");
    // Version 3: the header records the decoder's spec name and identity (and no longer the caller-supplied "SpecHash").
    // Version 2: the header stores vocabulary names (e.g. "Likelihood": "zinb"); still read, without a spec identity.
    // Version 1 stored enum numbers and is not read.
    private const int Version = 3;
    private const int OldestReadable = 2;
    private static string TagOf(int version) => "DerivSpec.Model/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    internal static void Write(string path, CollapsedVaeModel model, string? specSource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var state = model.Module.state_dict().OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var header = new ModelFileHeader
        {
            ModelName = model.ModelName,
            FamilyNames = model.FamilyNames.ToArray(),
            SpecName = model.Decoder.SpecName,
            SpecIdentity = model.Decoder.SpecIdentity,
            SpecSource = specSource,
            Features = model.Features,
            FeatureNames = model.FeatureNames?.ToArray(),
            Likelihood = model.Defaults.Likelihood,
            LatentDim = model.LatentDim,
            LibraryMean = model.LibraryMean,
            History = model.History.ToArray(),
            Tensors = state.Select(kv => new TensorEntry(kv.Key, kv.Value.shape)).ToArray(),
        };
        byte[] headerBytes = JsonSerializer.SerializeToUtf8Bytes(header);
        using var payload = new MemoryStream();
        foreach (var (_, t) in state)
        {
            using var cpu = t.detach().to(ScalarType.Float64, torch.CPU).contiguous();
            var values = cpu.data<double>().ToArray();
            var bytes = new byte[values.Length * sizeof(double)];
            Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Model files are written on little-endian machines only.");
            payload.Write(bytes);
        }
        byte[] payloadBytes = payload.ToArray();
        byte[] hash = Hash(headerBytes, payloadBytes);

        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var w = new BinaryWriter(fs))
            {
                w.Write(Magic);
                w.Write(Version);
                w.Write(headerBytes.Length);
                w.Write(headerBytes);
                w.Write((long)payloadBytes.Length);
                w.Write(payloadBytes);
                w.Write(hash);
                w.Flush();
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static byte[] Hash(byte[] header, byte[] payload)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header);
        sha.AppendData(payload);
        return sha.GetHashAndReset();
    }

    /// <summary>Reads only the header of a model file (to inspect its identity before constructing a model).</summary>
    public static ModelFileHeader ReadHeader(string path) => Read(path).Header;

    internal static (ModelFileHeader Header, byte[] Payload) Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] all;
        try { all = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException($"Cannot read model file '{path}': {ex.Message}", ex);
        }
        if (all.Length < Magic.Length || !all.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFileException($"'{path}' is not a DerivSpec model file (missing the DSPECMDL signature).");
        try
        {
            using var r = new BinaryReader(new MemoryStream(all));
            r.ReadBytes(Magic.Length);
            int version = r.ReadInt32();
            if (version == 1)
                throw new ModelFileException($"'{path}' has model file format version 1, which stored the likelihood as an enum number; this DerivSpec reads version {Version}, which stores names. Train and save the model again with this version.");
            if (version < OldestReadable || version > Version)
                throw new ModelFileException($"'{path}' has model file format version {version}; this DerivSpec reads versions {OldestReadable} to {Version}.");
            int hlen = r.ReadInt32();
            if (hlen < 2 || hlen > all.Length) throw Corrupt(path, "the header length is out of range");
            byte[] headerBytes = r.ReadBytes(hlen);
            if (headerBytes.Length != hlen) throw Corrupt(path, "the file ends inside the header");
            long plen = r.ReadInt64();
            if (plen < 0 || plen > all.Length) throw Corrupt(path, "the payload length is out of range");
            byte[] payload = r.ReadBytes((int)plen);
            if (payload.Length != plen) throw Corrupt(path, "the file ends inside the parameters");
            byte[] hash = r.ReadBytes(32);
            if (hash.Length != 32) throw Corrupt(path, "the checksum is missing");
            if (r.BaseStream.Position != all.Length) throw Corrupt(path, "there are unexpected bytes after the checksum");
            if (!hash.AsSpan().SequenceEqual(Hash(headerBytes, payload))) throw Corrupt(path, "the SHA-256 checksum does not match the contents");
            var header = JsonSerializer.Deserialize<ModelFileHeader>(headerBytes) ?? throw Corrupt(path, "the header is empty");
            if (header.Format != TagOf(version)) throw Corrupt(path, $"unknown format tag '{header.Format}' for format version {version}");
            if (version < 3) header = header with { SpecIdentity = null };
            return (header, payload);
        }
        catch (EndOfStreamException ex) { throw new ModelFileException($"Model file '{path}' is corrupt: it is truncated.", ex); }
        catch (JsonException ex) { throw new ModelFileException($"Model file '{path}' is corrupt: its header cannot be read ({ex.Message}).", ex); }
    }

    /// <summary>"'Paper' (sha256:…)", or "'Name' (no spec identity)" for a decoder without one.</summary>
    private static string Describe(string name, string? identity) =>
        $"'{name}' ({(string.IsNullOrEmpty(identity) ? "no spec identity" : identity)})";

    private static ModelFileException Corrupt(string path, string why) => new($"Model file '{path}' is corrupt: {why}.");

    internal static void CheckCompatible(string path, ModelFileHeader h, CollapsedVaeModel m, bool checkSpecIdentity = true)
    {
        var problems = new List<string>();
        if (h.ModelName != m.ModelName) problems.Add($"model kind {h.ModelName} (this model: {m.ModelName})");
        if (!h.FamilyNames.SequenceEqual(m.FamilyNames)) problems.Add($"families [{string.Join(", ", h.FamilyNames)}] (this model: [{string.Join(", ", m.FamilyNames)}])");
        if (h.Features != m.Features) problems.Add($"{h.Features} features (this model: {m.Features})");
        if (h.LatentDim != m.LatentDim) problems.Add($"latent dimension {h.LatentDim} (this model: {m.LatentDim})");
        if (h.Likelihood != m.Defaults.Likelihood) problems.Add($"{h.Likelihood} likelihood (this model: {m.Defaults.Likelihood})");
        string also = problems.Count > 0 ? " It also differs in: " + string.Join("; ", problems) + "." : "";
        if (checkSpecIdentity && h.SpecIdentity is null)
            throw new ModelFileException(
                $"Model file '{path}' was saved before spec identities were recorded (format version 2), so it cannot be checked " +
                $"against this model's specification {Describe(m.Decoder.SpecName, m.Decoder.SpecIdentity)}. Load it with " +
                "checkSpecIdentity: false if it was saved from the same .dspec, or train and save it again." + also);
        var identity = m.Decoder.SpecIdentity;
        if (checkSpecIdentity && !string.Equals(h.SpecIdentity, identity, StringComparison.Ordinal))
            throw new ModelFileException(
                $"Model file '{path}' was saved from specification {Describe(h.SpecName, h.SpecIdentity)}, but this model's decoder " +
                $"implements {Describe(m.Decoder.SpecName, identity)}: the specifications differ (a family, a property, an " +
                "expression, a parameter or a setting changed), so the saved parameters would not mean what they meant. Load " +
                "it into a decoder generated from the same .dspec, or pass checkSpecIdentity: false to load it anyway." + also);
        if (problems.Count > 0)
            throw new ModelFileException($"Model file '{path}' does not match this model: it was saved with " + string.Join("; ", problems) + ".");
    }

    internal static void LoadState(string path, ModelFileHeader h, byte[] payload, nn.Module module)
    {
        var target = module.state_dict();
        var missing = target.Keys.Except(h.Tensors.Select(t => t.Name)).ToList();
        var extra = h.Tensors.Select(t => t.Name).Except(target.Keys).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new ModelFileException($"Model file '{path}' does not match this model's parameters: missing [{string.Join(", ", missing)}], unexpected [{string.Join(", ", extra)}].");
        long need = 0;
        foreach (var e in h.Tensors)
        {
            var t = target[e.Name];
            if (!t.shape.SequenceEqual(e.Shape))
                throw new ModelFileException($"Model file '{path}': parameter '{e.Name}' has shape [{string.Join(", ", e.Shape)}] but this model's is [{string.Join(", ", t.shape)}].");
            need += e.Shape.Aggregate(1L, (a, b) => a * b) * sizeof(double);
        }
        if (need != payload.Length) throw Corrupt(path, $"the parameters take {payload.Length} bytes but the header describes {need}");
        long offset = 0;
        using var _ = torch.no_grad();
        foreach (var e in h.Tensors)
        {
            var t = target[e.Name];
            long count = e.Shape.Aggregate(1L, (a, b) => a * b);
            var values = new double[count];
            Buffer.BlockCopy(payload, (int)offset, values, 0, (int)(count * sizeof(double)));
            offset += count * sizeof(double);
            using var src = torch.tensor(values, e.Shape, dtype: ScalarType.Float64);
            t.copy_(src);
        }
    }
}

/// <summary>Writes a <see cref="LikelihoodKind"/> as its vocabulary name and reads only names (a number is rejected
/// with a clear message instead of being taken as a position).</summary>
internal sealed class LikelihoodNameConverter : JsonConverter<LikelihoodKind>
{
    public override LikelihoodKind Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"the likelihood must be stored as a name ({string.Join(", ", LikelihoodVocabulary.Names)}), found {reader.TokenType}");
        string? name = reader.GetString();
        if (!LikelihoodVocabulary.TryParse(name, out var kind))
            throw new JsonException($"unknown likelihood '{name}'; expected one of {string.Join(", ", LikelihoodVocabulary.Names)}");
        return kind;
    }

    public override void Write(Utf8JsonWriter writer, LikelihoodKind value, JsonSerializerOptions options) =>
        writer.WriteStringValue(LikelihoodVocabulary.Of(value).Name);
}

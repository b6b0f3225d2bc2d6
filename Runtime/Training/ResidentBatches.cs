using System;
using DerivSpec.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// A <see cref="DataMatrix"/> held on the model's device for the whole call: values, the encoder input (log1p of counts
/// for count likelihoods) and the log size factors log(library / mean library); batches index into them.
/// </summary>
internal sealed class ResidentBatches : IBatchSource
{
    private readonly Tensor x;
    private readonly Tensor encoderInput;
    private readonly Tensor? logLibrary;

    public ResidentBatches(DataMatrix data, ScalarType dtype, Device device, bool counts, double libraryMean)
    {
        using var scope = torch.NewDisposeScope();
        var values = data.Values.to(dtype, device);
        Samples = data.Samples;
        if (!counts)
        {
            x = values.MoveToOuterDisposeScope();
            encoderInput = x;
            return;
        }
        var enc = torch.log1p(values);
        Tensor lib = data.LibrarySizes is not null
            ? torch.tensor(data.LibrarySizes, dtype: ScalarType.Float64).to(dtype, device)
            : values.sum(dim: 1).clamp_min(1.0);
        x = values.MoveToOuterDisposeScope();
        encoderInput = enc.MoveToOuterDisposeScope();
        logLibrary = (lib / libraryMean).log().MoveToOuterDisposeScope();
    }

    public long Samples { get; }

    public Batch Gather(Tensor rows)
    {
        var idx = rows.device == x.device ? rows : rows.to(x.device);
        var xb = x.index_select(0, idx);
        return new Batch(xb, ReferenceEquals(encoderInput, x) ? xb : encoderInput.index_select(0, idx), logLibrary?.index_select(0, idx));
    }

    public Batch Range(long start, long count)
    {
        var xb = x.narrow(0, start, count);
        return new Batch(xb, ReferenceEquals(encoderInput, x) ? xb : encoderInput.narrow(0, start, count), logLibrary?.narrow(0, start, count));
    }

    public void Dispose()
    {
        x.Dispose();
        if (!ReferenceEquals(encoderInput, x)) encoderInput.Dispose();
        logLibrary?.Dispose();
    }
}

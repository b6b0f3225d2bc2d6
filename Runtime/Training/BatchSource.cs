using System;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>One minibatch in the form <see cref="Model.CollapsedVaeModule.Loss"/> takes it.</summary>
/// <param name="X">Observed values [B, d] on the model's device and dtype.</param>
/// <param name="EncoderInput">What the encoder sees [B, d] (log1p of counts for count likelihoods; <paramref name="X"/> otherwise).</param>
/// <param name="LogLibrary">Log size factors [B] (count likelihoods), else null.</param>
internal readonly record struct Batch(Tensor X, Tensor EncoderInput, Tensor? LogLibrary);

/// <summary>
/// Where the training plan, the latent read-out and the evaluation get their batches. A source is made once per call
/// from a validated data set; <see cref="Gather"/> and <see cref="Range"/> create their tensors in the caller's dispose
/// scope, on the model's device and dtype.
/// </summary>
internal interface IBatchSource : IDisposable
{
    /// <summary>N.</summary>
    long Samples { get; }

    /// <summary>The rows <paramref name="rows"/> (int64, CPU, [B]) in that order.</summary>
    Batch Gather(Tensor rows);

    /// <summary>The rows <paramref name="start"/> … <paramref name="start"/> + <paramref name="count"/> − 1.</summary>
    Batch Range(long start, long count);
}

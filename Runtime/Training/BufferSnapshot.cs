using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Training;

/// <summary>
/// Copies of a module's buffers, kept beside the optimiser's snapshot so that restoring the last good epoch (after a
/// divergence or a cancellation) also restores the state that training moves without the optimiser: running statistics
/// such as a decoder's running latent range (parameters <c>in latent(a, b)</c>). Constant buffers (quadrature nodes)
/// are copied too, at no visible cost. Device copies only, no host synchronisation.
/// </summary>
internal sealed class BufferSnapshot : IDisposable
{
    private readonly Tensor[] _live;
    private readonly Tensor[] _saved;

    /// <summary>Takes a first copy of every buffer of <paramref name="module"/>.</summary>
    public BufferSnapshot(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        _live = module.buffers().ToArray();
        using (no_grad()) _saved = _live.Select(b => b.clone()).ToArray();   // buffers carry no gradient
    }

    /// <summary>Copies the buffers' current values into the snapshot.</summary>
    public void Save()
    {
        using var _ = no_grad();
        for (int i = 0; i < _live.Length; i++) _saved[i].copy_(_live[i]);
    }

    /// <summary>Puts the saved values back into the buffers.</summary>
    public void Restore()
    {
        using var _ = no_grad();
        for (int i = 0; i < _live.Length; i++) _live[i].copy_(_saved[i]);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _saved) t.Dispose();
    }
}

using static TorchSharp.torch;

namespace DerivSpec.Runtime.Tests.Models;

/// <summary>
/// A test hook on the generated decoder (its class is partial): from a chosen forward call on, the output is NaN, so
/// the divergence handling of training can be tested on a real decoder. Off (0) unless a test sets it.
/// </summary>
public partial class RiseFall
{
    private long forwardCalls;

    /// <summary>Forward call number (1-based) from which the output is NaN; 0 = never.</summary>
    public long PoisonFromCall { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor z)
    {
        forwardCalls++;
        var x = base.forward(z);
        return PoisonFromCall > 0 && forwardCalls >= PoisonFromCall ? x * double.NaN : x;
    }
}

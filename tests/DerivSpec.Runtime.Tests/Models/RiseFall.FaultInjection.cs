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
        return FaultInjection.Apply(base.forward(z), forwardCalls, PoisonFromCall);
    }
}

/// <summary>The same hook on <see cref="RiseBump"/>, a decoder with running state (its latent range).</summary>
public partial class RiseBump
{
    private long forwardCalls;

    /// <summary>Forward call number (1-based) from which the output is NaN; 0 = never.</summary>
    public long PoisonFromCall { get; set; }

    /// <inheritdoc />
    public override Tensor forward(Tensor z)
    {
        forwardCalls++;
        return FaultInjection.Apply(base.forward(z), forwardCalls, PoisonFromCall);
    }
}

internal static class FaultInjection
{
    /// <summary><paramref name="x"/>, or NaN everywhere from call <paramref name="from"/> on (0 = never).</summary>
    public static Tensor Apply(Tensor x, long call, long from) => from > 0 && call >= from ? x * double.NaN : x;
}

using System;
using DerivSpec.Runtime.Model;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Decoding;

/// <summary>
/// The elementary functions of the .dspec language, on tensors and on constants, so generated code reads like the
/// expression it came from. Constants are folded with the same formulas as the tensor versions.
/// </summary>
public static class DecoderMath
{
    /// <summary>softplus(x) = log(1 + eˣ).</summary>
    public static Tensor Softplus(Tensor x) => nn.functional.softplus(x);

    /// <summary>sigmoid(x) = 1 / (1 + e⁻ˣ).</summary>
    public static Tensor Sigmoid(Tensor x) => sigmoid(x);

    /// <summary>eˣ.</summary>
    public static Tensor Exp(Tensor x) => exp(x);

    /// <summary>Natural logarithm.</summary>
    public static Tensor Log(Tensor x) => log(x);

    /// <summary>tanh(x).</summary>
    public static Tensor Tanh(Tensor x) => tanh(x);

    /// <summary>x².</summary>
    public static Tensor Square(Tensor x) => square(x);

    /// <summary>|x|.</summary>
    public static Tensor Abs(Tensor x) => abs(x);

    /// <summary>xʸ (tensor exponent).</summary>
    public static Tensor Pow(Tensor x, Tensor y) => x.pow(y);

    /// <summary>xᶜ (constant exponent).</summary>
    public static Tensor Pow(Tensor x, double c) => c == 2.0 ? square(x) : x.pow(c);

    /// <summary>cʸ (constant base).</summary>
    public static Tensor Pow(double c, Tensor y) => Full(y, c).pow(y);

    /// <summary>A tensor shaped like <paramref name="like"/> filled with the constant <paramref name="value"/> rounded
    /// to <paramref name="like"/>'s dtype: a folded constant such as exp(exp(3)²) ≈ 1e175 is finite as a double but
    /// beyond float32's range, and torch refuses to fill a float32 tensor with it, while the float32 computation of the
    /// same expression gives +∞ — so this gives ±∞ there, as float32 arithmetic would.</summary>
    public static Tensor Full(Tensor like, double value)
    {
        ArgumentNullException.ThrowIfNull(like);
        return full_like(like, RoundTo(like.dtype, value));
    }

    /// <summary><paramref name="value"/> rounded to <paramref name="dtype"/> as torch rounds a number it computes or
    /// compares with in that dtype (float32: to the nearest float, ±∞ beyond its range; otherwise unchanged).</summary>
    public static double RoundTo(TorchSharp.torch.ScalarType dtype, double value) =>
        dtype == TorchSharp.torch.ScalarType.Float32 ? (float)value : value;

    /// <summary>softplus of a constant, stable for large |x|.</summary>
    public static double Softplus(double x) => x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x));

    /// <summary>sigmoid of a constant.</summary>
    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>eᶜ.</summary>
    public static double Exp(double x) => Math.Exp(x);

    /// <summary>log c.</summary>
    public static double Log(double x) => Math.Log(x);

    /// <summary>tanh c.</summary>
    public static double Tanh(double x) => Math.Tanh(x);

    /// <summary>c².</summary>
    public static double Square(double x) => x * x;

    /// <summary>|c|.</summary>
    public static double Abs(double x) => Math.Abs(x);

    /// <summary>aᵇ for constants.</summary>
    public static double Pow(double a, double b) => Math.Pow(a, b);

    /// <summary>Applies a hidden-layer activation.</summary>
    public static Tensor Activate(Tensor x, ActivationKind activation) => Nets.Apply(activation, x);
}

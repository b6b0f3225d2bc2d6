// Shared source: compiled into DerivSpec.Language and DerivSpec.Runtime (see README.md in this folder).
using System;

#if DERIVSPEC_RUNTIME
namespace DerivSpec.Runtime.Decoding
#else
namespace DerivSpec.Language
#endif
{
    /// <summary>
    /// The facts of the <c>in latent(a, b)</c> constraint that the checker and the Runtime share: the default quantile
    /// levels, the running range's starting values and its momentum. A parameter so constrained lies strictly inside the
    /// range between the a- and b-quantiles of the training cells' posterior means μ_p on its latent coordinate p; the
    /// decoder keeps that range as a running estimate (an exponential moving average of each training minibatch's
    /// quantiles, <see cref="Momentum"/> per step), starting from the standard normal's quantiles (the prior's).
    /// </summary>
    public static class LatentRangeRule
    {
        /// <summary>The lower quantile level of a bare <c>in latent</c>.</summary>
        public const double DefaultLower = 0.1;

        /// <summary>The upper quantile level of a bare <c>in latent</c>.</summary>
        public const double DefaultUpper = 0.9;

        /// <summary>The weight of the old range in each training step's update: range ← m·range + (1 − m)·(the batch's
        /// quantiles of μ).</summary>
        public const double Momentum = 0.9;

        /// <summary>The levels are moved into [<see cref="LevelFloor"/>, 1 − LevelFloor] for the starting range only, so
        /// that levels 0 and 1 (the minimum and the maximum of μ) start finite, at ∓3.09.</summary>
        public const double LevelFloor = 0.001;

        /// <summary>True when <paramref name="a"/> and <paramref name="b"/> are valid quantile levels: 0 ≤ a &lt; b ≤ 1.</summary>
        public static bool ValidLevels(double a, double b) => a >= 0 && a < b && b <= 1;

        /// <summary>The range a decoder starts from for levels (<paramref name="a"/>, <paramref name="b"/>): the standard
        /// normal's quantiles at the levels moved into [0.001, 0.999] (so lo ≤ hi, equal only when both levels lie within
        /// 0.001 of the same end).</summary>
        public static (double Lower, double Upper) InitialRange(double a, double b) =>
            (NormalQuantile(Clamp(a)), NormalQuantile(Clamp(b)));

        /// <summary>The parameter's starting value, the middle of <see cref="InitialRange"/> (the raw parameter starts at 0).</summary>
        public static double InitialValue(double a, double b)
        {
            var (lo, hi) = InitialRange(a, b);
            return lo + (hi - lo) / 2;
        }

        private static double Clamp(double level) => Math.Min(Math.Max(level, LevelFloor), 1 - LevelFloor);

        /// <summary>Φ⁻¹(<paramref name="p"/>), the standard normal quantile, for 0 &lt; p &lt; 1 (Acklam's rational
        /// approximations: relative error below 1.2e-9; exactly odd about p = 1/2 where p − 1/2 is exact).</summary>
        public static double NormalQuantile(double p)
        {
            if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "A quantile level must lie strictly between 0 and 1.");
            const double low = 0.02425;
            if (p < low) return Tail(p);
            if (p > 1 - low) return -Tail(1 - p);
            double q = p - 0.5, r = q * q;
            return (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q /
                   (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);

            static double Tail(double p)
            {
                double q = Math.Sqrt(-2 * Math.Log(p));
                return (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00) /
                       ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1);
            }
        }
    }
}

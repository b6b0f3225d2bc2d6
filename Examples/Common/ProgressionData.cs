using System;
using System.Threading.Tasks;

namespace DerivSpec.Examples;

/// <summary>
/// A stand-in for the paper's OASIS-3 table (§5.2), which cannot be downloaded here: N samples of d = 13 regional
/// "volumes" that all decrease monotonically, and non-linearly, along a hidden disease progression t ~ U(0, 1):
/// x_j(t) = b_j − a_j·σ((t − c_j)/w_j) with onsets c_j ∈ [0.15, 0.85] and widths w_j ∈ [0.08, 0.3] (regions atrophy
/// at different stages), plus heteroscedastic Gaussian noise whose sd grows with progression,
/// sd_j(t) = s_j·(0.5 + t), s_j = a_j·U(0.08, 0.16). Columns are then standardised (z-scores), as volumes usually are.
/// </summary>
public static class ProgressionData
{
    /// <summary>Region names (13).</summary>
    public static readonly string[] Regions =
    {
        "hippocampus", "amygdala", "entorhinal", "parahippocampal", "temporal", "caudate", "putamen",
        "thalamus", "frontal", "parietal", "cingulate", "cortex_total", "white_matter",
    };

    /// <summary>Generates the table; labels are all "decreasing".</summary>
    public static SimulatedData Generate(int seed, int samples = 2000)
    {
        if (samples < 10) throw new ArgumentOutOfRangeException(nameof(samples), "At least 10 samples.");
        var rng = new Rng(seed);
        int d = Regions.Length;
        var b = new double[d]; var a = new double[d]; var c = new double[d]; var w = new double[d]; var s = new double[d];
        for (int j = 0; j < d; j++)
        {
            b[j] = 2 + 3 * rng.Uniform();
            a[j] = 0.5 + 1.5 * rng.Uniform();
            c[j] = 0.15 + 0.7 * rng.Uniform();
            w[j] = 0.08 + 0.22 * rng.Uniform();
            s[j] = a[j] * (0.08 + 0.08 * rng.Uniform());
        }
        var t = new double[samples];
        for (int i = 0; i < samples; i++) t[i] = rng.Uniform();
        double Raw(int j, double x) => b[j] - a[j] / (1 + Math.Exp(-(x - c[j]) / w[j]));
        var raw = new double[samples, d];
        for (int i = 0; i < samples; i++)
            for (int j = 0; j < d; j++)
                raw[i, j] = Raw(j, t[i]) + s[j] * (0.5 + t[i]) * rng.Normal();
        var mean = new double[d]; var sd = new double[d];
        for (int j = 0; j < d; j++)
        {
            double m = 0, q = 0;
            for (int i = 0; i < samples; i++) m += raw[i, j];
            m /= samples;
            for (int i = 0; i < samples; i++) q += (raw[i, j] - m) * (raw[i, j] - m);
            mean[j] = m;
            sd[j] = Math.Sqrt(q / (samples - 1));
        }
        for (int i = 0; i < samples; i++)
            for (int j = 0; j < d; j++)
                raw[i, j] = (raw[i, j] - mean[j]) / sd[j];
        var labels = new string[d];
        Array.Fill(labels, "decreasing");
        return new SimulatedData(t, raw, labels, (string[])Regions.Clone(), (j, x) => (Raw(j, x) - mean[j]) / sd[j]);
    }
}

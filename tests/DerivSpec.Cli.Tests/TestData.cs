using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using DerivSpec.Data;

namespace DerivSpec.Cli.Tests;

/// <summary>
/// A small data set with a known answer, made by the tests: N samples at true times t ∈ [−3, 3], d features, a third
/// rising (a·tanh(t − c)), a third falling, a third with one peak (2a·exp(−(t − c)²)), plus Gaussian noise. Easy
/// enough that a few epochs find the families.
/// </summary>
public sealed class TestData
{
    private TestData(double[,] x, double[] time, string[] labels)
    {
        X = x;
        Time = time;
        Labels = labels;
    }

    /// <summary>Values [N, d].</summary>
    public double[,] X { get; }

    /// <summary>True time per sample.</summary>
    public double[] Time { get; }

    /// <summary>True family per feature (increasing, decreasing, transient).</summary>
    public string[] Labels { get; }

    /// <summary>N.</summary>
    public int Samples => X.GetLength(0);

    /// <summary>d.</summary>
    public int Features => X.GetLength(1);

    /// <summary>Makes the data from <paramref name="seed"/>.</summary>
    public static TestData Make(int samples, int features, int seed)
    {
        var rng = new Random(seed);
        var time = Enumerable.Range(0, samples).Select(_ => -3 + 6 * rng.NextDouble()).ToArray();
        var labels = new string[features];
        var x = new double[samples, features];
        for (int j = 0; j < features; j++)
        {
            int kind = j % 3;
            labels[j] = kind switch { 0 => "increasing", 1 => "decreasing", _ => "transient" };
            double a = 0.5 + 1.5 * rng.NextDouble(), c = -1 + 2 * rng.NextDouble();
            for (int i = 0; i < samples; i++)
            {
                double t = time[i];
                double clean = kind switch
                {
                    0 => a * Math.Tanh(t - c),
                    1 => -a * Math.Tanh(t - c),
                    _ => 2 * a * Math.Exp(-(t - c) * (t - c)),
                };
                x[i, j] = clean + 0.2 * Gaussian(rng);
            }
        }
        return new TestData(x, time, labels);
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Cell name of row <paramref name="i"/>.</summary>
    public static string Cell(int i) => "cell" + (i + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Gene name of column <paramref name="j"/>.</summary>
    public static string Gene(int j) => "gene" + (j + 1).ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes the values as CSV (header of gene names, a first column of cell names), rows
    /// <paramref name="from"/> to <paramref name="to"/> (exclusive), the columns in <paramref name="columns"/> order.</summary>
    public void WriteCsv(string path, int from = 0, int to = -1, int[]? columns = null)
    {
        if (to < 0) to = Samples;
        columns ??= Enumerable.Range(0, Features).ToArray();
        var sb = new StringBuilder("cell," + string.Join(',', columns.Select(Gene)) + "\n");
        for (int i = from; i < to; i++)
            sb.Append(Cell(i)).Append(',').AppendJoin(',', columns.Select(j => X[i, j].ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>Writes the data as .h5ad with the data layer's writer: X dense or CSR (<paramref name="sparse"/>; values
    /// below 0.05 in absolute value are stored as zeros then, so the matrix really is sparse), obs names cell1…, var names
    /// gene1…, the true time as obs <c>t</c> and the true family as var <c>kind</c>.</summary>
    public void WriteH5ad(string path, bool sparse)
    {
        var x = (double[,])X.Clone();
        if (sparse)
            for (int i = 0; i < Samples; i++)
                for (int j = 0; j < Features; j++)
                    if (Math.Abs(x[i, j]) < 0.05) x[i, j] = 0;
        var names = Enumerable.Range(0, Samples).Select(Cell).ToArray();
        var genes = Enumerable.Range(0, Features).Select(Gene).ToArray();
        ExpressionMatrix matrix = DenseMatrix.FromArray(x);
        if (sparse) matrix = CsrMatrix.FromDense(matrix);
        var a = new AnnData(matrix, names, genes);
        a.Obs.Set("t", (double[])Time.Clone());
        a.Var.Set("kind", CategoricalColumn.FromValues(Labels));
        H5adWriter.Write(a, path);
    }

    /// <summary>Writes the true families, one per line.</summary>
    public void WriteLabels(string path) => File.WriteAllLines(path, Labels);

    /// <summary>Writes the true times of rows <paramref name="from"/> to <paramref name="to"/>, one per line.</summary>
    public void WriteTime(string path, int from = 0, int to = -1)
    {
        if (to < 0) to = Samples;
        File.WriteAllLines(path, Time[from..to].Select(t => t.ToString("R", CultureInfo.InvariantCulture)));
    }
}

using System;
using System.Collections.Generic;
using System.Linq;
using DerivSpec.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DerivSpec.Runtime.Data;

/// <summary>Bad input data: the message names what is wrong and where (row/column are 0-based in the text as "row r, column c").</summary>
public sealed class DataValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataValidationException(string message, long? row = null, long? column = null) : base(message)
    {
        Row = row;
        Column = column;
    }

    /// <summary>Offending row (0-based), when one is known.</summary>
    public long? Row { get; }

    /// <summary>Offending column (0-based), when one is known.</summary>
    public long? Column { get; }
}

/// <summary>
/// An N × d data matrix (samples in rows, features in columns), held as a float64 CPU tensor, with optional feature
/// names and optional per-sample library sizes (count models). Construct it from <c>double[,]</c>, <c>float[,]</c>,
/// jagged rows or a tensor; the constructors reject empty and ragged input. <see cref="Validate"/> checks values for a
/// likelihood before training.
/// </summary>
public sealed class DataMatrix : IDisposable
{
    private DataMatrix(Tensor values, IReadOnlyList<string>? featureNames, double[]? librarySizes)
    {
        Values = values;
        if (featureNames is not null && featureNames.Count != Features)
            throw new DataValidationException($"{featureNames.Count} feature names were given for {Features} columns.");
        if (librarySizes is not null)
        {
            if (librarySizes.Length != Samples)
                throw new DataValidationException($"{librarySizes.Length} library sizes were given for {Samples} rows.");
            for (int i = 0; i < librarySizes.Length; i++)
                if (!(librarySizes[i] > 0) || double.IsInfinity(librarySizes[i]))
                    throw new DataValidationException($"Library size of row {i} is {librarySizes[i]}; it must be a finite positive number.", i);
        }
        FeatureNames = featureNames?.ToArray();
        LibrarySizes = librarySizes;
    }

    /// <summary>The values, float64, CPU, shape [N, d].</summary>
    public Tensor Values { get; }

    /// <summary>N.</summary>
    public long Samples => Values.shape[0];

    /// <summary>d.</summary>
    public long Features => Values.shape[1];

    /// <summary>Feature (column) names, or null.</summary>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>Per-sample library sizes for count models, or null (then row sums are used).</summary>
    public double[]? LibrarySizes { get; }

    /// <summary>From a rectangular double array.</summary>
    public static DataMatrix From(double[,] values, IReadOnlyList<string>? featureNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckNotEmpty(values.GetLength(0), values.GetLength(1));
        return new DataMatrix(torch.tensor(values, dtype: ScalarType.Float64), featureNames, librarySizes);
    }

    /// <summary>From a rectangular float array.</summary>
    public static DataMatrix From(float[,] values, IReadOnlyList<string>? featureNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckNotEmpty(values.GetLength(0), values.GetLength(1));
        using var t = torch.tensor(values, dtype: ScalarType.Float32);
        return new DataMatrix(t.to(ScalarType.Float64), featureNames, librarySizes);
    }

    /// <summary>From rows (each row one sample); rejects ragged rows naming the first bad row.</summary>
    public static DataMatrix FromRows(IReadOnlyList<double[]> rows, IReadOnlyList<string>? featureNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new DataValidationException("The data matrix is empty: it has no rows.");
        int d = rows[0]?.Length ?? throw new DataValidationException("Row 0 is null.", 0);
        CheckNotEmpty(rows.Count, d);
        var flat = new double[(long)rows.Count * d];
        for (int i = 0; i < rows.Count; i++)
        {
            var r = rows[i] ?? throw new DataValidationException($"Row {i} is null.", i);
            if (r.Length != d)
                throw new DataValidationException($"Ragged data: row {i} has {r.Length} values but row 0 has {d}.", i);
            Array.Copy(r, 0, flat, (long)i * d, d);
        }
        return new DataMatrix(torch.tensor(flat, new long[] { rows.Count, d }, dtype: ScalarType.Float64), featureNames, librarySizes);
    }

    /// <summary>From rows of floats; rejects ragged rows.</summary>
    public static DataMatrix FromRows(IReadOnlyList<float[]> rows, IReadOnlyList<string>? featureNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return FromRows(rows.Select(r => r?.Select(v => (double)v).ToArray()!).ToList(), featureNames, librarySizes);
    }

    /// <summary>From a 2-D tensor (any device / floating or integer dtype; copied to float64 on the CPU).</summary>
    public static DataMatrix From(Tensor values, IReadOnlyList<string>? featureNames = null, double[]? librarySizes = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.dim() != 2)
            throw new DataValidationException($"The data tensor must be 2-D (samples × features); it has shape [{string.Join(", ", values.shape)}].");
        CheckNotEmpty(values.shape[0], values.shape[1]);
        return new DataMatrix(values.detach().to(ScalarType.Float64, torch.CPU, copy: true), featureNames, librarySizes);
    }

    private static void CheckNotEmpty(long n, long d)
    {
        if (n == 0) throw new DataValidationException("The data matrix is empty: it has no rows.");
        if (d == 0) throw new DataValidationException("The data matrix is empty: it has no columns.");
    }

    /// <summary>
    /// Checks the data for a model: the feature count must equal <paramref name="expectedFeatures"/>; every value must be
    /// finite; count likelihoods need non-negative integers; Bernoulli needs 0/1. Throws <see cref="DataValidationException"/>
    /// naming the first offending row and column.
    /// </summary>
    public void Validate(LikelihoodKind likelihood, long expectedFeatures)
    {
        if (Features != expectedFeatures)
            throw new DataValidationException($"The data has {Features} features (columns) but the model expects {expectedFeatures}.");
        using var scope = torch.NewDisposeScope();
        var x = Values;
        FirstBad(torch.isfinite(x).logical_not(), "is not a finite number (NaN or ±infinity)");
        if (LikelihoodVocabulary.Of(likelihood).IsCount)
        {
            FirstBad(x.lt(0), $"is negative; the {likelihood} likelihood needs non-negative integer counts");
            FirstBad(x.ne(x.round()), $"is not an integer; the {likelihood} likelihood needs non-negative integer counts");
        }
        if (likelihood == LikelihoodKind.Bernoulli)
            FirstBad(x.ne(0).logical_and(x.ne(1)), "is neither 0 nor 1; the Bernoulli likelihood needs binary data");
    }

    private void FirstBad(Tensor mask, string what)
    {
        if (!mask.any().item<bool>()) return;
        long flat = mask.flatten().to(ScalarType.Int32).argmax().item<long>();
        long r = flat / Features, c = flat % Features;
        double v = Values[r, c].item<double>();
        string col = FeatureNames is null ? $"column {c}" : $"column {c} ('{FeatureNames[(int)c]}')";
        throw new DataValidationException($"Bad data at row {r}, {col}: value {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} {what}.", r, c);
    }

    /// <summary>Rows <paramref name="rows"/> as a new matrix (feature names kept, library sizes subset).</summary>
    public DataMatrix Subset(IReadOnlyList<long> rows)
    {
        using var idx = torch.tensor(rows.ToArray(), dtype: ScalarType.Int64);
        var lib = LibrarySizes is null ? null : rows.Select(r => LibrarySizes[r]).ToArray();
        return new DataMatrix(Values.index_select(0, idx), FeatureNames, lib);
    }

    /// <inheritdoc />
    public void Dispose() => Values.Dispose();
}

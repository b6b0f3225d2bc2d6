using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace DerivSpec.Data;

/// <summary>
/// What a trained DerivSpec model gives, as plain arrays (no dependency on the training runtime): per-cell latent
/// means, per-gene family probabilities and, optionally, fitted curves on a grid.
/// </summary>
public sealed record DerivSpecResults
{
    /// <summary>The model's name ("BasisDeVAE", …).</summary>
    public required string ModelName { get; init; }

    /// <summary>Posterior means E[z | x], [N, p]; the first column is the pseudotime.</summary>
    public required double[,] Latent { get; init; }

    /// <summary>Family names, K.</summary>
    public required IReadOnlyList<string> FamilyNames { get; init; }

    /// <summary>φ = q(w_j = k), [d, K].</summary>
    public required double[,] FamilyProbabilities { get; init; }

    /// <summary>The family per gene (index into <see cref="FamilyNames"/>); null = argmax of φ.</summary>
    public int[]? Assignments { get; init; }

    /// <summary>The latent grid of <see cref="Curves"/>, G points (along the first latent dimension).</summary>
    public double[]? CurveGrid { get; init; }

    /// <summary>Every family's curve for every gene on <see cref="CurveGrid"/>, [G, K, d].</summary>
    public double[,,]? Curves { get; init; }

    /// <summary>Per-gene parameter values as named columns of length d ("transient.z0", "rise.x0", …), written after
    /// the φ columns of genes.csv and as numeric var columns; null = none.</summary>
    public IReadOnlyList<(string Name, double[] Values)>? GeneParameters { get; init; }

    /// <summary>The assigned family per gene (given, or argmax φ).</summary>
    public int[] AssignedFamilies()
    {
        if (Assignments is not null) return Assignments;
        int d = FamilyProbabilities.GetLength(0), k = FamilyProbabilities.GetLength(1);
        var a = new int[d];
        for (int j = 0; j < d; j++)
            for (int f = 1; f < k; f++)
                if (FamilyProbabilities[j, f] > FamilyProbabilities[j, a[j]]) a[j] = f;
        return a;
    }
}

/// <summary>
/// Writes DerivSpec results together with the input data: to .h5ad (the input's X, obs and var kept, plus obs
/// <c>pseudotime</c> and <c>z_1</c>…<c>z_p</c>, obsm <c>X_derivspec</c>, var <c>family</c> (categorical) and
/// <c>phi_&lt;family&gt;</c> and the gene parameters, uns <c>derivspec</c> with the model name, family names, curve grid and curves [G, K, d]) or
/// to CSV files (cells.csv, genes.csv, curves.csv).
/// </summary>
public static class ResultsWriter
{
    /// <summary>The key of the latent means in obsm and of the results in uns.</summary>
    public const string ObsmKey = "X_derivspec";

    /// <summary>The key of the results in uns.</summary>
    public const string UnsKey = "derivspec";

    /// <summary>
    /// A new AnnData sharing <paramref name="data"/>'s X (not copied), with its obs, var, obsm, layers and uns plus the
    /// results; <paramref name="data"/> itself is not changed. Throws <see cref="ArgumentException"/> when the results'
    /// shapes do not match the data (N cells, d genes).
    /// </summary>
    public static AnnData Annotate(AnnData data, DerivSpecResults results)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(results);
        Check(data, results);
        var a = data.ShallowCopy();
        int n = data.ObsCount, d = data.VarCount, p = results.Latent.GetLength(1), k = results.FamilyNames.Count;
        var z = new double[n];
        for (int i = 0; i < n; i++) z[i] = results.Latent[i, 0];
        a.Obs.Set("pseudotime", z);
        for (int l = 0; l < p; l++)
        {
            var col = new double[n];
            for (int i = 0; i < n; i++) col[i] = results.Latent[i, l];
            a.Obs.Set($"z_{l + 1}", col);
        }
        a.Obsm[ObsmKey] = (double[,])results.Latent.Clone();
        a.Var.Set("family", new CategoricalColumn(results.AssignedFamilies().ToArray(), results.FamilyNames.ToArray()));
        for (int f = 0; f < k; f++)
        {
            var col = new double[d];
            for (int j = 0; j < d; j++) col[j] = results.FamilyProbabilities[j, f];
            a.Var.Set($"phi_{results.FamilyNames[f]}", col);
        }
        foreach (var (name, values) in results.GeneParameters ?? Array.Empty<(string, double[])>())
            a.Var.Set(name, (double[])values.Clone());
        var uns = new UnsDictionary();
        foreach (var kv in data.Uns) uns[kv.Key] = kv.Value;
        var r = new UnsDictionary
        {
            ["model"] = results.ModelName,
            ["families"] = results.FamilyNames.ToArray(),
        };
        if (results.CurveGrid is not null && results.Curves is not null)
        {
            r["grid"] = results.CurveGrid;
            r["curves"] = results.Curves;
        }
        uns[UnsKey] = r;
        a.ReplaceUns(uns);
        return a;
    }

    /// <summary>Writes <see cref="Annotate"/>'s result to <paramref name="path"/> (.h5ad, atomically).</summary>
    public static void WriteH5ad(string path, AnnData data, DerivSpecResults results) =>
        H5adWriter.Write(Annotate(data, results), path);

    /// <summary>
    /// Writes into <paramref name="folder"/> (each file atomically): <c>cells.csv</c> (cell, pseudotime, z_1…z_p),
    /// <c>genes.csv</c> (gene, family, phi_&lt;family&gt;…, then the <see cref="DerivSpecResults.GeneParameters"/>) and, when curves are given, <c>curves.csv</c> (z, then per gene
    /// its assigned family's curve).
    /// </summary>
    public static void WriteCsv(string folder, AnnData data, DerivSpecResults results)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(results);
        Check(data, results);
        Directory.CreateDirectory(folder);
        int n = data.ObsCount, d = data.VarCount, p = results.Latent.GetLength(1), k = results.FamilyNames.Count;
        var cellHeader = new List<string> { "cell", "pseudotime" };
        cellHeader.AddRange(Enumerable.Range(1, p).Select(l => $"z_{l}"));
        CsvWriter.Write(Path.Combine(folder, "cells.csv"), cellHeader, Enumerable.Range(0, n).Select(i =>
        {
            var row = new List<string> { data.ObsNames[i], CsvWriter.Format(results.Latent[i, 0]) };
            for (int l = 0; l < p; l++) row.Add(CsvWriter.Format(results.Latent[i, l]));
            return (IReadOnlyList<string>)row;
        }));
        var assigned = results.AssignedFamilies();
        var geneHeader = new List<string> { "gene", "family" };
        geneHeader.AddRange(results.FamilyNames.Select(f => $"phi_{f}"));
        var parameters = results.GeneParameters ?? Array.Empty<(string Name, double[] Values)>();
        geneHeader.AddRange(parameters.Select(c => c.Name));
        CsvWriter.Write(Path.Combine(folder, "genes.csv"), geneHeader, Enumerable.Range(0, d).Select(j =>
        {
            var row = new List<string> { data.VarNames[j], results.FamilyNames[assigned[j]] };
            for (int f = 0; f < k; f++) row.Add(CsvWriter.Format(results.FamilyProbabilities[j, f]));
            foreach (var c in parameters) row.Add(CsvWriter.Format(c.Values[j]));
            return (IReadOnlyList<string>)row;
        }));
        if (results.CurveGrid is { } grid && results.Curves is { } curves)
        {
            var header = new List<string> { "z" };
            header.AddRange(data.VarNames);
            CsvWriter.Write(Path.Combine(folder, "curves.csv"), header, Enumerable.Range(0, grid.Length).Select(g =>
            {
                var row = new string[d + 1];
                row[0] = CsvWriter.Format(grid[g]);
                for (int j = 0; j < d; j++) row[j + 1] = CsvWriter.Format(curves[g, assigned[j], j]);
                return (IReadOnlyList<string>)row;
            }));
        }
    }

    private static void Check(AnnData data, DerivSpecResults r)
    {
        int n = data.ObsCount, d = data.VarCount, k = r.FamilyNames.Count;
        if (r.Latent.GetLength(0) != n || r.Latent.GetLength(1) < 1)
            throw new ArgumentException($"The latent means are {r.Latent.GetLength(0)} × {r.Latent.GetLength(1)}; the data have {n} cells (and p ≥ 1 is needed).", nameof(r));
        if (k < 1) throw new ArgumentException("There are no family names.", nameof(r));
        if (r.FamilyProbabilities.GetLength(0) != d || r.FamilyProbabilities.GetLength(1) != k)
            throw new ArgumentException($"φ is {r.FamilyProbabilities.GetLength(0)} × {r.FamilyProbabilities.GetLength(1)}; {d} genes × {k} families are needed.", nameof(r));
        if (r.Assignments is { } a)
        {
            if (a.Length != d) throw new ArgumentException($"{a.Length} assignments for {d} genes.", nameof(r));
            foreach (int f in a) if ((uint)f >= (uint)k) throw new ArgumentException($"Assignment {f} is outside 0..{k - 1}.", nameof(r));
        }
        if ((r.CurveGrid is null) != (r.Curves is null)) throw new ArgumentException("Give both the curve grid and the curves, or neither.", nameof(r));
        if (r.Curves is { } c && (c.GetLength(0) != r.CurveGrid!.Length || c.GetLength(1) != k || c.GetLength(2) != d))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The curves are [{c.GetLength(0)}, {c.GetLength(1)}, {c.GetLength(2)}]; [{r.CurveGrid!.Length}, {k}, {d}] (grid × families × genes) are needed."), nameof(r));
        foreach (var f in r.FamilyNames)
            if (string.IsNullOrEmpty(f)) throw new ArgumentException("A family name is empty.", nameof(r));
        var names = new HashSet<string>(StringComparer.Ordinal) { "gene", "family" };
        foreach (var f in r.FamilyNames) names.Add("phi_" + f);
        foreach (var (name, values) in r.GeneParameters ?? Array.Empty<(string, double[])>())
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("A gene parameter column has no name.", nameof(r));
            if (values is null || values.Length != d) throw new ArgumentException($"Gene parameter column '{name}' has {values?.Length ?? 0} values for {d} genes.", nameof(r));
            if (!names.Add(name)) throw new ArgumentException($"Gene parameter column '{name}' repeats a column name.", nameof(r));
        }
    }
}

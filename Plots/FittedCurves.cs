using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace DerivSpec.Plots;

/// <summary>
/// What a trajectory figure draws: a latent grid, each feature's fitted curve in its assigned family on that grid, the
/// assignments and the names. Plain arrays in, checked once: a shape that does not fit or a value that is not finite
/// is an <see cref="ArgumentException"/> naming the array, the feature and the grid point.
/// </summary>
public sealed class FittedCurves
{
    private readonly double[] _grid;
    private readonly double[][] _curves;
    private readonly int[] _assignments;

    private FittedCurves(double[] grid, double[][] curves, int[] assignments, string[] familyNames, string[] featureNames)
    {
        _grid = grid;
        _curves = curves;
        _assignments = assignments;
        FamilyNames = Array.AsReadOnly(familyNames);
        FeatureNames = Array.AsReadOnly(featureNames);
    }

    /// <summary>The latent grid the curves are evaluated on.</summary>
    public IReadOnlyList<double> Grid => _grid;

    /// <summary>Number of features d.</summary>
    public int Features => _curves.Length;

    /// <summary>Family names, index order (K of them).</summary>
    public IReadOnlyList<string> FamilyNames { get; }

    /// <summary>Feature names (given, or <c>feature 1</c> … <c>feature d</c>).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Assigned family of each feature (index into <see cref="FamilyNames"/>).</summary>
    public IReadOnlyList<int> Assignments => _assignments;

    /// <summary>Feature <paramref name="feature"/>'s curve in its assigned family, one value per grid point.</summary>
    public IReadOnlyList<double> Curve(int feature) => _curves[feature];

    internal double[] GridArray => _grid;

    internal double[] CurveArray(int feature) => _curves[feature];

    /// <summary>
    /// From every family's curves: <paramref name="curves"/> is [G, K, d] (grid point, family, feature), as a decoder
    /// evaluates them; only each feature's assigned family is drawn, and only those values must be finite.
    /// </summary>
    /// <param name="grid">G ≥ 2 finite latent values, not all equal.</param>
    /// <param name="curves">[G, K, d] curve values.</param>
    /// <param name="assignments">d family indices in [0, K).</param>
    /// <param name="familyNames">K names.</param>
    /// <param name="featureNames">d names, or null for <c>feature 1</c> … <c>feature d</c>.</param>
    public static FittedCurves FromFamilyCurves(double[] grid, double[,,] curves, int[] assignments,
        IReadOnlyList<string> familyNames, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(familyNames);
        if (curves.GetLength(0) != grid.Length)
            throw new ArgumentException($"curves has {curves.GetLength(0)} grid points (dimension 0 of [G, K, d]) but grid has {grid.Length}.", nameof(curves));
        if (curves.GetLength(1) != familyNames.Count)
            throw new ArgumentException($"curves has {curves.GetLength(1)} families (dimension 1 of [G, K, d]) but {familyNames.Count} family names were given.", nameof(curves));
        if (curves.GetLength(2) != assignments.Length)
            throw new ArgumentException($"curves has {curves.GetLength(2)} features (dimension 2 of [G, K, d]) but assignments has {assignments.Length}.", nameof(curves));
        var (g, families, features) = CheckCommon(grid, assignments, familyNames, featureNames);
        var assigned = new double[assignments.Length][];
        for (int j = 0; j < assigned.Length; j++)
        {
            var c = new double[grid.Length];
            for (int i = 0; i < c.Length; i++) c[i] = curves[i, assignments[j], j];
            CheckCurve(c, j, g, features, families[assignments[j]], nameof(curves));
            assigned[j] = c;
        }
        return new FittedCurves(g, assigned, (int[])assignments.Clone(), families, features);
    }

    /// <summary>From each feature's curve in its assigned family (d arrays of G values).</summary>
    /// <param name="grid">G ≥ 2 finite latent values, not all equal.</param>
    /// <param name="curves">d curves, each with G finite values.</param>
    /// <param name="assignments">d family indices in [0, K).</param>
    /// <param name="familyNames">K names.</param>
    /// <param name="featureNames">d names, or null for <c>feature 1</c> … <c>feature d</c>.</param>
    public static FittedCurves FromAssignedCurves(double[] grid, IReadOnlyList<double[]> curves, int[] assignments,
        IReadOnlyList<string> familyNames, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var (g, families, features) = CheckCommon(grid, assignments, familyNames, featureNames);
        if (curves.Count != assignments.Length)
            throw new ArgumentException($"{curves.Count} curves were given but assignments has {assignments.Length} features.", nameof(curves));
        var assigned = new double[curves.Count][];
        for (int j = 0; j < assigned.Length; j++)
        {
            var c = curves[j] ?? throw new ArgumentException($"The curve of feature '{features[j]}' (index {j}) is null.", nameof(curves));
            if (c.Length != grid.Length)
                throw new ArgumentException($"The curve of feature '{features[j]}' (index {j}) has {c.Length} values but grid has {grid.Length} points.", nameof(curves));
            CheckCurve(c, j, g, features, families[assignments[j]], nameof(curves));
            assigned[j] = (double[])c.Clone();
        }
        return new FittedCurves(g, assigned, (int[])assignments.Clone(), families, features);
    }

    private static (double[] Grid, string[] Families, string[] Features) CheckCommon(double[] grid, int[] assignments,
        IReadOnlyList<string> familyNames, IReadOnlyList<string>? featureNames)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(familyNames);
        if (grid.Length < 2) throw new ArgumentException($"grid has {grid.Length} point(s); a curve needs at least 2.", nameof(grid));
        Check.Finite(grid, nameof(grid));
        if (grid.Min() == grid.Max()) throw new ArgumentException($"grid spans no range: every point is {Check.Format(grid[0])}.", nameof(grid));
        if (familyNames.Count == 0) throw new ArgumentException("No family names were given.", nameof(familyNames));
        var families = Check.Names(familyNames, nameof(familyNames), "family", unique: true);
        if (assignments.Length == 0) throw new ArgumentException("assignments is empty: there are no features to draw.", nameof(assignments));
        var features = featureNames is null
            ? Enumerable.Range(1, assignments.Length).Select(i => "feature " + i.ToString(CultureInfo.InvariantCulture)).ToArray()
            : Check.Names(featureNames, nameof(featureNames), "feature");
        if (features.Length != assignments.Length)
            throw new ArgumentException($"{features.Length} feature names were given but assignments has {assignments.Length} features.", nameof(featureNames));
        Check.Assignments(assignments, families.Length, features, nameof(assignments));
        return ((double[])grid.Clone(), families, features);
    }

    private static void CheckCurve(double[] c, int j, double[] grid, string[] features, string family, string param)
    {
        for (int i = 0; i < c.Length; i++)
            if (!double.IsFinite(c[i]))
                throw new ArgumentException(
                    $"The curve of feature '{features[j]}' (index {j}) in family '{family}' is {Check.Format(c[i])} at grid point {i} (z = {Check.Format(grid[i])}).", param);
    }
}

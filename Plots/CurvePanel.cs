using System;
using System.Collections.Generic;

namespace DerivSpec.Plots;

/// <summary>
/// One panel of <see cref="Figures.CurvePanels"/>: curves on a shared x grid, each in a group (family, feature, cluster)
/// whose colour and legend entry the figure shares across panels. Checked on construction.
/// </summary>
public sealed class CurvePanel
{
    /// <summary>Creates a panel.</summary>
    /// <param name="title">Panel title.</param>
    /// <param name="x">G ≥ 2 finite x values shared by the curves.</param>
    /// <param name="curves">Curves of G finite values each.</param>
    /// <param name="groups">Group index of each curve (into the figure's group names).</param>
    /// <param name="xLabel">x axis label.</param>
    /// <param name="yLabel">y axis label.</param>
    public CurvePanel(string title, double[] x, IReadOnlyList<double[]> curves, int[] groups, string xLabel = "z", string yLabel = "value")
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(curves);
        ArgumentNullException.ThrowIfNull(groups);
        if (x.Length < 2) throw new ArgumentException($"Panel '{title}': x has {x.Length} point(s); a curve needs at least 2.", nameof(x));
        for (int i = 0; i < x.Length; i++)
            if (!double.IsFinite(x[i])) throw new ArgumentException($"Panel '{title}': x[{i}] is {Check.Format(x[i])}; every value must be finite.", nameof(x));
        if (curves.Count == 0) throw new ArgumentException($"Panel '{title}' has no curves.", nameof(curves));
        if (groups.Length != curves.Count)
            throw new ArgumentException($"Panel '{title}': {curves.Count} curves but {groups.Length} group indices.", nameof(groups));
        var copy = new double[curves.Count][];
        for (int c = 0; c < curves.Count; c++)
        {
            var y = curves[c] ?? throw new ArgumentException($"Panel '{title}': curve {c} is null.", nameof(curves));
            if (y.Length != x.Length)
                throw new ArgumentException($"Panel '{title}': curve {c} has {y.Length} values but x has {x.Length}.", nameof(curves));
            for (int i = 0; i < y.Length; i++)
                if (!double.IsFinite(y[i]))
                    throw new ArgumentException($"Panel '{title}': curve {c} is {Check.Format(y[i])} at point {i} (x = {Check.Format(x[i])}).", nameof(curves));
            copy[c] = (double[])y.Clone();
        }
        Title = title;
        X = (double[])x.Clone();
        Curves = copy;
        Groups = (int[])groups.Clone();
        XLabel = xLabel ?? "";
        YLabel = yLabel ?? "";
    }

    /// <summary>Panel title.</summary>
    public string Title { get; }

    /// <summary>x axis label.</summary>
    public string XLabel { get; }

    /// <summary>y axis label.</summary>
    public string YLabel { get; }

    internal double[] X { get; }

    internal double[][] Curves { get; }

    internal int[] Groups { get; }
}

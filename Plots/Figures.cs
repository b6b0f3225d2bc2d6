using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;

namespace DerivSpec.Plots;

/// <summary>
/// The DerivSpec figures, built with ScottPlot from plain arrays: fitted trajectories per family (the paper's Fig. 4 and
/// 6), panels of curves coloured by group (a truth/model comparison), the pseudotime histogram and the φ heat map.
/// Each returns a <see cref="Figure"/> to save as PNG and SVG. Bad input is an <see cref="ArgumentException"/> that
/// names the array and the entry.
/// </summary>
public static class Figures
{
    private static readonly Color Ink = Color.FromHex("#222222");

    /// <summary>
    /// One panel per family: each assigned feature's fitted curve over the latent grid, optionally with the data points
    /// and a rug of the samples' latent positions. Panels share the y range so families compare at a glance.
    /// </summary>
    public static Figure Trajectories(FittedCurves fit, TrajectoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(fit);
        var o = options ?? new TrajectoryOptions();
        int d = fit.Features, k = fit.FamilyNames.Count;
        if (o.Phi is { } phi)
        {
            if (phi.GetLength(0) != d || phi.GetLength(1) != k)
                throw new ArgumentException($"Phi is {phi.GetLength(0)} × {phi.GetLength(1)} but the fit has {d} features and {k} families (d × K expected).", nameof(options));
            CheckPhiValues(phi, fit.FeatureNames, fit.FamilyNames, "Phi");
        }
        if (o.MaxFeaturesPerFamily is int max && max < 1)
            throw new ArgumentException($"MaxFeaturesPerFamily is {max}; it must be at least 1 (or null for all).", nameof(options));
        if (o.LegendLimit < 0 || o.LegendLimit > PlotPalette.Count)
            throw new ArgumentException($"LegendLimit is {o.LegendLimit}; it must be in [0, {PlotPalette.Count}] (the palette's distinct colours).", nameof(options));
        if (o.MaxPointsPerFeature < 1) throw new ArgumentException($"MaxPointsPerFeature is {o.MaxPointsPerFeature}; it must be at least 1.", nameof(options));
        if (o.Latent is { } latent)
        {
            if (latent.Length == 0) throw new ArgumentException("Latent is empty; give null for no rug.", nameof(options));
            Check.Finite(latent, "Latent");
        }
        if (o.Data is { } data)
        {
            if (o.Latent is null) throw new ArgumentException("Data needs Latent: the points are drawn at each sample's latent position.", nameof(options));
            if (data.GetLength(0) != o.Latent.Length || data.GetLength(1) != d)
                throw new ArgumentException($"Data is {data.GetLength(0)} × {data.GetLength(1)} but Latent has {o.Latent.Length} samples and the fit {d} features (N × d expected).", nameof(options));
            for (int n = 0; n < data.GetLength(0); n++)
                for (int j = 0; j < d; j++)
                    if (!double.IsFinite(data[n, j]))
                        throw new ArgumentException($"Data[{n}, {j}] (sample {n}, feature '{fit.FeatureNames[j]}') is {Check.Format(data[n, j])}; every value must be finite.", nameof(options));
        }

        var grid = fit.GridArray;
        var rows = o.Latent is null ? Array.Empty<int>() : Thin(Enumerable.Range(0, o.Latent.Length).OrderBy(n => o.Latent[n]).ToArray(), o.MaxPointsPerFeature);
        var shown = new List<int>[k];
        var total = new int[k];
        for (int f = 0; f < k; f++)
        {
            var members = Enumerable.Range(0, d).Where(j => fit.Assignments[j] == f);
            if (o.Phi is { } p) members = members.OrderByDescending(j => p[j, f]).ThenBy(j => j);
            var all = members.ToList();
            total[f] = all.Count;
            shown[f] = o.MaxFeaturesPerFamily is int m ? all.Take(m).ToList() : all;
        }

        // one y range for all panels: the drawn curves and points
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var j in shown.SelectMany(s => s))
        {
            foreach (var v in fit.CurveArray(j)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
            if (o.Data is { } dt) foreach (var n in rows) { lo = Math.Min(lo, dt[n, j]); hi = Math.Max(hi, dt[n, j]); }
        }
        if (!double.IsFinite(lo)) { lo = 0; hi = 1; }
        if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
        double span = hi - lo, top = hi + 0.06 * span, bottom = lo - (o.Latent is null ? 0.06 : 0.16) * span, rugY = lo - 0.1 * span;
        double xLo = Math.Min(grid.Min(), o.Latent?.Min() ?? double.PositiveInfinity), xHi = Math.Max(grid.Max(), o.Latent?.Max() ?? double.NegativeInfinity);
        double xPad = 0.02 * (xHi - xLo);

        var plots = new List<Plot>();
        for (int f = 0; f < k; f++)
        {
            var plot = NewPlot();
            bool byFeature = shown[f].Count <= o.LegendLimit;
            for (int i = 0; i < shown[f].Count; i++)
            {
                int j = shown[f][i];
                var color = byFeature ? PlotPalette.Get(i) : FamilyColor(f).WithAlpha(0.55);
                if (o.Data is { } dt && rows.Length > 0)
                {
                    var pts = plot.Add.Markers(rows.Select(n => o.Latent![n]).ToArray(), rows.Select(n => dt[n, j]).ToArray(),
                        MarkerShape.FilledCircle, 3, color.WithAlpha(byFeature ? 0.35 : 0.15));
                    pts.LegendText = "";
                }
                var line = plot.Add.ScatterLine(grid, fit.CurveArray(j), color);
                line.LineWidth = byFeature ? 2f : 1.2f;
                if (byFeature) line.LegendText = Short(fit.FeatureNames[j], 22);
            }
            if (o.Latent is { } z && rows.Length > 0)
                plot.Add.Markers(rows.Select(n => z[n]).ToArray(), rows.Select(_ => rugY).ToArray(), MarkerShape.VerticalBar, 9, Ink.WithAlpha(0.35));
            if (shown[f].Count == 0)
            {
                var t = plot.Add.Text("no features assigned", (xLo + xHi) / 2, (lo + hi) / 2);
                t.Alignment = Alignment.MiddleCenter;
                t.LabelFontSize = 14;
                t.LabelFontColor = Colors.Gray;
            }
            string title = shown[f].Count == total[f]
                ? $"{fit.FamilyNames[f]} ({Count(total[f], "feature")})"
                : $"{fit.FamilyNames[f]}: {shown[f].Count} of {total[f]} features{(o.Phi is null ? "" : ", highest φ")}";
            plot.Title(title, 15);
            plot.XLabel(o.XLabel, 13);
            plot.YLabel(o.YLabel, 13);
            plot.Axes.SetLimits(xLo - xPad, xHi + xPad, bottom, top);
            if (byFeature && shown[f].Count > 0)
            {
                var occupied = shown[f].SelectMany(j => grid.Zip(fit.CurveArray(j)));
                if (o.Data is { } dt) occupied = occupied.Concat(shown[f].SelectMany(j => rows.Select(n => (o.Latent![n], dt[n, j]))));
                double boxHeight = Math.Min(0.8, (0.07 * shown[f].Count + 0.05) * 340.0 / o.PanelHeight);
                // a legend in a lower corner sits above the rug: the rug band is left out of the box and kept clear
                double rugBand = o.Latent is null ? 0 : (rugY + 0.04 * span - bottom) / (top - bottom);
                var points = occupied.ToList();
                var (corner, hits) = EmptiestCorner(points, (xLo - xPad, xHi + xPad), (bottom, top), 0.34 * 440 / o.PanelWidth, boxHeight, rugBand);
                plot.Legend.FontSize = 10;
                plot.Legend.BackgroundColor = Colors.White.WithAlpha(0.85);
                plot.Legend.OutlineColor = Colors.Gray.WithAlpha(0.5);
                plot.Legend.ShadowColor = Colors.Transparent;
                if (hits > 0.02 * points.Count)
                    plot.ShowLegend(Edge.Right); // every corner would hide curves: beside the axes instead
                else
                {
                    plot.Legend.IsVisible = true;
                    plot.Legend.Alignment = corner;
                    if (rugBand > 0 && corner is Alignment.LowerLeft or Alignment.LowerRight)
                        plot.Legend.Margin = new PixelPadding(8, 8, 8 + (float)(rugBand * (o.PanelHeight - 110)), 8);
                }
            }
            plots.Add(plot);
        }
        return new Figure(plots, o.Title, o.Columns, o.PanelWidth, o.PanelHeight);
    }

    /// <summary>
    /// Panels of curves coloured by group — e.g. the truth next to each model's fit, coloured by family — with one
    /// legend of the groups that occur. At most 20 groups (the palette's distinct colours).
    /// </summary>
    public static Figure CurvePanels(IReadOnlyList<CurvePanel> panels, IReadOnlyList<string> groupNames, string? title = null,
        int columns = 0, int panelWidth = 440, int panelHeight = 340)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ArgumentNullException.ThrowIfNull(groupNames);
        if (panels.Count == 0) throw new ArgumentException("No panels were given.", nameof(panels));
        var names = Check.Names(groupNames, nameof(groupNames), "group", unique: true);
        if (names.Length == 0) throw new ArgumentException("No group names were given.", nameof(groupNames));
        if (names.Length > PlotPalette.Count)
            throw new ArgumentException($"{names.Length} groups but the palette has {PlotPalette.Count} distinct colours; pool groups first.", nameof(groupNames));
        for (int p = 0; p < panels.Count; p++)
        {
            var panel = panels[p] ?? throw new ArgumentException($"Panel {p} is null.", nameof(panels));
            for (int c = 0; c < panel.Groups.Length; c++)
                if (panel.Groups[c] < 0 || panel.Groups[c] >= names.Length)
                    throw new ArgumentException($"Panel '{panel.Title}': curve {c} is in group {panel.Groups[c]} but {names.Length} group names were given (indices 0..{names.Length - 1}).", nameof(panels));
        }
        var plots = new List<Plot>();
        foreach (var panel in panels)
        {
            var plot = NewPlot();
            for (int c = 0; c < panel.Curves.Length; c++)
            {
                var line = plot.Add.ScatterLine(panel.X, panel.Curves[c], PlotPalette.Get(panel.Groups[c]).WithAlpha(0.85));
                line.LineWidth = 1.6f;
            }
            plot.Title(panel.Title, 15);
            plot.XLabel(panel.XLabel, 13);
            plot.YLabel(panel.YLabel, 13);
            plots.Add(plot);
        }
        var figure = new Figure(plots, title, columns, panelWidth, panelHeight);
        foreach (var g in panels.SelectMany(p => p.Groups).Distinct().Order())
            figure.Legend.Add(new LegendEntry(names[g], PlotPalette.Get(g)));
        return figure;
    }

    /// <summary>
    /// Histogram of the samples' latent positions (pseudotime), stacked by a categorical label when one is given, and —
    /// when the true time is known — a second panel of pseudotime against it with Spearman's ρ.
    /// </summary>
    public static Figure PseudotimeHistogram(double[] latent, PseudotimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var o = options ?? new PseudotimeOptions();
        if (latent.Length == 0) throw new ArgumentException("latent is empty: there is no sample to count.", nameof(latent));
        Check.Finite(latent, nameof(latent));
        int n = latent.Length;
        if (o.Labels is { } labels)
        {
            if (labels.Count != n) throw new ArgumentException($"Labels has {labels.Count} values but latent has {n} samples.", nameof(options));
            Check.Labels(labels, "Labels");
        }
        if (o.TrueTime is { } time)
        {
            if (time.Length != n) throw new ArgumentException($"TrueTime has {time.Length} values but latent has {n} samples.", nameof(options));
            Check.Finite(time, "TrueTime");
        }
        if (o.Bins < 0 || o.Bins > 1000) throw new ArgumentException($"Bins is {o.Bins}; it must be in [0, 1000] (0 chooses).", nameof(options));
        if (o.MaxScatterPoints < 1) throw new ArgumentException($"MaxScatterPoints is {o.MaxScatterPoints}; it must be at least 1.", nameof(options));

        var cats = o.Labels is null ? new Categorized(new int[n], new[] { "" }, false) : Categories(o.Labels);
        var (category, categoryNames) = (cats.Index, cats.Names);
        int bins = o.Bins > 0 ? o.Bins : AutoBins(latent);
        double min = latent.Min(), max = latent.Max();
        if (max - min < 1e-12) { min -= 0.5; max += 0.5; }
        double width = (max - min) / bins;
        var counts = new int[bins, categoryNames.Length];
        for (int i = 0; i < n; i++)
            counts[Math.Min(bins - 1, (int)((latent[i] - min) / width)), category[i]]++;

        var hist = NewPlot();
        var bars = new List<Bar>();
        int tallest = 0;
        for (int b = 0; b < bins; b++)
        {
            int stack = 0;
            for (int c = 0; c < categoryNames.Length; c++)
            {
                if (counts[b, c] == 0) continue;
                bars.Add(new Bar
                {
                    Position = min + (b + 0.5) * width, Size = width, ValueBase = stack, Value = stack + counts[b, c],
                    FillColor = o.Labels is null ? PlotPalette.Get(1) : CategoryColor(c, cats), LineWidth = 0,
                });
                stack += counts[b, c];
            }
            tallest = Math.Max(tallest, stack);
        }
        hist.Add.Bars(bars);
        hist.Title($"{n.ToString(CultureInfo.InvariantCulture)} {o.CountLabel}, {bins} bins", 15);
        hist.XLabel(o.XLabel, 13);
        hist.YLabel(o.CountLabel, 13);
        hist.Axes.SetLimits(min - width, max + width, 0, Math.Max(1, tallest) * 1.08);
        var plots = new List<Plot> { hist };

        if (o.TrueTime is { } t)
        {
            var sc = NewPlot();
            var keep = Thin(Enumerable.Range(0, n).ToArray(), o.MaxScatterPoints);
            for (int c = 0; c < categoryNames.Length; c++)
            {
                var idx = keep.Where(i => category[i] == c).ToArray();
                if (idx.Length == 0) continue;
                var color = o.Labels is null ? PlotPalette.Get(1) : CategoryColor(c, cats);
                sc.Add.Markers(idx.Select(i => t[i]).ToArray(), idx.Select(i => latent[i]).ToArray(), MarkerShape.FilledCircle, 4, color.WithAlpha(0.45));
            }
            double rho = Stats.Spearman(latent, t);
            sc.Title(double.IsNaN(rho) ? "against the true time" : $"against the true time: Spearman ρ = {rho.ToString("F3", CultureInfo.InvariantCulture)}", 15);
            sc.XLabel(o.TrueTimeLabel, 13);
            sc.YLabel(o.XLabel, 13);
            plots.Add(sc);
        }

        var figure = new Figure(plots, o.Title, 0, o.PanelWidth, o.PanelHeight);
        if (o.Labels is not null)
            for (int c = 0; c < categoryNames.Length; c++) figure.Legend.Add(new LegendEntry(categoryNames[c], CategoryColor(c, cats)));
        return figure;
    }

    /// <summary>
    /// φ as a heat map: one row per feature, one column per family, the features sorted by assigned family and then by
    /// φ of that family (most confident first), white lines between the families' blocks, a colour bar for φ in [0, 1],
    /// and — when known — a strip with each feature's true label. With more than <see cref="PhiHeatmapOptions.MaxRows"/>
    /// features, consecutive sorted rows are averaged into that many bands (the title says so), and the strip shows each
    /// band's most common label.
    /// </summary>
    public static Figure PhiHeatmap(double[,] phi, int[] assignments, IReadOnlyList<string> familyNames, PhiHeatmapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(phi);
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(familyNames);
        var o = options ?? new PhiHeatmapOptions();
        int d = phi.GetLength(0), k = phi.GetLength(1);
        if (d == 0) throw new ArgumentException("phi has no rows: there are no features to draw.", nameof(phi));
        if (k == 0) throw new ArgumentException("phi has no columns: there are no families.", nameof(phi));
        var families = Check.Names(familyNames, nameof(familyNames), "family", unique: true);
        if (families.Length != k) throw new ArgumentException($"phi has {k} columns (families) but {families.Length} family names were given.", nameof(familyNames));
        if (assignments.Length != d) throw new ArgumentException($"phi has {d} rows (features) but assignments has {assignments.Length}.", nameof(assignments));
        var features = o.FeatureNames is null
            ? Enumerable.Range(1, d).Select(i => "feature " + i.ToString(CultureInfo.InvariantCulture)).ToArray()
            : Check.Names(o.FeatureNames, "FeatureNames", "feature");
        if (features.Length != d) throw new ArgumentException($"FeatureNames has {features.Length} names but phi has {d} rows.", nameof(options));
        Check.Assignments(assignments, k, features, nameof(assignments));
        CheckPhiValues(phi, features, families, nameof(phi));
        if (o.TrueLabels is { } truth)
        {
            if (truth.Count != d) throw new ArgumentException($"TrueLabels has {truth.Count} values but phi has {d} rows.", nameof(options));
            Check.Labels(truth, "TrueLabels");
        }
        if (o.MaxRows < 1) throw new ArgumentException($"MaxRows is {o.MaxRows}; it must be at least 1.", nameof(options));
        if (o.MaxFeatureLabels < 0) throw new ArgumentException($"MaxFeatureLabels is {o.MaxFeatureLabels}; it must not be negative.", nameof(options));

        var order = Enumerable.Range(0, d).OrderBy(j => assignments[j]).ThenByDescending(j => phi[j, assignments[j]]).ThenBy(j => j).ToArray();
        // rows beyond MaxRows are averaged in bands of consecutive sorted features (a band is about one pixel high)
        int bands = Math.Min(d, o.MaxRows);
        int BandStart(int b) => (int)((long)b * d / bands);
        var cells = new double[bands, k];
        for (int b = 0; b < bands; b++)
        {
            int lo = BandStart(b), hi = BandStart(b + 1);
            for (int r = lo; r < hi; r++)
                for (int c = 0; c < k; c++) cells[b, c] += phi[order[r], c] / (hi - lo);
        }

        bool named = d <= o.MaxFeatureLabels;
        var plot = NewPlot();
        var map = plot.Add.Heatmap(cells);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.ManualRange = new ScottPlot.Range(0, 1);
        map.Rectangle = new CoordinateRect(-0.5, k - 0.5, -0.5, d - 0.5);
        map.RenderStrategy = new ScottPlot.Plottables.Heatmap.RenderStrategies.Rectangles(); // crisp cells in SVG too
        var bar = plot.Add.ColorBar(map);
        bar.Axis.SetTicks(new[] { 0, 0.25, 0.5, 0.75, 1 }, new[] { "0", "0.25", "0.5", "0.75", "1" });
        bar.Axis.MinorTickStyle.Length = 0;

        // family blocks: row r is drawn at y = d − 1 − r
        var blockStart = new List<(int Family, int Start, int End)>();
        for (int r = 0; r < d;)
        {
            int f = assignments[order[r]], s = r;
            while (r < d && assignments[order[r]] == f) r++;
            blockStart.Add((f, s, r));
        }
        double left = o.TrueLabels is null ? -0.5 : -1.6;
        foreach (var (_, _, end) in blockStart.Take(blockStart.Count - 1))
        {
            var sep = plot.Add.Line(left, d - end - 0.5, k - 0.5, d - end - 0.5);
            sep.LineColor = Colors.White;
            sep.LineWidth = 2;
        }

        var figure = (Figure?)null;
        var legend = new List<LegendEntry>();
        if (o.TrueLabels is { } labels)
        {
            var cats = Categories(labels, families);
            var (cat, names) = (cats.Index, cats.Names);
            // one label per band: the band's most common (lowest category index on a tie); runs of equal bands merged
            var bandLabel = new int[bands];
            for (int b = 0; b < bands; b++)
                bandLabel[b] = Enumerable.Range(BandStart(b), BandStart(b + 1) - BandStart(b)).Select(r => cat[order[r]])
                    .GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
            for (int b = 0; b < bands;)
            {
                int c = bandLabel[b], s = b;
                while (b < bands && bandLabel[b] == c) b++;
                var rect = plot.Add.Rectangle(-1.45, -0.6, d - BandStart(b) - 0.5, d - BandStart(s) - 0.5);
                rect.FillColor = CategoryColor(c, cats);
                rect.LineWidth = 0;
            }
            for (int c = 0; c < names.Length; c++)
                if (bandLabel.Contains(c)) legend.Add(new LegendEntry("true: " + names[c], CategoryColor(c, cats)));
        }

        var xs = Enumerable.Range(0, k).Select(c => (double)c).ToList();
        var xl = families.ToList();
        if (o.TrueLabels is not null) { xs.Insert(0, -1.025); xl.Insert(0, "truth"); }
        plot.Axes.Bottom.SetTicks(xs.ToArray(), xl.ToArray());
        plot.Axes.Bottom.MinorTickStyle.Length = 0;
        plot.Axes.Left.MinorTickStyle.Length = 0;
        if (named)
            plot.Axes.Left.SetTicks(Enumerable.Range(0, d).Select(r => (double)(d - 1 - r)).ToArray(), order.Select(j => Short(features[j], 24)).ToArray());
        else
            plot.Axes.Left.SetTicks(blockStart.Select(b => d - (b.Start + b.End) / 2.0).ToArray(),
                blockStart.Select(b => $"{families[b.Family]} ({b.End - b.Start})").ToArray());
        plot.Axes.Left.TickLabelStyle.FontSize = named && d > 30 ? 9 : 11;
        plot.Title($"φ of {Count(d, "feature")}, sorted by family and φ{(bands < d ? $" ({bands} bands)" : "")}", 15);
        plot.XLabel("family", 13);
        plot.YLabel(named ? "feature" : "features by assigned family", 13);
        plot.Axes.SetLimits(left, k - 0.5, -0.5, d - 0.5);
        plot.HideGrid();

        int height = o.PanelHeight > 0 ? o.PanelHeight : named ? Math.Clamp(14 * d + 130, 320, 1400) : 560;
        int width = o.PanelWidth > 0 ? o.PanelWidth : Math.Clamp(300 + 70 * k + (o.TrueLabels is null ? 0 : 60), 380, 1600);
        figure = new Figure(new[] { plot }, o.Title, 1, width, height);
        figure.Legend.AddRange(legend);
        return figure;
    }

    private static Plot NewPlot()
    {
        PlotFonts.Register();
        var plot = new Plot();
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Title.Label.ForeColor = Ink;
        return plot;
    }

    /// <summary>
    /// The corner of the data area (and the number of points its box covers) whose legend-sized box (fractions <paramref name="boxWidth"/> × <paramref name="boxHeight"/>
    /// of the axes) covers the fewest drawn points; ties keep the first of upper right, upper left, lower right, lower left.
    /// A lower box starts <paramref name="bottomReserve"/> (a fraction) above the bottom edge.
    /// </summary>
    internal static (Alignment Corner, int Hits) EmptiestCorner(IEnumerable<(double X, double Y)> points, (double Lo, double Hi) x, (double Lo, double Hi) y,
        double boxWidth, double boxHeight, double bottomReserve = 0)
    {
        var corners = new[] { Alignment.UpperRight, Alignment.UpperLeft, Alignment.LowerRight, Alignment.LowerLeft };
        var hits = new int[4];
        foreach (var (px, py) in points)
        {
            double u = (px - x.Lo) / (x.Hi - x.Lo), v = (py - y.Lo) / (y.Hi - y.Lo);
            bool right = u >= 1 - boxWidth, left = u <= boxWidth, up = v >= 1 - boxHeight, down = v >= bottomReserve && v <= bottomReserve + boxHeight;
            if (up && right) hits[0]++;
            if (up && left) hits[1]++;
            if (down && right) hits[2]++;
            if (down && left) hits[3]++;
        }
        int best = 0;
        for (int c = 1; c < 4; c++) if (hits[c] < hits[best]) best = c;
        return (corners[best], hits[best]);
    }

    private static Color FamilyColor(int f) => f < PlotPalette.Count ? PlotPalette.Get(f) : Color.FromHex("#444444");

    private static Color CategoryColor(int c, Categorized cats) => cats.HasOther && c == cats.Names.Length - 1 ? PlotPalette.Other : PlotPalette.Get(c);

    /// <summary>Labels turned into category indices; with <see cref="HasOther"/> the last name pools the rare labels.</summary>
    private sealed record Categorized(int[] Index, string[] Names, bool HasOther);

    /// <summary>Category index per value and the category names: ordinal name order, or with more than 20 the 19 most frequent and "other (m labels)".</summary>
    private static Categorized Categories(IReadOnlyList<string> labels, IReadOnlyList<string>? first = null)
    {
        var counts = labels.GroupBy(l => l, StringComparer.Ordinal).Select(g => (Name: g.Key, Count: g.Count())).ToList();
        List<string> names;
        string? other = null;
        if (first is not null && first.Count <= PlotPalette.Count && counts.Count <= PlotPalette.Count)
        {
            // labels named like the families take the families' colours (index order), the rest follow in name order
            var present = counts.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            names = first.ToList();
            names.AddRange(counts.Select(c => c.Name).Where(n => !first.Contains(n, StringComparer.Ordinal)).Order(StringComparer.Ordinal));
            if (names.Count > PlotPalette.Count) names = names.Where(present.Contains).ToList();
        }
        else if (counts.Count <= PlotPalette.Count) names = counts.Select(c => c.Name).Order(StringComparer.Ordinal).ToList();
        else
        {
            names = counts.OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.Ordinal).Take(PlotPalette.Count - 1).Select(c => c.Name).ToList();
            other = $"other ({counts.Count - names.Count} labels)";
        }
        var index = names.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.Ordinal);
        var result = new int[labels.Count];
        for (int i = 0; i < result.Length; i++) result[i] = index.TryGetValue(labels[i], out int c) ? c : names.Count;
        if (other is not null) names.Add(other);
        return new Categorized(result, names.ToArray(), other is not null);
    }

    private static int AutoBins(double[] x)
    {
        var s = x.Order().ToArray();
        double iqr = Stats.Quantile(s, 0.75) - Stats.Quantile(s, 0.25), range = s[^1] - s[0];
        int bins = iqr > 0 && range > 0 ? (int)Math.Ceiling(range / (2 * iqr * Math.Pow(s.Length, -1.0 / 3))) : (int)Math.Ceiling(Math.Sqrt(s.Length));
        return Math.Clamp(bins, 10, 60);
    }

    private static void CheckPhiValues(double[,] phi, IReadOnlyList<string> features, IReadOnlyList<string> families, string name)
    {
        for (int j = 0; j < phi.GetLength(0); j++)
            for (int c = 0; c < phi.GetLength(1); c++)
            {
                double v = phi[j, c];
                if (!double.IsFinite(v) || v < -1e-9 || v > 1 + 1e-9)
                    throw new ArgumentException($"{name}[{j}, {c}] (feature '{features[j]}', family '{families[c]}') is {Check.Format(v)}; φ is a probability in [0, 1].", name == "Phi" ? "options" : name);
            }
    }

    /// <summary>Every ⌈n / max⌉-th element, so at most <paramref name="max"/> remain, spread evenly.</summary>
    private static int[] Thin(int[] items, int max)
    {
        if (items.Length <= max) return items;
        int step = (items.Length + max - 1) / max;
        return items.Where((_, i) => i % step == 0).ToArray();
    }

    private static string Short(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";
}

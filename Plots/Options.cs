namespace DerivSpec.Plots;

/// <summary>Settings of <see cref="Figures.Trajectories"/>; every one has a default.</summary>
public sealed class TrajectoryOptions
{
    /// <summary>Figure title, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary>Label of every panel's x axis.</summary>
    public string XLabel { get; init; } = "z";

    /// <summary>Label of every panel's y axis.</summary>
    public string YLabel { get; init; } = "value";

    /// <summary>
    /// φ, d × K (feature, family): within a family the features are drawn most confident first, and with
    /// <see cref="MaxFeaturesPerFamily"/> the most confident ones are kept. Null: feature order.
    /// </summary>
    public double[,]? Phi { get; init; }

    /// <summary>At most this many features per family panel (the first ones in the order above); null for all.</summary>
    public int? MaxFeaturesPerFamily { get; init; }

    /// <summary>Latent position of each sample (N values): drawn as a rug under the curves. Null for none.</summary>
    public double[]? Latent { get; init; }

    /// <summary>
    /// Observed values, N × d (sample, feature) on the curves' scale, drawn as faint points at <see cref="Latent"/>
    /// (which is then required). Transform them first if the curves are on another scale (log-means: log1p counts).
    /// </summary>
    public double[,]? Data { get; init; }

    /// <summary>At most this many data points (and rug marks) per feature; larger sets are thinned evenly.</summary>
    public int MaxPointsPerFeature { get; init; } = 1000;

    /// <summary>
    /// A panel showing at most this many features colours each one and names it in a legend; a panel with more draws
    /// them all in the family's colour. At most the palette's 20.
    /// </summary>
    public int LegendLimit { get; init; } = 10;

    /// <summary>Panels per row; 0 chooses.</summary>
    public int Columns { get; init; }

    /// <summary>Width of one panel (pixels at PNG scale 1).</summary>
    public int PanelWidth { get; init; } = 440;

    /// <summary>Height of one panel.</summary>
    public int PanelHeight { get; init; } = 340;
}

/// <summary>Settings of <see cref="Figures.PseudotimeHistogram"/>.</summary>
public sealed class PseudotimeOptions
{
    /// <summary>Figure title, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary>Label of the latent axis.</summary>
    public string XLabel { get; init; } = "pseudotime (posterior mean of z)";

    /// <summary>What a sample is called on the count axis ("cells", "samples").</summary>
    public string CountLabel { get; init; } = "samples";

    /// <summary>
    /// A categorical label per sample (N values: cell type, batch): the histogram is stacked by it, one colour per label.
    /// More than 20 labels: the 19 most frequent keep a colour and the rest are pooled as "other".
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<string>? Labels { get; init; }

    /// <summary>The true time of each sample (N values), when known: adds a panel of pseudotime against it with Spearman's ρ.</summary>
    public double[]? TrueTime { get; init; }

    /// <summary>Label of the true-time axis.</summary>
    public string TrueTimeLabel { get; init; } = "true time";

    /// <summary>Number of bins; 0 chooses (Freedman–Diaconis, kept within 10..60).</summary>
    public int Bins { get; init; }

    /// <summary>At most this many points in the true-time panel; larger sets are thinned evenly.</summary>
    public int MaxScatterPoints { get; init; } = 5000;

    /// <summary>Width of one panel.</summary>
    public int PanelWidth { get; init; } = 480;

    /// <summary>Height of one panel.</summary>
    public int PanelHeight { get; init; } = 340;
}

/// <summary>Settings of <see cref="Figures.PhiHeatmap"/>.</summary>
public sealed class PhiHeatmapOptions
{
    /// <summary>Figure title, or null for none.</summary>
    public string? Title { get; init; }

    /// <summary>Feature names (d), or null for <c>feature 1</c> … <c>feature d</c>.</summary>
    public System.Collections.Generic.IReadOnlyList<string>? FeatureNames { get; init; }

    /// <summary>A known family (or any category) per feature (d values): drawn as a colour strip beside the map.</summary>
    public System.Collections.Generic.IReadOnlyList<string>? TrueLabels { get; init; }

    /// <summary>
    /// With at most this many features every row is labelled with its feature name; with more, each family's block is
    /// labelled with the family and its size.
    /// </summary>
    public int MaxFeatureLabels { get; init; } = 60;

    /// <summary>
    /// At most this many rows: with more features, consecutive rows (in the sorted order) are averaged into this many
    /// bands. 400 keeps a band near one pixel of the default panel and the SVG small.
    /// </summary>
    public int MaxRows { get; init; } = 400;

    /// <summary>Panel width; 0 chooses from the number of families.</summary>
    public int PanelWidth { get; init; }

    /// <summary>Panel height; 0 chooses from the number of labelled rows.</summary>
    public int PanelHeight { get; init; }
}

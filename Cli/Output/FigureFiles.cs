using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using DerivSpec.Plots;

namespace DerivSpec.Cli.Output;

/// <summary>What the figures of a results folder are drawn from, as plain arrays.</summary>
public sealed record FigureInputs
{
    /// <summary>The model's name (for titles).</summary>
    public required string ModelName { get; init; }

    /// <summary>Family names, K.</summary>
    public required IReadOnlyList<string> FamilyNames { get; init; }

    /// <summary>Feature names, d.</summary>
    public required IReadOnlyList<string> FeatureNames { get; init; }

    /// <summary>Assigned family per feature (index into <see cref="FamilyNames"/>).</summary>
    public required int[] Assignments { get; init; }

    /// <summary>φ [d, K].</summary>
    public required double[,] Phi { get; init; }

    /// <summary>The curve grid along the pseudotime.</summary>
    public required double[] Grid { get; init; }

    /// <summary>Each feature's curve in its assigned family, d arrays of G values.</summary>
    public required IReadOnlyList<double[]> AssignedCurves { get; init; }

    /// <summary>Pseudotime per sample.</summary>
    public required double[] Pseudotime { get; init; }

    /// <summary>The true family per feature, when known.</summary>
    public IReadOnlyList<string>? TrueFamilies { get; init; }

    /// <summary>The true time per sample, when known.</summary>
    public double[]? TrueTime { get; init; }
}

/// <summary>
/// The figures of a results folder, each as PNG and SVG under <c>figures/</c>: <c>trajectories</c> (every feature's
/// fitted curve, one panel per family), <c>pseudotime</c> (histogram of the samples' pseudotime, and against the true
/// time when known) and <c>phi</c> (φ heat map). Drawn by DerivSpec.Plots.
/// </summary>
public static class FigureFiles
{
    /// <summary>The folder of the figures inside a results folder.</summary>
    public const string Folder = "figures";

    /// <summary>The figure names (without extension), in the order the report lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = new[] { "trajectories", "pseudotime", "phi" };

    /// <summary>Draws every figure; <paramref name="pathFor"/> maps a relative path (<c>figures/phi.png</c>) to where
    /// it is written. Returns the relative paths written.</summary>
    public static IReadOnlyList<string> Write(FigureInputs inputs, Func<string, string> pathFor)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(pathFor);
        var written = new List<string>();
        void Save(Figure figure, string name)
        {
            using (figure)
            {
                var rel = Folder + "/" + name;
                figure.SavePng(pathFor(rel + ".png"));
                figure.SaveSvg(pathFor(rel + ".svg"));
                written.Add(rel + ".png");
                written.Add(rel + ".svg");
            }
        }
        var fit = FittedCurves.FromAssignedCurves(inputs.Grid, inputs.AssignedCurves, inputs.Assignments, inputs.FamilyNames, inputs.FeatureNames);
        Save(Figures.Trajectories(fit, new TrajectoryOptions
        {
            Title = $"{inputs.ModelName}: fitted trajectories by family",
            XLabel = "pseudotime z",
            Phi = inputs.Phi,
            Latent = inputs.Pseudotime,
        }), "trajectories");
        Save(Figures.PseudotimeHistogram(inputs.Pseudotime, new PseudotimeOptions
        {
            Title = $"{inputs.ModelName}: pseudotime of {inputs.Pseudotime.Length.ToString(CultureInfo.InvariantCulture)} samples",
            TrueTime = inputs.TrueTime,
        }), "pseudotime");
        Save(Figures.PhiHeatmap(inputs.Phi, inputs.Assignments, inputs.FamilyNames, new PhiHeatmapOptions
        {
            Title = $"{inputs.ModelName}: family probabilities φ",
            FeatureNames = inputs.FeatureNames,
            TrueLabels = inputs.TrueFamilies,
        }), "phi");
        return written;
    }

    /// <summary>What the figure at <paramref name="relative"/> shows, for the report.</summary>
    public static string Describe(string relative) => Path.GetFileNameWithoutExtension(relative) switch
    {
        "trajectories" => "every feature's fitted curve, one panel per family, with a rug of the samples' pseudotime",
        "pseudotime" => "histogram of the samples' pseudotime (and against the true time, when given)",
        "phi" => "φ, the probability of each family per feature, sorted by assigned family",
        _ => "",
    };
}

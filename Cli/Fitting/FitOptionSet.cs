using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Fitting;

/// <summary>Everything <c>derivspec fit</c> was asked to do.</summary>
public sealed record FitSettings
{
    /// <summary>The .dspec file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>The data file or folder.</summary>
    public required string DataPath { get; init; }

    /// <summary>The output folder.</summary>
    public required string Out { get; init; }

    /// <summary>The model to fit when the file declares several.</summary>
    public string? ModelName { get; init; }

    /// <summary>Epochs; null = the training default for the data size.</summary>
    public int? Epochs { get; init; }

    /// <summary>Minibatch size.</summary>
    public int Batch { get; init; } = 32;

    /// <summary>The seed that covers the whole run.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Training runs from different seeds; the best by training ELBO is kept.</summary>
    public int Restarts { get; init; } = 1;

    /// <summary>Fraction of the steps with φ held uniform (TrainOptions.AssignmentWarmup); null = the default for the
    /// model's likelihood (TrainOptions.DefaultAssignmentWarmup).</summary>
    public double? AssignWarmup { get; init; }

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>torch CPU threads; null = the training default.</summary>
    public int? Threads { get; init; }

    /// <summary>The integration rule (<see cref="IntegrationRules"/>).</summary>
    public string Integration { get; init; } = IntegrationRules.Fixed;

    /// <summary>An .h5ad layer to fit instead of X.</summary>
    public string? Layer { get; init; }

    /// <summary>A file with the true family per feature.</summary>
    public string? LabelsFile { get; init; }

    /// <summary>A per-feature (var) column with the true family.</summary>
    public string? LabelsColumn { get; init; }

    /// <summary>A file with the true pseudotime per sample.</summary>
    public string? TimeFile { get; init; }

    /// <summary>A per-sample (obs) column with the true pseudotime.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>No progress display.</summary>
    public bool Quiet { get; init; }

    /// <summary>The command line, for the report.</summary>
    public string CommandLine { get; init; } = "";
}

/// <summary>The options of <c>derivspec fit</c>, declared once with their checks.</summary>
public sealed class FitOptionSet
{
    private readonly Option<string> _out = new("--out", "-o") { Description = "Output folder (written all at once when the run succeeds).", Required = true };
    private readonly Option<string?> _model = new("--model") { Description = "The model to fit when the .dspec declares several." };
    private readonly Option<int?> _epochs = new("--epochs") { Description = "Training epochs (default: about 10^6 sample visits, clamp(10^6/N, 20, 300))." };
    private readonly Option<int> _batch = new("--batch") { Description = "Minibatch size.", DefaultValueFactory = _ => 32 };
    private readonly Option<long> _seed = new("--seed") { Description = "Seed of the whole run (initialisation, shuffling, noise).", DefaultValueFactory = _ => 1 };
    private readonly Option<int> _restarts = new("--restarts") { Description = "Train R times from different seeds and keep the run with the best training ELBO (no labels used).", DefaultValueFactory = _ => 1 };
    private readonly Option<double?> _warmup = new("--assign-warmup") { Description = "Fraction of the training steps during which the family probabilities phi stay uniform while the curves learn their shapes (0 = off; default 0.3 for count likelihoods, as Examples/SingleCell measured it, 0 otherwise)." };
    private readonly Option<string> _device = CommonOptions.Device();
    private readonly Option<int?> _threads = new("--threads") { Description = "torch CPU threads (default: half the logical processors)." };
    private readonly Option<string> _integration = CommonOptions.Integration();
    private readonly Option<string?> _layer = new("--layer") { Description = "Fit this .h5ad layer instead of X." };
    private readonly Option<string?> _labels = new("--labels") { Description = "File with the true family per feature (one per line) to print the ARI." };
    private readonly Option<string?> _labelsVar = new("--labels-var") { Description = "Per-feature (var) column of the .h5ad with the true family, to print the ARI." };
    private readonly Option<string?> _time = new("--time") { Description = "File with the true pseudotime per sample (one per line) to print |Spearman|." };
    private readonly Option<string?> _timeObs = new("--time-obs") { Description = "Per-sample (obs) column of the .h5ad with the true pseudotime, to print |Spearman|." };
    private readonly Option<bool> _quiet = new("--quiet", "-q") { Description = "No progress display." };

    /// <summary>Declares the options with their checks.</summary>
    public FitOptionSet()
    {
        AtLeast(_epochs, 1);
        AtLeast(_batch, 1);
        AtLeast(_restarts, 1);
        AtLeast(_threads, 1);
        _warmup.Validators.Add(r =>
        {
            if (CommonOptions.TryGetValue(r, out double? value) && value is double v && !(v >= 0 && v <= 1))
                r.AddError($"--assign-warmup must be between 0 and 1; got {v.ToString(CultureInfo.InvariantCulture)}.");
        });
        _seed.Validators.Add(r =>
        {
            if (CommonOptions.TryGetValue(r, out long v) && v < 0) r.AddError("--seed must be ≥ 0.");
        });
    }

    private static void AtLeast(Option<int?> option, int min) => option.Validators.Add(r =>
    {
        if (CommonOptions.TryGetValue(r, out int? value) && value is int v && v < min) r.AddError($"{option.Name} must be ≥ {min.ToString(CultureInfo.InvariantCulture)}; got {v.ToString(CultureInfo.InvariantCulture)}.");
    });

    private static void AtLeast(Option<int> option, int min) => option.Validators.Add(r =>
    {
        if (CommonOptions.TryGetValue(r, out int v) && v < min) r.AddError($"{option.Name} must be ≥ {min.ToString(CultureInfo.InvariantCulture)}; got {v.ToString(CultureInfo.InvariantCulture)}.");
    });

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(_out);
        command.Add(_model);
        command.Add(_epochs);
        command.Add(_batch);
        command.Add(_seed);
        command.Add(_restarts);
        command.Add(_warmup);
        command.Add(_device);
        command.Add(_threads);
        command.Add(_integration);
        command.Add(_layer);
        command.Add(_labels);
        command.Add(_labelsVar);
        command.Add(_time);
        command.Add(_timeObs);
        command.Add(_quiet);
    }

    /// <summary>The settings of a parsed command line; conflicting options are a <see cref="UsageException"/>.</summary>
    public FitSettings Read(ParseResult parse, string modelPath, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string? labels = parse.GetValue(_labels), labelsVar = parse.GetValue(_labelsVar);
        string? time = parse.GetValue(_time), timeObs = parse.GetValue(_timeObs);
        if (labels is not null && labelsVar is not null) throw new UsageException("give --labels FILE or --labels-var COLUMN, not both.");
        if (time is not null && timeObs is not null) throw new UsageException("give --time FILE or --time-obs COLUMN, not both.");
        return new FitSettings
        {
            ModelPath = modelPath,
            DataPath = dataPath,
            Out = parse.GetRequiredValue(_out),
            ModelName = parse.GetValue(_model),
            Epochs = parse.GetValue(_epochs),
            Batch = parse.GetValue(_batch),
            Seed = parse.GetValue(_seed),
            Restarts = parse.GetValue(_restarts),
            AssignWarmup = parse.GetValue(_warmup),
            Device = parse.GetValue(_device) ?? "auto",
            Threads = parse.GetValue(_threads),
            Integration = parse.GetValue(_integration) ?? IntegrationRules.Fixed,
            Layer = parse.GetValue(_layer),
            LabelsFile = labels,
            LabelsColumn = labelsVar,
            TimeFile = time,
            TimeColumn = timeObs,
            Quiet = parse.GetValue(_quiet),
            CommandLine = "derivspec " + string.Join(' ', parse.Tokens.Select(t => Quote(t.Value))),
        };
    }

    private static string Quote(string s) => s.Length > 0 && s.All(c => char.IsLetterOrDigit(c) || "-_./:=,+@".Contains(c)) ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

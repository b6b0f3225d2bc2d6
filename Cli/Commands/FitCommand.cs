using System;
using System.CommandLine;
using System.IO;
using DerivSpec.Cli.Fitting;
using DerivSpec.Cli.Output;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Commands;

/// <summary>
/// <c>derivspec fit MODEL.dspec DATA --out DIR</c>: compiles the .dspec at run time, reads the data, trains (with a
/// progress bar), prints the families per count and, when the truth is given, the ARI and |Spearman|, and writes the
/// results into DIR all at once.
/// </summary>
public static class FitCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var model = new Argument<string>("MODEL.dspec") { Description = "The .dspec file declaring the model." };
        var data = new Argument<string>("DATA")
        {
            Description = "The data: .h5ad (dense or sparse X), .csv/.tsv (samples in rows, features in columns), .mtx, or a 10x folder.",
        };
        var o = new FitOptionSet();
        var command = new Command("fit", "Fit a .dspec model to a data file and write results, model, figures and a report into --out.")
        {
            model, data,
        };
        o.AddTo(command);
        command.SetAction(parse => CommandHost.Run(DerivSpecCli.Name, ct =>
        {
            var settings = o.Read(parse, parse.GetRequiredValue(model), parse.GetRequiredValue(data));
            var progress = new TrainingProgress(stdout, quiet: settings.Quiet);
            return FitRun.Run(settings, stdout, stderr, progress, ct);
        }, stderr));
        return command;
    }
}

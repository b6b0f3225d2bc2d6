using System;
using System.CommandLine;
using System.IO;
using DerivSpec.Cli.Commands;
using DerivSpec.Tools;

namespace DerivSpec.Cli;

/// <summary>
/// The <c>derivspec</c> command line: the root command with its subcommands, and the parse-error handling that gives
/// exit code 2 with "did you mean" hints for unknown options and commands.
/// </summary>
public static class DerivSpecCli
{
    /// <summary>The command's name, starting every error line.</summary>
    public const string Name = "derivspec";

    /// <summary>Builds the root command; subcommands write to <paramref name="stdout"/> and <paramref name="stderr"/>.</summary>
    public static RootCommand Build(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand(
            "derivspec: fit BasisDeVAE models declared in .dspec files to single-cell or other tabular data.\n" +
            "Each feature gets a family of proven shape (rising, falling, one peak, …) and each sample a latent position.")
        {
            CheckCommand.Create(stdout, stderr),
            FitCommand.Create(stdout, stderr),
            PredictCommand.Create(stdout, stderr),
            PlotCommand.Create(stdout, stderr),
            NewCommand.Create(stdout, stderr),
            CompletionCommand.Create(stdout, stderr),
        };
        return root;
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        return CommandLineApp.Run(Build(stdout, stderr), args, stdout, stderr, Name, helpWhenEmpty: true);
    }
}

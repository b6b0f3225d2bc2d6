using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;
using DerivSpec.Cli.Commands;
using DerivSpec.Language.Semantics;
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
        var root = Build(stdout, stderr);
        // Ctrl+C is handled by CommandHost (so that cancellation reaches training and the output stays untouched).
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null, Output = stdout, Error = stderr };
        if (args.Length == 0)
        {
            root.Parse(new[] { "--help" }).Invoke(config);
            return ExitCodes.Usage;
        }
        var parse = root.Parse(args);
        var unknown = UnknownOptions(parse);
        if (unknown.Count > 0 || parse.Action is ParseErrorAction)
        {
            ReportParseErrors(parse, unknown, stderr);
            return ExitCodes.Usage;
        }
        return parse.Invoke(config);
    }

    /// <summary>
    /// Tokens that look like options (start with '-', are not numbers) but name none of the command's: System.CommandLine
    /// takes them for argument values when the command has room for more arguments, so they are found here. A value
    /// that really starts with '-' can follow "--".
    /// </summary>
    private static List<string> UnknownOptions(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string path = string.Join(" ", CommandPath(parse.CommandResult));
        var options = AllOptions(command).SelectMany(o => new[] { o.Name }.Concat(o.Aliases)).Distinct().ToList();
        var lines = new List<string>();
        foreach (var token in parse.Tokens)
        {
            if (token.Type == TokenType.DoubleDash) break;
            if (token.Type is TokenType.Option or TokenType.Command or TokenType.Directive) continue;
            if (!token.Value.StartsWith('-') || token.Value.Length < 2) continue;
            if (double.TryParse(token.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)) continue;
            string name = token.Value.Split('=', 2)[0];
            if (options.Contains(name)) continue;
            var near = Suggest.Closest(name.TrimStart('-'), options.Select(o => o.TrimStart('-')));
            var match = near is null ? null : options.First(o => o.TrimStart('-') == near);
            lines.Add($"{path}: unknown option {name}.{(match is null ? "" : $" Did you mean {match}?")}");
        }
        return lines;
    }

    /// <summary>Prints the unknown options, or else System.CommandLine's parse errors (an unknown command with the
    /// closest known one), then where to find the usage.</summary>
    private static void ReportParseErrors(ParseResult parse, List<string> unknown, TextWriter stderr)
    {
        string path = string.Join(" ", CommandPath(parse.CommandResult));
        var lines = new List<string>(unknown);
        if (lines.Count == 0)
        {
            var subcommands = parse.CommandResult.Command.Subcommands.Select(c => c.Name).ToList();
            foreach (var error in parse.Errors)
            {
                string message = error.Message;
                // An unknown command word already explains why no command was found.
                if (parse.UnmatchedTokens.Count > 0 && error.SymbolResult is CommandResult { Command: RootCommand } && parse.Errors.Count > 1
                    && !parse.UnmatchedTokens.Any(t => message.Contains($"'{t}'", StringComparison.Ordinal))) continue;
                var unmatched = parse.UnmatchedTokens.FirstOrDefault(t => message.Contains($"'{t}'", StringComparison.Ordinal));
                if (unmatched is not null && subcommands.Count > 0 && Suggest.Closest(unmatched, subcommands) is string sub)
                    message += $" Did you mean '{sub}'?";
                lines.Add($"{path}: {message.Replace(Environment.NewLine, " ", StringComparison.Ordinal).Replace('\t', ' ')}");
            }
        }
        foreach (var line in lines.Distinct()) stderr.WriteLine(line);
        stderr.WriteLine($"Run '{path} --help' for usage.");
    }

    private static IEnumerable<string> CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command is RootCommand ? Name : c.Command.Name);
        names.Reverse();
        return names;
    }

    private static IEnumerable<Option> AllOptions(Command command)
    {
        foreach (var o in command.Options) yield return o;
        foreach (var parent in command.Parents.OfType<Command>())
            foreach (var o in AllOptions(parent))
                if (o.Recursive) yield return o;
    }
}

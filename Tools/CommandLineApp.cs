using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.IO;
using System.Linq;
using DerivSpec.Language.Semantics;

namespace DerivSpec.Tools;

/// <summary>
/// Runs a System.CommandLine command tree the way DerivSpec's programs do: Ctrl+C left to <see cref="CommandHost"/>
/// (so cancellation reaches training), parse errors on stderr with exit code <see cref="ExitCodes.Usage"/>, an unknown
/// option or command named with the closest known one ("Did you mean --epochs?"), then where to find the usage.
/// </summary>
public static class CommandLineApp
{
    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and runs the chosen command's action;
    /// returns its exit code, or <see cref="ExitCodes.Usage"/> for a command line that does not parse.</summary>
    /// <param name="root">The command tree.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Where help goes.</param>
    /// <param name="stderr">Where parse errors go.</param>
    /// <param name="name">The program's name, starting each error line (default: the root command's, which is the
    /// executable's).</param>
    /// <param name="helpWhenEmpty">With no arguments, print the help and return <see cref="ExitCodes.Usage"/> (for a
    /// root that needs a subcommand).</param>
    public static int Run(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr, string? name = null, bool helpWhenEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        // Ctrl+C is handled by CommandHost (so that cancellation reaches training and the output stays untouched).
        var config = new InvocationConfiguration { ProcessTerminationTimeout = null, Output = stdout, Error = stderr };
        if (args.Length == 0 && helpWhenEmpty)
        {
            root.Parse(new[] { "--help" }).Invoke(config);
            return ExitCodes.Usage;
        }
        var parse = root.Parse(args);
        string program = name ?? root.Name;
        var unknown = UnknownOptions(parse, program);
        if (unknown.Count > 0 || parse.Action is ParseErrorAction)
        {
            ReportParseErrors(parse, unknown, stderr, program);
            return ExitCodes.Usage;
        }
        return parse.Invoke(config);
    }

    /// <summary>
    /// Tokens that look like options (start with '-', are not numbers) but name none of the command's: System.CommandLine
    /// takes them for argument values when the command has room for more arguments, so they are found here. A value
    /// that really starts with '-' can follow "--".
    /// </summary>
    private static List<string> UnknownOptions(ParseResult parse, string program)
    {
        var command = parse.CommandResult.Command;
        string path = string.Join(" ", CommandPath(parse.CommandResult, program));
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
    private static void ReportParseErrors(ParseResult parse, List<string> unknown, TextWriter stderr, string program)
    {
        string path = string.Join(" ", CommandPath(parse.CommandResult, program));
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
                lines.Add($"{path}: {Plain(message).Replace(Environment.NewLine, " ", StringComparison.Ordinal).Replace('\t', ' ')}");
            }
        }
        foreach (var line in lines.Distinct()) stderr.WriteLine(line);
        stderr.WriteLine($"Run '{path} --help' for usage.");
    }

    private static IEnumerable<string> CommandPath(CommandResult result, string program)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command is RootCommand ? program : c.Command.Name);
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

    /// <summary>System.CommandLine's conversion error ("Cannot parse argument 'x' for option '--epochs' as expected type
    /// 'System.Nullable`1[System.Int32]'") in words a user reads: "--epochs: 'x' is not an integer."</summary>
    private static string Plain(string message)
    {
        var m = System.Text.RegularExpressions.Regex.Match(message,
            @"^Cannot parse argument '(?<value>.*)' for option '(?<option>[^']+)' as expected type '(?<type>[^']+)'\.?");
        if (!m.Success) return message;
        string type = m.Groups["type"].Value;
        string what = type.Contains("Int", StringComparison.Ordinal) ? "an integer"
            : type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false" : "a valid value";
        return $"{m.Groups["option"].Value}: '{m.Groups["value"].Value}' is not {what}.";
    }
}

using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.IO;
using System.Threading;
using DerivSpec.Tools;

namespace DerivSpec.Examples;

/// <summary>
/// The command line of an example program, on System.CommandLine: typed options declared with their description,
/// default and range (the help is generated from them), parse errors with exit code 2 and "did you mean" hints
/// (<see cref="CommandLineApp"/>), and the body run under <see cref="CommandHost"/> (exit codes, Ctrl+C).
/// </summary>
public sealed class ExampleCommand
{
    private readonly string _name;
    private readonly RootCommand _root;

    /// <summary>Creates the command of the program <paramref name="name"/> (the word that starts its error lines).</summary>
    public ExampleCommand(string name, string description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        _root = new RootCommand(description);
    }

    /// <summary>An integer option in [<paramref name="min"/>, <paramref name="max"/>] with a default.</summary>
    public Option<int> Int(string name, string description, int defaultValue, int min = int.MinValue, int max = int.MaxValue) =>
        Ranged<int, int>(name, description, "N", _ => defaultValue, min, max);

    /// <summary>An optional integer option in [<paramref name="min"/>, <paramref name="max"/>] (null when not given).</summary>
    public Option<int?> OptionalInt(string name, string description, int min = int.MinValue, int max = int.MaxValue) =>
        Ranged<int?, int>(name, description, "N", null, min, max);

    /// <summary>A finite number option in [<paramref name="min"/>, <paramref name="max"/>] with a default.</summary>
    public Option<double> Double(string name, string description, double defaultValue, double min = double.MinValue, double max = double.MaxValue) =>
        Ranged<double, double>(name, description, "F", _ => defaultValue, min, max);

    /// <summary>An optional finite number option in [<paramref name="min"/>, <paramref name="max"/>] (null when not given).</summary>
    public Option<double?> OptionalDouble(string name, string description, double min = double.MinValue, double max = double.MaxValue) =>
        Ranged<double?, double>(name, description, "F", null, min, max);

    /// <summary>An option of type <typeparamref name="TOption"/> (a number or a nullable one) whose value, when given,
    /// must lie in [<paramref name="min"/>, <paramref name="max"/>] (and be finite); a default when
    /// <paramref name="defaultValue"/> is given.</summary>
    private Option<TOption> Ranged<TOption, TValue>(string name, string description, string helpName,
        Func<ArgumentResult, TOption>? defaultValue, TValue min, TValue max) where TValue : struct, IComparable<TValue>, IFormattable
    {
        var o = new Option<TOption>(name) { Description = description, HelpName = helpName };
        if (defaultValue is not null) o.DefaultValueFactory = defaultValue;
        o.Validators.Add(r =>
        {
            if (CommonOptions.TryGetValue(r, out TOption value) && value is TValue v) InRange(r, name, v, min, max);
        });
        return Add(o);
    }

    /// <summary>A text option with a default.</summary>
    public Option<string> String(string name, string description, string defaultValue, string? helpName = null)
    {
        var o = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = helpName };
        return Add(o);
    }

    /// <summary>A text option whose value is one of <paramref name="choices"/> (completed by the shell).</summary>
    public Option<string> Choice(string name, string description, string defaultValue, params string[] choices)
    {
        var o = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        o.AcceptOnlyFromAmong(choices);
        return Add(o);
    }

    /// <summary>An optional text option (null when not given).</summary>
    public Option<string?> OptionalString(string name, string description, string? helpName = null) =>
        Add(new Option<string?>(name) { Description = description, HelpName = helpName });

    /// <summary>A flag (true when given).</summary>
    public Option<bool> Flag(string name, string description) => Add(new Option<bool>(name) { Description = description });

    /// <summary>A list of integers written "1,2,3", "1-5" or a mix ("1-3,7"), each in [<paramref name="min"/>,
    /// <paramref name="max"/>].</summary>
    public Option<int[]> IntList(string name, string description, int[] defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var o = new Option<int[]>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseIntList(r, name, min, max),
            HelpName = "N|A-B|A,B,…",
        };
        return Add(o);
    }

    /// <summary><c>--device</c> (<see cref="CommonOptions.Device"/>).</summary>
    public Option<string> Device() => Add(CommonOptions.Device());

    /// <summary><c>--integration</c> (<see cref="CommonOptions.Integration"/>).</summary>
    public Option<string> Integration() => Add(CommonOptions.Integration());

    /// <summary>Adds an option declared elsewhere.</summary>
    public T Add<T>(T option) where T : Option
    {
        _root.Add(option);
        return option;
    }

    /// <summary>Parses <paramref name="args"/> and runs <paramref name="body"/> with the parsed values; returns the exit
    /// code (0 for --help, 2 for a command line that does not parse).</summary>
    public int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<ParseResult, CancellationToken, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        _root.SetAction(parse => CommandHost.Run(_name, ct => body(parse, ct), stderr));
        return CommandLineApp.Run(_root, args, stdout, stderr, _name);
    }

    private static void InRange<T>(OptionResult r, string name, T value, T min, T max) where T : IComparable<T>, IFormattable
    {
        if (value is double d && !double.IsFinite(d)) r.AddError($"{name}: {d.ToString(CultureInfo.InvariantCulture)} is not a finite number.");
        else if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
            r.AddError($"{name}: {value.ToString(null, CultureInfo.InvariantCulture)} is outside {min.ToString(null, CultureInfo.InvariantCulture)}..{max.ToString(null, CultureInfo.InvariantCulture)}.");
    }

    private static int[] ParseIntList(ArgumentResult r, string name, int min, int max)
    {
        var result = new List<int>();
        foreach (var token in r.Tokens)
        {
            foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int dash = part.IndexOf('-', 1);
                if (dash > 0
                    && int.TryParse(part[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out int a)
                    && int.TryParse(part[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) && a <= b)
                {
                    for (int k = a; k <= b; k++) result.Add(k);
                }
                else if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) result.Add(v);
                else
                {
                    r.AddError($"{name}: '{part}' is not an integer or a range a-b.");
                    return Array.Empty<int>();
                }
            }
        }
        if (result.Count == 0) r.AddError($"{name}: no values.");
        foreach (var v in result)
        {
            if (v < min || v > max)
            {
                r.AddError($"{name}: {v.ToString(CultureInfo.InvariantCulture)} is outside {min.ToString(CultureInfo.InvariantCulture)}..{max.ToString(CultureInfo.InvariantCulture)}.");
                break;
            }
        }
        return result.ToArray();
    }
}

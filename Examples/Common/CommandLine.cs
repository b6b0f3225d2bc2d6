using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using DerivSpec.Language.Semantics;
using DerivSpec.Tools;

namespace DerivSpec.Examples;

/// <summary>
/// <c>--name value</c>, <c>--name=value</c> and <c>--flag</c> options, checked against a declared list; typed getters
/// give messages naming the option.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandLine() { }

    /// <summary>True when --help or -h was given.</summary>
    public bool Help { get; private set; }

    /// <summary>Parses <paramref name="args"/>; <paramref name="options"/> take a value, <paramref name="flags"/> do not.</summary>
    public static CommandLine Parse(string[] args, IEnumerable<string> options, IEnumerable<string>? flags = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var known = new HashSet<string>(options, StringComparer.Ordinal);
        var knownFlags = new HashSet<string>(flags ?? Array.Empty<string>(), StringComparer.Ordinal);
        var c = new CommandLine();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (a is "-h" or "--help" or "-?") { c.Help = true; continue; }
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new UsageException($"unexpected argument '{a}' (options start with --; see --help).");
            var name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            if (knownFlags.Contains(name))
            {
                if (value is not null) throw new UsageException($"--{name} takes no value.");
                c._flags.Add(name);
                continue;
            }
            if (!known.Contains(name))
            {
                var all = known.Concat(knownFlags).ToList();
                var near = Suggest.Closest(name, all);
                var hint = near is not null ? $" Did you mean --{near}?" : "";
                throw new UsageException($"unknown option --{name}.{hint} (see --help)");
            }
            if (value is null)
            {
                if (i + 1 >= args.Length) throw new UsageException($"--{name} needs a value.");
                value = args[++i];
            }
            if (c._values.ContainsKey(name)) throw new UsageException($"--{name} is given twice.");
            c._values[name] = value;
        }
        return c;
    }

    /// <summary>Whether a flag was given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The raw value, or null.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>A string value or the default.</summary>
    public string Get(string name, string fallback) => Get(name) ?? fallback;

    /// <summary>An integer in [min, max], or the default.</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = Get(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new UsageException($"--{name}: '{s}' is not an integer.");
        if (v < min || v > max) throw new UsageException($"--{name}: {v} is outside {min}..{max}.");
        return v;
    }

    /// <summary>A list of integers: "1,2,3" or a range "1-5".</summary>
    public int[] Ints(string name, int[] fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = Get(name);
        if (s is null) return fallback;
        var result = new List<int>();
        foreach (var part in s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-', 1);
            if (dash > 0
                && int.TryParse(part[..dash], NumberStyles.Integer, CultureInfo.InvariantCulture, out int a)
                && int.TryParse(part[(dash + 1)..], NumberStyles.Integer, CultureInfo.InvariantCulture, out int b) && a <= b)
            {
                for (int k = a; k <= b; k++) result.Add(k);
            }
            else if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) result.Add(v);
            else throw new UsageException($"--{name}: '{part}' is not an integer or a range a-b.");
        }
        if (result.Count == 0) throw new UsageException($"--{name}: no values.");
        foreach (var v in result)
            if (v < min || v > max) throw new UsageException($"--{name}: {v} is outside {min}..{max}.");
        return result.ToArray();
    }

    /// <summary>A finite number in [min, max], or the default.</summary>
    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var s = Get(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new UsageException($"--{name}: '{s}' is not a number.");
        if (v < min || v > max) throw new UsageException($"--{name}: {v.ToString(CultureInfo.InvariantCulture)} is outside [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}].");
        return v;
    }
}

using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;

namespace DerivSpec.Cli.Commands;

/// <summary>
/// <c>derivspec new NAME</c>: writes <c>NAME.dspec</c>, a commented starter model with the paper's three families
/// (increasing, decreasing, transient): for continuous values (a Gaussian likelihood) or, with <c>--counts</c>, for raw
/// counts (the paper's single-cell settings: ZINB, β = 10, annealing, the Occam prior, the peak kept inside the cells).
/// The text is checked before it is written, so the file always passes <c>derivspec check</c>. An existing file is
/// kept unless <c>--force</c> is given.
/// </summary>
public static partial class NewCommand
{
    /// <summary>The model name of the template, replaced by the one derived from NAME.</summary>
    private const string TemplateModelName = "Starter";

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("NAME")
        {
            Description = "The file to write: NAME.dspec (a path may be given; .dspec is added unless NAME ends with it).",
        };
        var model = new Option<string?>("--model")
        {
            Description = "The model's name inside the file (default: NAME in PascalCase, e.g. my-cells → MyCells).",
        };
        var force = new Option<bool>("--force")
        {
            Description = "Overwrite the file if it exists.",
        };
        var counts = new Option<bool>("--counts")
        {
            Description = "A starter for raw counts (e.g. single-cell UMI counts): ZINB likelihood with the paper's single-cell settings, instead of the Gaussian one for continuous values.",
        };
        var command = new Command("new", "Write a starter .dspec with the paper's three families (rise, fall, one peak) and comments.")
        {
            name, model, counts, force,
        };
        command.SetAction(parse => CommandHost.Run(DerivSpecCli.Name,
            ct => Run(parse.GetRequiredValue(name), parse.GetValue(model), parse.GetValue(force), stdout, ct, parse.GetValue(counts)), stderr));
        return command;
    }

    /// <summary>Writes the starter file (<paramref name="counts"/>: the one for raw counts); returns the exit code.</summary>
    public static int Run(string name, string? modelName, bool force, TextWriter stdout, CancellationToken cancellationToken, bool counts = false)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(stdout);
        if (string.IsNullOrWhiteSpace(name)) throw new UsageException("NAME is empty.");
        if (name.Any(char.IsControl)) throw new UsageException("NAME contains a control character.");
        string path = name.EndsWith(".dspec", StringComparison.OrdinalIgnoreCase) ? name : name + ".dspec";
        string stem = Path.GetFileNameWithoutExtension(path);
        string model = modelName ?? ModelNameFrom(stem);
        if (!Identifier().IsMatch(model))
            throw new UsageException(modelName is null
                ? $"cannot make a model name from '{stem}'; give one with --model NAME (letters, digits and _, not starting with a digit)."
                : $"--model: '{model}' is not a model name (letters, digits and _, not starting with a digit).");

        string text = Text(model, Path.GetFileName(path), counts);
        // The file must pass 'derivspec check': compile it as check would before writing anything.
        using (var compilation = DspecRuntimeCompiler.Compile(text, path, cancellationToken: cancellationToken))
        {
            var errors = compilation.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            if (errors.Count > 0)
                throw new UsageException($"'{model}' cannot name a model: {string.Join("; ", errors.Select(e => $"{e.Id}: {e.Message}"))}");
        }

        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new IOException($"{path}: is a folder.");
        var dir = Path.GetDirectoryName(full);
        if (dir is not null && !Directory.Exists(dir)) throw new DirectoryNotFoundException($"{path}: the folder {dir} does not exist.");
        if (File.Exists(full) && !force) throw new IOException($"{path} already exists; pass --force to overwrite it.");

        // Write beside the target and rename, so an interrupted write never leaves half a file.
        var temp = Path.Combine(dir ?? ".", "." + Path.GetFileName(full) + ".tmp-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            if (force) File.Move(temp, full, overwrite: true);
            else File.Move(temp, full, overwrite: false); // a file created meanwhile is not overwritten either
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        stdout.WriteLine($"wrote {path}: model {model} with families rise (increasing), fall (decreasing), peak (transient); " +
            (counts ? "likelihood zinb, for raw counts." : "likelihood gaussian, for continuous values (derivspec new NAME --counts for raw counts)."));
        stdout.WriteLine($"next: derivspec check {Quote(path)}   then   derivspec fit {Quote(path)} DATA --out results");
        return ExitCodes.Success;
    }

    /// <summary>The starter text (<paramref name="counts"/>: the one for raw counts) with the model named
    /// <paramref name="model"/>; its usage comments name the file <paramref name="fileName"/>.</summary>
    public static string Text(string model, string fileName, bool counts = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(fileName);
        string resource = counts ? "counts.dspec" : "starter.dspec";
        using var stream = typeof(NewCommand).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The starter template {resource} is missing from the derivspec assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string template = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
        return template.Replace($"model {TemplateModelName} {{", $"model {model} {{", StringComparison.Ordinal)
            .Replace($"{TemplateModelName}.dspec", fileName.Contains(' ', StringComparison.Ordinal) ? $"\"{fileName}\"" : fileName, StringComparison.Ordinal);
    }

    /// <summary>PascalCase of the letters and digits of <paramref name="stem"/> ("my-cells" → "MyCells"); a leading
    /// digit gets the prefix "Model".</summary>
    public static string ModelNameFrom(string stem)
    {
        ArgumentNullException.ThrowIfNull(stem);
        var sb = new StringBuilder();
        foreach (var part in Regex.Split(stem, "[^A-Za-z0-9]+"))
            if (part.Length > 0) sb.Append(char.ToUpperInvariant(part[0])).Append(part.AsSpan(1));
        if (sb.Length > 0 && char.IsAsciiDigit(sb[0])) sb.Insert(0, "Model");
        return sb.ToString();
    }

    private static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"') ? $"\"{path}\"" : path;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}

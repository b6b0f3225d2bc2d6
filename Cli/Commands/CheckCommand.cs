using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;

namespace DerivSpec.Cli.Commands;

/// <summary>
/// <c>derivspec check FILE.dspec…</c>: compiles each file with the generator a build uses (and the generated C# with
/// Roslyn, as a build would) and prints the diagnostics as the build does, <c>FILE.dspec(line,col): error DSPECnnnn:
/// …</c>, or as JSON for editors. Exit code 1 when any file has an error, 0 otherwise (warnings do not fail).
/// </summary>
public static class CheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var files = new Argument<FileInfo[]>("FILE.dspec")
        {
            Description = "The .dspec files to check.",
            Arity = ArgumentArity.OneOrMore,
        };
        var format = new Option<string>("--format")
        {
            Description = "Output format: text (FILE(line,col): error ID: message, as the build prints it) or json (for editors).",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("check", "Check .dspec files: the same diagnostics as the build, located at FILE(line,col); exit 1 on any error.")
        {
            files, format,
        };
        command.SetAction(parse => CommandHost.Run(DerivSpecCli.Name,
            ct => Run(parse.GetRequiredValue(files), parse.GetRequiredValue(format) == "json", stdout, ct), stderr));
        return command;
    }

    /// <summary>What checking one file gave.</summary>
    private sealed record FileReport(string Path, string FullPath, IReadOnlyList<DspecMessage> Diagnostics, IReadOnlyList<DspecModelFactory> Models);

    /// <summary>Checks <paramref name="files"/> and writes the report; returns the exit code.</summary>
    public static int Run(IReadOnlyList<FileInfo> files, bool json, TextWriter stdout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(stdout);
        // Every file must be readable before any is checked: a missing file is an I/O failure (exit 4), not a finding.
        var texts = new List<(string Path, string FullPath, string Text)>();
        foreach (var f in files)
        {
            string shown = f.ToString();
            if (Directory.Exists(f.FullName)) throw new IOException($"{shown}: is a folder, not a .dspec file.");
            if (!f.Exists) throw new FileNotFoundException($"{shown}: no such file.", f.FullName);
            texts.Add((shown, f.FullName, File.ReadAllText(f.FullName)));
        }

        var reports = new List<FileReport>();
        foreach (var (path, full, text) in texts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var compilation = DspecRuntimeCompiler.Compile(text, path, cancellationToken: cancellationToken);
            reports.Add(new FileReport(path, full, compilation.Diagnostics, compilation.Success ? compilation.Models : Array.Empty<DspecModelFactory>()));
        }

        int errors = reports.Sum(r => r.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error));
        int warnings = reports.Sum(r => r.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning));
        if (json) WriteJson(stdout, reports, errors, warnings);
        else WriteText(stdout, reports, errors, warnings);
        return errors > 0 ? ExitCodes.Failure : ExitCodes.Success;
    }

    private static void WriteText(TextWriter w, List<FileReport> reports, int errors, int warnings)
    {
        foreach (var r in reports)
        {
            foreach (var d in r.Diagnostics) w.WriteLine(d.ToString());
            if (!r.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
            {
                var models = r.Models.Select(m => $"{m.Name} (families {string.Join(", ", m.Layout.Families.Select(f => f.Name))})");
                w.WriteLine(r.Models.Count == 0 ? $"{r.Path}: ok, no models" : $"{r.Path}: ok, {(r.Models.Count == 1 ? "model" : "models")} {string.Join("; ", models)}");
            }
        }
        w.WriteLine($"{reports.Count} {(reports.Count == 1 ? "file" : "files")} checked: {errors} {(errors == 1 ? "error" : "errors")}, {warnings} {(warnings == 1 ? "warning" : "warnings")}.");
    }

    private static void WriteJson(TextWriter w, List<FileReport> reports, int errors, int warnings)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            j.WriteStartObject();
            j.WriteNumber("errors", errors);
            j.WriteNumber("warnings", warnings);
            j.WriteStartArray("files");
            foreach (var r in reports)
            {
                j.WriteStartObject();
                j.WriteString("path", r.Path);
                j.WriteString("fullPath", r.FullPath);
                j.WriteBoolean("ok", !r.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error));
                j.WriteStartArray("models");
                foreach (var m in r.Models)
                {
                    j.WriteStartObject();
                    j.WriteString("name", m.Name);
                    j.WriteNumber("latent", m.Layout.LatentDim);
                    j.WriteString("likelihood", m.Defaults.Likelihood.ToString().ToLowerInvariant());
                    j.WriteStartArray("families");
                    foreach (var f in m.Layout.Families) j.WriteStringValue(f.Name);
                    j.WriteEndArray();
                    j.WriteString("specIdentity", m.Layout.SpecIdentity);
                    j.WriteEndObject();
                }
                j.WriteEndArray();
                j.WriteStartArray("diagnostics");
                foreach (var d in r.Diagnostics)
                {
                    j.WriteStartObject();
                    j.WriteString("id", d.Id);
                    j.WriteString("severity", d.Severity.ToString().ToLowerInvariant());
                    j.WriteString("message", d.Message);
                    j.WriteString("path", d.Path);
                    j.WriteNumber("line", d.Line);
                    j.WriteNumber("column", d.Column);
                    j.WriteNumber("endLine", d.EndLine);
                    j.WriteNumber("endColumn", d.EndColumn);
                    j.WriteString("helpLink", d.HelpLink);
                    j.WriteEndObject();
                }
                j.WriteEndArray();
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        w.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}

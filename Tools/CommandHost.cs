using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using DerivSpec.Data;
using DerivSpec.Runtime.Model;
using DerivSpec.Runtime.Native;
using DerivSpec.Runtime.Training;

namespace DerivSpec.Tools;

/// <summary>The exit codes of DerivSpec's command-line programs (the <c>derivspec</c> tool and the examples).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Success = 0;

    /// <summary>Any failure without a code of its own; for <c>derivspec check</c>, a .dspec file has errors.</summary>
    public const int Failure = 1;

    /// <summary>Wrong use of the command line (unknown option, missing or malformed value).</summary>
    public const int Usage = 2;

    /// <summary>Bad input: a data or .dspec file that cannot be used; the message names the file and the row/column
    /// (or line/column) where it is known.</summary>
    public const int BadInput = 3;

    /// <summary>A file or folder could not be read or written.</summary>
    public const int IO = 4;

    /// <summary>Training diverged (non-finite loss that restoring the last good state did not cure).</summary>
    public const int Diverged = 5;

    /// <summary>Cancelled by Ctrl+C (SIGINT) or SIGTERM; nothing was written.</summary>
    public const int Cancelled = 130;
}

/// <summary>Wrong command-line use: the message says which option or argument and why (exit code
/// <see cref="ExitCodes.Usage"/>).</summary>
public sealed class UsageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UsageException(string message) : base(message) { }
}

/// <summary>A .dspec file did not check or compile (exit code <see cref="ExitCodes.BadInput"/>); the message lists
/// every error as <c>FILE.dspec(line,col): error DSPECnnnn: …</c>.</summary>
public sealed class DspecErrorsException : Exception
{
    /// <summary>Creates the exception from a failed compilation's diagnostics.</summary>
    public DspecErrorsException(string path, System.Collections.Generic.IReadOnlyList<DspecMessage> diagnostics)
        : base(Compose(path, diagnostics))
    {
        FilePath = path;
        Diagnostics = diagnostics;
    }

    /// <summary>The .dspec file as the user named it.</summary>
    public string FilePath { get; }

    /// <summary>Every diagnostic of the compilation (errors and warnings).</summary>
    public System.Collections.Generic.IReadOnlyList<DspecMessage> Diagnostics { get; }

    private static string Compose(string path, System.Collections.Generic.IReadOnlyList<DspecMessage> diagnostics)
    {
        var w = new StringWriter();
        w.Write($"{path} has errors (run 'derivspec check {path}'):");
        foreach (var d in diagnostics)
            if (d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error) w.Write(Environment.NewLine + "  " + d);
        return w.ToString();
    }
}

/// <summary>
/// Runs the body of a command-line program and turns failures into one clear line on stderr and an exit code
/// (<see cref="ExitCodes"/>): 2 usage, 3 bad input, 4 I/O, 5 training diverged, 130 cancelled, 1 anything else that is
/// a known failure. Ctrl+C (and SIGTERM) cancel the token the body gets; a second Ctrl+C ends the process at once.
/// </summary>
public static class CommandHost
{
    /// <summary>Runs <paramref name="body"/> with a cancellation token wired to Ctrl+C and SIGTERM.</summary>
    /// <param name="name">Program name that starts each error line ("derivspec", "synthetic", …).</param>
    /// <param name="body">The program; returns its exit code.</param>
    /// <param name="error">Where error lines go (default: stderr).</param>
    public static int Run(string name, Func<CancellationToken, int> body, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        error ??= Console.Error;
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            // The first Ctrl+C asks the program to stop between training steps; a second one ends it at once.
            if (cts.IsCancellationRequested) return;
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += handler;
        using var term = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, c =>
        {
            if (cts.IsCancellationRequested) return;
            c.Cancel = true;
            cts.Cancel();
        });
        try
        {
            return body(cts.Token);
        }
        catch (Exception e) when (Classify(e) is int code)
        {
            error.WriteLine(Message(name, e));
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }

    /// <summary>The exit code for a known failure, or null for an exception that is a bug (left to crash with its
    /// stack trace).</summary>
    public static int? Classify(Exception e) => e switch
    {
        UsageException => ExitCodes.Usage,
        DataFormatException or DataValidationException or DspecErrorsException or ModelFileException => ExitCodes.BadInput,
        OperationCanceledException => ExitCodes.Cancelled,
        TrainingDivergedException => ExitCodes.Diverged,
        TorchLoadException => ExitCodes.Failure,
        IOException or UnauthorizedAccessException => ExitCodes.IO,
        _ => null,
    };

    /// <summary>The error line printed for a known failure.</summary>
    public static string Message(string name, Exception e) => e switch
    {
        DataFormatException or DataValidationException or DspecErrorsException or ModelFileException => $"{name}: bad input: {e.Message}",
        OperationCanceledException => $"{name}: cancelled; nothing was written.",
        _ => $"{name}: {e.Message}",
    };
}

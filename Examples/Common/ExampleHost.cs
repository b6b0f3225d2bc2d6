using System;
using System.IO;
using System.Threading;
using DerivSpec.Data;
using DerivSpec.Runtime.Native;
using DerivSpec.Runtime.Training;

namespace DerivSpec.Examples;

/// <summary>
/// Runs an example's body and turns failures into one clear line on stderr and a non-zero exit code:
/// 2 usage, 3 bad data, 4 I/O, 5 training diverged, 130 cancelled (Ctrl+C), 1 anything else.
/// Ctrl+C cancels training between steps; the output folder is then left untouched.
/// </summary>
public static class ExampleHost
{
    /// <summary>Runs <paramref name="body"/> with a cancellation token wired to Ctrl+C.</summary>
    public static int Run(string name, Func<CancellationToken, int> body, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        error ??= Console.Error;
        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler handler = (_, e) => { e.Cancel = true; cts.Cancel(); };
        Console.CancelKeyPress += handler;
        try
        {
            return body(cts.Token);
        }
        catch (UsageException e) { error.WriteLine($"{name}: {e.Message}"); return 2; }
        catch (DataFormatException e) { error.WriteLine($"{name}: bad input: {e.Message}"); return 3; }
        catch (OperationCanceledException) { error.WriteLine($"{name}: cancelled; nothing was written."); return 130; }
        catch (DataValidationException e) { error.WriteLine($"{name}: bad input: {e.Message}"); return 3; }
        catch (TrainingDivergedException e) { error.WriteLine($"{name}: {e.Message}"); return 5; }
        catch (TorchLoadException e) { error.WriteLine($"{name}: {e.Message}"); return 1; }
        catch (IOException e) { error.WriteLine($"{name}: {e.Message}"); return 4; }
        catch (UnauthorizedAccessException e) { error.WriteLine($"{name}: {e.Message}"); return 4; }
        finally
        {
            Console.CancelKeyPress -= handler;
        }
    }
}

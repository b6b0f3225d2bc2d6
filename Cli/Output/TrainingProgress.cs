using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using DerivSpec.Runtime.Training;
using Spectre.Console;

namespace DerivSpec.Cli.Output;

/// <summary>
/// Shows training progress: on a terminal a live bar per training run (epoch, loss terms, elapsed time, ETA) drawn by
/// Spectre.Console; when the output is redirected, the terminal cannot move the cursor (<c>TERM=dumb</c>, no <c>TERM</c>)
/// or the environment variable <c>CI</c> is set, plain lines (the first epoch, about 20 per run, and the last), so logs
/// stay readable and no epoch is lost.
/// </summary>
public sealed class TrainingProgress
{
    private readonly TextWriter _out;
    private readonly bool _live;

    /// <summary>Creates the display for <paramref name="output"/>.</summary>
    /// <param name="output">Where progress goes (the command's stdout).</param>
    /// <param name="live">true: a live bar; false: plain lines; null: a live bar when <paramref name="output"/> is the
    /// console's stdout, stdout is a terminal that understands ANSI escapes and <c>CI</c> is not set.</param>
    /// <param name="quiet">No progress at all.</param>
    public TrainingProgress(TextWriter output, bool? live = null, bool quiet = false)
    {
        ArgumentNullException.ThrowIfNull(output);
        _out = output;
        Quiet = quiet;
        _live = !quiet && (live ?? IsInteractive(output));
    }

    /// <summary>No progress is shown.</summary>
    public bool Quiet { get; }

    /// <summary>Whether progress is drawn as a live bar (true) or written as plain lines (false).</summary>
    public bool Live => _live;

    /// <summary>
    /// True when <paramref name="output"/> is the console's stdout, stdout is a terminal that understands ANSI escapes
    /// (Spectre's detection: a <c>TERM</c> it knows, not <c>dumb</c>) and <c>CI</c> is unset. Without ANSI Spectre's bar
    /// can only print a line when its text changes and drops the first and last epochs; plain lines keep them.
    /// </summary>
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected
        && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
        && AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) }).Profile.Capabilities.Ansi;

    /// <summary>
    /// Runs <paramref name="body"/>, which trains <paramref name="runs"/> models of <paramref name="epochs"/> epochs and
    /// asks for one progress sink per run (0-based) through the function it is given.
    /// </summary>
    public T Run<T>(int runs, int epochs, Func<Func<int, IProgress<EpochMetrics>?>, T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Quiet) return body(_ => null);
        if (!_live) return body(run => new LineProgress(_out, Label(run, runs), epochs));
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out) });
        // No refresh thread: the bars are redrawn on the training thread, when an epoch ends. Spectre's display is not
        // thread safe, and a second thread that allocates can start a garbage collection while the training thread is
        // inside libtorch — when TorchSharp's finalizer then frees an implicitly converted Scalar that libtorch is still
        // reading (dotnet/TorchSharp#1434; the refuter, which evaluates on several threads, meets it about once a run),
        // the step fails or reads a wrong constant. Training alone on its thread keeps that window shut.
        return console.Progress()
            .AutoRefresh(false)
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => body(run =>
            {
                var task = context.AddTask(Markup.Escape(Label(run, runs) + "starting"), autoStart: true, maxValue: epochs);
                context.Refresh();
                return new BarProgress(context, task, Label(run, runs), epochs);
            }));
    }

    private static string Label(int run, int runs) => runs > 1 ? $"run {run + 1}/{runs}  " : "";

    /// <summary>"epoch 12/300  loss 1234.5 = recon … + kl … + …" with the terms that carry weight.</summary>
    internal static string Describe(EpochMetrics m, int epochs) => FormattableString.Invariant(
        $"epoch {m.Epoch}/{epochs}  loss {m.Loss:G6}  (recon {m.Reconstruction:G5}, kl {m.Kl:G4}, dirichlet {m.Dirichlet:G4}, entropy {m.Entropy:G4}, prior {m.Prior:G4})");

    private sealed class BarProgress : IProgress<EpochMetrics>
    {
        private readonly ProgressContext _context;
        private readonly ProgressTask _task;
        private readonly string _label;
        private readonly int _epochs;

        public BarProgress(ProgressContext context, ProgressTask task, string label, int epochs)
        {
            _context = context;
            _task = task;
            _label = label;
            _epochs = epochs;
        }

        public void Report(EpochMetrics value)
        {
            // Short, so that the bar keeps its room in an 80-column terminal (the terms of the loss are in the plain lines
            // and in report.md); a longer description took the whole row and hid the bar.
            _task.Description = Markup.Escape(_label + FormattableString.Invariant($"epoch {value.Epoch}/{_epochs}  loss {value.Loss:G6}"));
            _task.Value = value.Epoch;
            if (value.Epoch >= _epochs) _task.StopTask(); // its elapsed time stops with the run
            _context.Refresh();
        }
    }

    private sealed class LineProgress : IProgress<EpochMetrics>
    {
        private readonly TextWriter _out;
        private readonly string _label;
        private readonly int _epochs;
        private readonly int _every;
        private readonly Stopwatch _watch = Stopwatch.StartNew();

        public LineProgress(TextWriter output, string label, int epochs)
        {
            _out = output;
            _label = label;
            _epochs = epochs;
            _every = Math.Max(1, (int)Math.Ceiling(epochs / 20.0));
        }

        public void Report(EpochMetrics value)
        {
            if (value.Epoch % _every != 0 && value.Epoch != _epochs && value.Epoch != 1) return;
            double elapsed = _watch.Elapsed.TotalSeconds;
            double eta = value.Epoch >= _epochs ? 0 : elapsed / value.Epoch * (_epochs - value.Epoch);
            _out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {_label}{Describe(value, _epochs)}  {elapsed:F1} s, ETA {eta:F0} s"));
        }
    }
}

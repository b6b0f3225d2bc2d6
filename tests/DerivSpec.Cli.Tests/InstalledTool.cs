using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace DerivSpec.Cli.Tests;

/// <summary>
/// Packs the tool once per test run (<c>dotnet pack Cli --no-build</c> of the build the test project depends on, with a
/// version of its own so no cached package can stand in for it), installs it with <c>dotnet tool install
/// --tool-path</c> from that feed alone, and runs the installed <c>derivspec</c> as a user would. Everything lives in one
/// temporary folder that is deleted at the end.
/// </summary>
public sealed class InstalledTool : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The temporary folder of this test run (feed, tool path, work folders).</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "dspec-cli-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The repository root (the folder holding DerivSpec.sln).</summary>
    public string RepoRoot { get; }

    /// <summary>The installed command.</summary>
    public string Command { get; }

    /// <summary>The packed file.</summary>
    public string Package { get; }

    /// <summary>The dotnet executable running these tests (used for pack and install).</summary>
    public static string Dotnet { get; } = FindDotnet();

    public InstalledTool()
    {
        RepoRoot = FindRepoRoot();
        Directory.CreateDirectory(Root);
        string feed = Path.Combine(Root, "feed");
        string tools = Path.Combine(Root, "tools");
        string version = "0.0.0-test." + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var pack = Run(Dotnet, new[] { "pack", Path.Combine(RepoRoot, "Cli", "DerivSpec.Cli.csproj"), "-c", Configuration, "--no-build",
                "-p:BuildProjectReferences=false", $"-p:PackageVersion={version}", "-o", feed, "-nologo" }, RepoRoot, TimeSpan.FromMinutes(5));
            if (pack.Code != 0) throw new InvalidOperationException($"dotnet pack failed ({pack.Code}):\n{pack.Out}\n{pack.Err}");
            Package = Path.Combine(feed, $"DerivSpec.Cli.{version}.nupkg");
            if (!File.Exists(Package)) throw new InvalidOperationException($"dotnet pack wrote no {Package}:\n{pack.Out}");

            // A NuGet config with the test feed as the only source: the install cannot pick up anything else.
            string config = Path.Combine(Root, "nuget.config");
            File.WriteAllText(config, $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <clear />
                    <add key="test-feed" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            var install = Run(Dotnet, new[] { "tool", "install", "--tool-path", tools, "--configfile", config, "--version", version, "DerivSpec.Cli" },
                Root, TimeSpan.FromMinutes(5));
            if (install.Code != 0) throw new InvalidOperationException($"dotnet tool install failed ({install.Code}):\n{install.Out}\n{install.Err}");
            Command = Path.Combine(tools, OperatingSystem.IsWindows() ? "derivspec.exe" : "derivspec");
            if (!File.Exists(Command)) throw new InvalidOperationException($"the installed command {Command} is missing:\n{install.Out}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>A new empty folder under <see cref="Root"/>.</summary>
    public string NewFolder(string name)
    {
        var dir = Path.Combine(Root, "work", name + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs the installed <c>derivspec</c> in <paramref name="workingDirectory"/> with stdout and stderr redirected
    /// (as in CI: plain progress lines).</summary>
    public ToolResult Derivspec(string workingDirectory, params string[] args) =>
        Run(Command, args, workingDirectory, TimeSpan.FromMinutes(5));

    /// <summary>Runs <paramref name="file"/> and waits for it; kills it (and only it) after <paramref name="timeout"/>.</summary>
    public static ToolResult Run(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout,
        IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        // The test host runs inside MSBuild's environment; a nested dotnet must not inherit its build settings.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        if (Path.IsPathRooted(Dotnet)) start.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(Dotnet)!;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment) start.Environment[k] = v;
        using var p = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var watch = Stopwatch.StartNew();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}:\n{stdout.Result}\n{stderr.Result}");
        }
        p.WaitForExit();
        Task.WaitAll(stdout, stderr);
        return new ToolResult(p.ExitCode, stdout.Result, stderr.Result, watch.Elapsed);
    }

    public void Dispose()
    {
        try { if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DerivSpec.sln"))) return dir.FullName;
        throw new InvalidOperationException($"DerivSpec.sln not found above {AppContext.BaseDirectory}");
    }

    private static string FindDotnet()
    {
        // The runtime's folder is <root>/shared/Microsoft.NETCore.App/<version>; dotnet lives in <root>.
        var runtime = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var root = Path.GetFullPath(Path.Combine(runtime, "..", "..", ".."));
        var exe = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(exe) ? exe : "dotnet";
    }
}

/// <summary>Exit code, output and wall time of one command.</summary>
public sealed record ToolResult(int Code, string Out, string Err, TimeSpan Elapsed)
{
    /// <summary>Both streams, for assertion messages.</summary>
    public override string ToString() => $"exit {Code}\n--- stdout\n{Out}\n--- stderr\n{Err}";
}

/// <summary>One packed and installed tool for every test class of the run.</summary>
[CollectionDefinition(Name)]
public sealed class InstalledToolCollection : ICollectionFixture<InstalledTool>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "installed derivspec";
}

using System;
using System.IO;
using System.Linq;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>
/// Real `dotnet build` / `dotnet pack` runs on throw-away projects. They run in CI (trait Category=Integration lets a
/// developer filter them out locally with --filter Category!=Integration).
/// </summary>
[Trait("Category", "Integration")]
public class BuildIntegrationTests
{
    private static string Bin => AppContext.BaseDirectory;

    [Fact]
    public void BrokenDspecFailsTheBuildAtItsLineAndColumn()
    {
        string dir = Cli.TempFolder("derivspec-broken");
        try
        {
            string repo = TestSupport.RepoRoot;
            File.WriteAllText(Path.Combine(dir, "Broken.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <RootNamespace>Broken</RootNamespace>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <Import Project="{repo}/Package/build/DerivSpec.props" />
                  <Import Project="{repo}/Package/build/DerivSpec.Dspec.targets" />
                  <ItemGroup>
                    <Analyzer Include="{Bin}DerivSpec.Generator.dll" />
                    <Analyzer Include="{Bin}DerivSpec.Language.dll" />
                    <Analyzer Include="{Bin}Sprache.dll" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(dir, "Class1.cs"), "namespace Broken;\npublic static class Class1 { }\n");
            // Line 3, column 12: the misspelt activation.
            File.WriteAllText(Path.Combine(dir, "model.dspec"), "model M {\n  latent 1\n  net [64] tahn\n  family f increasing: dx/dz = softplus(net)\n}\n");

            var (code, output) = Cli.Dotnet(dir, TimeSpan.FromMinutes(3), "build", "-nologo", "--disable-build-servers", "-clp:NoSummary");
            Assert.True(code != 0, "the build should fail:\n" + output);
            string expected = Path.Combine(dir, "model.dspec") + "(3,12): error DSPEC1006:";
            Assert.True(output.Contains(expected, StringComparison.Ordinal), $"expected '{expected}' in:\n{output}");
            Assert.DoesNotContain("CSC : error", output, StringComparison.Ordinal);
            Assert.DoesNotContain("warning CS8785", output, StringComparison.Ordinal); // generator did not crash
        }
        finally
        {
            Cli.TryDelete(dir);
        }
    }

    [Fact]
    public void PackedPackageWorksInAFreshConsoleProject()
    {
        string feed = Cli.TempFolder("derivspec-feed");
        string app = Cli.TempFolder("derivspec-fresh");
        // A version no earlier run used, so the global packages folder cannot hold a stale copy.
        string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);
        string globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        try
        {
            string project = Path.Combine(TestSupport.RepoRoot, "Package", "DerivSpec.Package.csproj");
            var (packCode, packOutput) = Cli.Dotnet(TestSupport.RepoRoot, TimeSpan.FromMinutes(3),
                "pack", project, "-c", Cli.Configuration, "--no-build", "-o", feed, "-p:PackageVersion=" + version, "-nologo", "--disable-build-servers");
            Assert.True(packCode == 0, "dotnet pack failed:\n" + packOutput);
            string nupkg = Assert.Single(Directory.GetFiles(feed, "*.nupkg"));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(nupkg))
            {
                var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
                foreach (var required in new[]
                         {
                             "analyzers/dotnet/cs/DerivSpec.Generator.dll", "analyzers/dotnet/cs/DerivSpec.Language.dll",
                             "analyzers/dotnet/cs/Sprache.dll", "lib/net10.0/DerivSpec.Runtime.dll", "build/DerivSpec.props",
                             "build/DerivSpec.targets", "build/DerivSpec.Dspec.targets", "build/TorchSharpNative.targets",
                             "lib/net10.0/DerivSpec.Data.dll", "lib/net10.0/DerivSpec.Plots.dll", "README.md",
                             // IntelliSense for every library in lib/
                             "lib/net10.0/DerivSpec.Runtime.xml", "lib/net10.0/DerivSpec.Data.xml", "lib/net10.0/DerivSpec.Plots.xml",
                         })
                    Assert.Contains(required, entries);
            }

            // The README's way to point a project outside this repository at the local feed.
            var (cfgCode, cfgOutput) = Cli.Dotnet(app, TimeSpan.FromMinutes(1), "new", "nugetconfig");
            Assert.True(cfgCode == 0, "dotnet new nugetconfig failed:\n" + cfgOutput);
            var (srcCode, srcOutput) = Cli.Dotnet(app, TimeSpan.FromMinutes(1), "nuget", "add", "source", feed, "--name", "derivspec", "--configfile", "nuget.config");
            Assert.True(srcCode == 0, "dotnet nuget add source failed:\n" + srcOutput);
            File.WriteAllText(Path.Combine(app, "Fresh.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <!-- Test speed only: link libtorch from the NuGet cache instead of copying 1 GB. -->
                    <CreateHardLinksForCopyLocalIfPossible>true</CreateHardLinksForCopyLocalIfPossible>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="DerivSpec" Version="{version}" />
                    <PackageReference Include="libtorch-cpu-linux-x64" Version="2.10.0" />
                  </ItemGroup>
                </Project>
                """);
            Directory.CreateDirectory(Path.Combine(app, "Models"));
            File.WriteAllText(Path.Combine(app, "Models", "tiny.dspec"), """
                model Tiny {
                  net [8] tanh
                  encoder [16] relu
                  family up increasing: dx/dz = softplus(net)
                  family bump transient {
                    param z0 ~ normal(0, 1)
                    param A > 0 ~ gamma(2, 1)
                    x = A * exp(-square(z - z0))
                  }
                }
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using DerivSpec.Data;
                using DerivSpec.Runtime.Model;
                using DerivSpec.Runtime.Training;
                using Fresh.Models;

                const int n = 48, d = 4;
                var rng = new Random(3);
                var x = new double[n, d];
                for (int i = 0; i < n; i++)
                {
                    double t = rng.NextDouble() * 4 - 2;
                    x[i, 0] = 1 / (1 + Math.Exp(-2 * t));
                    x[i, 1] = 1 / (1 + Math.Exp(-3 * t));
                    x[i, 2] = Math.Exp(-t * t);
                    x[i, 3] = Math.Exp(-(t - 0.5) * (t - 0.5));
                }
                var data = AnnData.FromArray(x);
                using var model = new BasisDeVAE(Tiny.Create(d), Tiny.Defaults, new ModelOptions { Seed = 1 });
                var history = model.Train(data, new TrainOptions { Epochs = 3, BatchSize = 16, Seed = 1, Device = "cpu" });
                if (history.Count != 3 || history.Any(h => !double.IsFinite(h.Loss))) { Console.WriteLine("BAD TRAINING"); return 1; }
                Console.WriteLine($"TRAINED families={string.Join(",", model.FamilyNames)} index={Tiny.Families.Bump} loss={history[^1].Loss:R}");
                return 0;
                """);

            var (runCode, runOutput) = Cli.Dotnet(app, TimeSpan.FromMinutes(4), "run", "-c", "Release", "--disable-build-servers");
            Assert.True(runCode == 0, "dotnet run failed:\n" + runOutput);
            Assert.Contains("TRAINED families=up,bump index=1 loss=", runOutput, StringComparison.Ordinal);
        }
        finally
        {
            Cli.TryDelete(app);
            Cli.TryDelete(feed);
            Cli.TryDelete(Path.Combine(globalPackages, "derivspec", version));
        }
    }
}

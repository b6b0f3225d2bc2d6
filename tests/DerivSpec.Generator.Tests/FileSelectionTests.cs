using System;
using System.Linq;
using DerivSpec.Language;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>The generator compiles exactly the additional files with the language's extension
/// (<see cref="LanguageInfo.FileExtension"/>, any letter case) and ignores every other additional file.</summary>
public class FileSelectionTests
{
    private static string Model(string name) => $"model {name} {{\n  family up increasing: dx/dz = softplus(net)\n}}\n";

    [Fact]
    public void OnlyFilesWithTheLanguagesExtensionAreCompiled()
    {
        string ext = LanguageInfo.FileExtension;
        var files = new AdditionalText[]
        {
            new DspecText("/p/a" + ext, Model("Lower")),
            new DspecText("/p/b" + ext.ToUpperInvariant(), Model("Upper")),
            new DspecText("/p/notes.txt", Model("Text")),
            new DspecText("/p/c" + ext + ".bak", Model("Backup")),
            new DspecText("/p/" + ext.TrimStart('.'), Model("NoDot")),
        };
        var driver = CSharpGeneratorDriver.Create(new[] { new DspecGenerator().AsSourceGenerator() }, files,
            DspecRuntimeCompiler.CSharpParseOptions, optionsProvider: null);
        var result = driver.RunGenerators(CSharpCompilation.Create("host")).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "Lower.g.cs", "Upper.g.cs" }, result.GeneratedSources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal));
    }
}

using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using DerivSpec.Language;
using DerivSpec.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace DerivSpec.Generator.Tests;

/// <summary>Language diagnostics become Roslyn diagnostics located in the .dspec; the generator never throws.</summary>
public class DiagnosticTests
{
    private const string Path = "/project/models/broken.dspec";

    private static Diagnostic Single(string text, string id)
    {
        var output = DspecRuntimeCompiler.Generate(new[] { (Path, text) }, "My.Project", "/project/");
        var matches = output.GeneratorDiagnostics.Where(d => d.Id == id).ToArray();
        Assert.True(matches.Length == 1, $"expected one {id}, got: " + string.Join("\n", output.GeneratorDiagnostics));
        return matches[0];
    }

    private static void AssertAt(Diagnostic d, string text, int line, int column, string underSpan)
    {
        var span = d.Location.GetLineSpan();
        Assert.Equal(Path, span.Path);
        Assert.Equal(line, span.StartLinePosition.Line + 1);
        Assert.Equal(column, span.StartLinePosition.Character + 1);
        Assert.Equal(underSpan, text.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        // The line span and the offset span describe the same text.
        var lines = SourceText.From(text).Lines;
        Assert.Equal(span.Span, lines.GetLinePositionSpan(d.Location.SourceSpan));
        Assert.True(d.Location.IsInSource == false && d.Location.Kind == LocationKind.ExternalFile);
        Assert.Equal("spec/diagnostics/" + d.Id + ".md", d.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void UnprovableIncreasingPointsAtTheExpression()
    {
        const string text = "model M {\n  latent 1\n  family f increasing: dx/dz = tanh(net)\n}\n";
        var d = Single(text, "DSPEC2001");
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        AssertAt(d, text, 3, 32, "tanh(net)");
        Assert.Contains("increasing", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void UnknownActivationIsReportedAtLine3Column12()
    {
        const string text = "model M {\n  latent 1\n  net [64] tahn\n  family f: dx/dz = softplus(net)\n}\n";
        var d = Single(text, "DSPEC1006");
        AssertAt(d, text, 3, 12, "tahn");
        Assert.Contains("tanh", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)); // did you mean …
    }

    [Fact]
    public void UnknownNameSuggestsTheParameter()
    {
        const string text = "model M {\n  family g {\n    param scale > 0\n    dx/dz = scal * softplus(net)\n  }\n}\n";
        var d = Single(text, "DSPEC1001");
        AssertAt(d, text, 4, 13, "scal");
        Assert.Contains("scale", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void WarningsStayWarningsAndTheModelIsStillGenerated()
    {
        const string text = "model M {\n  family g {\n    param unused\n    dx/dz = softplus(net)\n  }\n}\n";
        var output = DspecRuntimeCompiler.Generate(new[] { (Path, text) }, "My.Project", "/project/");
        var warning = Assert.Single(output.GeneratorDiagnostics);
        Assert.Equal("DSPEC1025", warning.Id);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        AssertAt(warning, text, 3, 11, "unused");
        var source = Assert.Single(output.Sources);
        Assert.Equal("My.Project.models.M.g.cs", source.HintName); // RootNamespace + folder
    }

    [Fact]
    public void EveryCatalogIdMapsToItsOwnDescriptor()
    {
        foreach (var info in DiagnosticCatalog.All)
        {
            var d = Descriptors.ToRoslyn(Path, new DspecDiagnostic(info.Id, info.DefaultSeverity, "m", 0, 1, 1, 1, 1, 2));
            Assert.Equal(info.Id, d.Id);
            Assert.Equal(info.Title, d.Descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Descriptors.ToRoslyn(info.DefaultSeverity), d.Severity);
            Assert.Equal("m", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void AnUnknownIdIsStillReportedUnderTheInternalErrorId()
    {
        var d = Descriptors.ToRoslyn(Path, new DspecDiagnostic("DSPEC4242", DspecSeverity.Error, "odd", 0, 0, 1, 1, 1, 1));
        Assert.Equal("DSPEC9002", d.Id);
        Assert.Contains("DSPEC4242", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AnUnreadableFileIsOneErrorAtTheFileNotACrash()
    {
        var driver = CSharpGeneratorDriver.Create(new[] { new DspecGenerator().AsSourceGenerator() },
            ImmutableArray.Create<AdditionalText>(new ThrowingText(Path)));
        var run = driver.RunGenerators(CSharpCompilation.Create("x")).GetRunResult();
        var result = Assert.Single(run.Results);
        Assert.Null(result.Exception);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("DSPEC9004", d.Id);
        Assert.Equal(Path, d.Location.GetLineSpan().Path);
    }

    [Fact]
    public void AnEmitterFailureBecomesAnInternalErrorDiagnostic()
    {
        // A model the Language would never produce: net in a composed body outside integral(…).
        var bad = Models.Model("Bad", 1, Models.Family("f", 0, FamilyKind.Composed, Models.Net, ShapeProperties.None, null, Models.X0()));
        var source = GeneratedSource.Emit(new GeneratedModel(Path, "broken.dspec", "Ns", bad));
        Assert.NotNull(source.Failure);
        Assert.Contains("'net' outside an integrand", source.Failure);
    }

    [Fact]
    public void ArbitraryBytesNeverCrashTheGenerator()
    {
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var chars = new char[rng.Next(0, 200)];
            for (int k = 0; k < chars.Length; k++)
                chars[k] = rng.Next(4) == 0 ? "{}()[]=:/*-+^~<>#\n "[rng.Next(19)] : (char)rng.Next(1, 0x3000);
            var output = DspecRuntimeCompiler.Generate(new[] { (Path, new string(chars)) });
            foreach (var d in output.GeneratorDiagnostics)
            {
                var span = d.Location.SourceSpan;
                Assert.InRange(span.End, 0, chars.Length);
            }
        }
    }

    private sealed class ThrowingText : AdditionalText
    {
        public ThrowingText(string path) => Path = path;

        public override string Path { get; }

        public override SourceText GetText(CancellationToken cancellationToken = default) =>
            throw new System.IO.IOException("disk on fire");
    }
}

/// <summary>Namespace of generated classes: declared, else RootNamespace + folder.</summary>
public class NamespaceTests
{
    [Theory]
    [InlineData("My.App", "/src/app/", "/src/app/model.dspec", "My.App")]
    [InlineData("My.App", "/src/app/", "/src/app/Models/Deep/model.dspec", "My.App.Models.Deep")]
    [InlineData("My.App", "/src/app/", "/src/app/../shared/model.dspec", "My.App")]          // linked from outside
    [InlineData("My.App", "/src/app/", "/src/app/./Models/../Models/m.dspec", "My.App.Models")]
    [InlineData("My.App", "C:\\src\\app\\", "C:\\src\\app\\Sub Dir\\m.dspec", "My.App.Sub_Dir")]
    [InlineData("My.App", "/src/app/", "/src/app/2d/class/m.dspec", "My.App._2d.@class")]
    [InlineData(null, "/src/app/", "/src/app/m.dspec", null)]
    [InlineData(null, null, "/src/app/Models/m.dspec", null)]
    public void FromProject(string? root, string? projectDir, string file, string? expected) =>
        Assert.Equal(expected, Namespaces.FromProject(root, projectDir, file));

    [Fact]
    public void DeclaredNamespaceWins()
    {
        var output = DerivSpec.Tools.DspecRuntimeCompiler.Generate(
            new[] { ("/p/Models/a.dspec", "namespace Declared.Here\nmodel A {\n  family up increasing: dx/dz = softplus(net)\n}\n") }, "Root", "/p/");
        Assert.Equal("Declared.Here.A.g.cs", Assert.Single(output.Sources).HintName);
        Assert.Contains("namespace Declared.Here", output.Sources[0].Text, StringComparison.Ordinal);
    }
}

/// <summary>Generator-side errors (DSPEC9003, DSPEC9005) in a real driver run.</summary>
public class GeneratorErrorTests
{
    private static ImmutableArray<Diagnostic> Run(params (string Path, string Text)[] files)
    {
        var texts = files.Select(f => (AdditionalText)new DspecText(f.Path, f.Text)).ToImmutableArray();
        var driver = CSharpGeneratorDriver.Create(new[] { new DspecGenerator().AsSourceGenerator() }, texts);
        var result = driver.RunGenerators(CSharpCompilation.Create("x")).GetRunResult().Results.Single();
        Assert.Null(result.Exception);
        return result.Diagnostics;
    }

    [Fact]
    public void APerLatentParameterInTheOutputMapIsACheckerErrorAtTheParameter()
    {
        const string model = "model M {\n  latent {0}\n  family f bounded {\n    param lo\n    x = sigmoid(z)\n    map lo + x\n  }\n}\n";
        var d = Assert.Single(Run(("/p/m.dspec", model.Replace("{0}", "2", StringComparison.Ordinal))));
        Assert.Equal("DSPEC1034", d.Id);   // the checker's, at 'lo' in the map: no longer DSPEC9005 at 1:1
        var span = d.Location.GetLineSpan();
        Assert.Equal("/p/m.dspec", span.Path);
        Assert.Equal((5, 8, 5, 10), (span.StartLinePosition.Line, span.StartLinePosition.Character, span.EndLinePosition.Line, span.EndLinePosition.Character));
        Assert.Empty(Run(("/p/m.dspec", model.Replace("{0}", "1", StringComparison.Ordinal))));
    }

    [Fact]
    public void AHandBuiltModelTheCheckerWouldRefuseIsStillUnsupportedNotMistranslated()
    {
        // DSPEC9005 stays as the generator's safety net for checked models built without the checker.
        var model = Models.Model("M", 2,
            Models.Family("f", 0, FamilyKind.Composed, Models.Fn(Function.Sigmoid, Models.Z), ShapeProperties.None,
                Models.Add(Models.P("lo"), new Var(VarKind.X, "x")), Models.X0(), Models.Param("lo", 0.0)));
        var e = Assert.Throws<UnsupportedModelException>(() => ModelEmitter.Emit(model, null, "m.dspec"));
        Assert.Contains("'lo'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoFilesDeclaringTheSameModelAreOneClearError()
    {
        const string text = "model Twin {\n  family up increasing: dx/dz = softplus(net)\n}\n";
        var diagnostics = Run(("/p/a.dspec", text), ("/p/b.dspec", text));
        // One error at each file, and no crash of the driver (no source is added twice).
        Assert.Equal(new[] { "/p/a.dspec", "/p/b.dspec" }, diagnostics.Select(d => d.Location.GetLineSpan().Path).OrderBy(p => p, StringComparer.Ordinal));
        Assert.All(diagnostics, d => Assert.Equal("DSPEC9003", d.Id));
        Assert.Contains("Twin.g.cs", diagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}

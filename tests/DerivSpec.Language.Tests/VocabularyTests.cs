using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>
/// The vocabulary tables (Language/Vocabulary): every enum member has an entry, names are unique, the checker accepts
/// every name and the printer writes it back. A member added without its entry does not compile (the tables' switches
/// have no default arm); these tests catch an entry that is present but wrong.
/// </summary>
public class VocabularyTests
{
    private static T[] Members<T>() where T : struct, Enum => Enum.GetValues(typeof(T)).Cast<T>().ToArray();

    private static void Unique(IEnumerable<string> names)
    {
        var list = names.ToList();
        Assert.All(list, n => Assert.False(string.IsNullOrWhiteSpace(n)));
        Assert.Equal(list.Count, list.Distinct(StringComparer.Ordinal).Count());
    }

    private static CheckedModel Single(string text)
    {
        var r = DspecCompiler.Compile(text, "v.dspec");
        Assert.False(r.HasErrors, text + "\n" + string.Join("\n", r.Diagnostics));
        var m = Assert.Single(r.Models);
        var again = DspecCompiler.Compile(DspecPrinter.Print(m), "v.dspec");
        Assert.Equal(m, Assert.Single(again.Models));   // the printer writes every name back
        return m;
    }

    [Fact]
    public void EveryLikelihoodHasAnEntryTheCheckerAccepts()
    {
        Assert.Equal(Members<LikelihoodKind>(), LikelihoodVocabulary.All.Select(e => e.Kind));
        Unique(LikelihoodVocabulary.Names);
        foreach (var e in LikelihoodVocabulary.All)
        {
            Assert.Equal(e.Kind.ToString(), e.Member);
            Assert.True(LikelihoodVocabulary.TryParse(e.Name, out var k) && k == e.Kind);
            Assert.Equal(e.Kind, Single($"model M {{\n  likelihood {e.Name}\n  family f: x = z\n}}\n").Likelihood);
        }
        Assert.False(LikelihoodVocabulary.TryParse("Gaussian", out _));   // names, not member names
    }

    [Fact]
    public void EveryActivationHasAnEntryTheCheckerAccepts()
    {
        Assert.Equal(Members<ActivationKind>(), ActivationVocabulary.All.Select(e => e.Kind));
        Unique(ActivationVocabulary.Names);
        foreach (var e in ActivationVocabulary.All)
        {
            Assert.Equal(e.Kind.ToString(), e.Member);
            var m = Single($"model M {{\n  net [8] {e.Name}\n  encoder [4] {e.Name}\n  family f increasing: dx/dz = softplus(net)\n}}\n");
            Assert.Equal(e.Kind, m.DerivativeNet.Activation);
            Assert.Equal(e.Kind, m.Encoder.Activation);
        }
    }

    [Fact]
    public void EveryConstraintHasAnEntryWhoseDefaultLiesInItsDomain()
    {
        Assert.Equal(Members<ParameterConstraintKind>(), ConstraintVocabulary.All.Select(e => e.Kind));
        foreach (var e in ConstraintVocabulary.All)
        {
            Assert.Equal(e.Kind.ToString(), e.Member);
            // Bounds (lo, hi) of an interval; quantile levels (a, b) of a latent range.
            var (lo, hi) = e.Kind == ParameterConstraintKind.LatentRange ? (0.2, 0.9) : (-1.0, 3.0);
            Assert.True(e.Contains(e.DefaultInit(lo, hi), lo, hi), e.Member);
            if (e.Kind == ParameterConstraintKind.None) { Assert.Equal("", e.Text(0, 0)); continue; }
            var m = Single($"model M {{\n  family f {{\n    param a {e.Text(lo, hi)}\n    x = a * z\n  }}\n}}\n");
            var a = m.Families[0].Parameters.Single(p => p.Name == "a");
            Assert.Equal(e.Kind, a.Constraint.Kind);
            Assert.Equal((lo, hi), e.Kind is ParameterConstraintKind.Interval or ParameterConstraintKind.LatentRange ? (a.Constraint.Lower, a.Constraint.Upper) : (lo, hi));
            Assert.Equal(e.DefaultInit(lo, hi), a.Init);
        }
    }

    [Fact]
    public void EveryPriorHasAnEntryTheCheckerAccepts()
    {
        Assert.Equal(Members<ParameterPriorKind>(), PriorVocabulary.All.Select(e => e.Kind));
        Unique(PriorVocabulary.Names);
        foreach (var e in PriorVocabulary.All)
        {
            Assert.Equal(e.Kind.ToString(), e.Member);
            if (e.Kind == ParameterPriorKind.None) { Assert.Null(e.Name); Assert.Equal(0, e.Arity); continue; }
            Assert.InRange(e.Arity, 1, 2);
            string args = e.Arity == 2 ? "1, 2" : "1";
            var m = Single($"model M {{\n  family f {{\n    param a > 0 ~ {e.Name}({args})\n    x = a * z\n  }}\n}}\n");
            var prior = m.Families[0].Parameters.Single(p => p.Name == "a").Prior!;
            Assert.Equal(e.Kind, prior.Kind);
            Assert.True(e.ValidArguments(prior.A, prior.B));
            // the table's support fact is the checker's: an unconstrained parameter is refused exactly when the support is (0, ∞)
            var r = DspecCompiler.Compile($"model M {{\n  family f {{\n    param a ~ {e.Name}({args})\n    x = a * z\n  }}\n}}\n", "v.dspec");
            Assert.Equal(e.PositiveSupport, r.Diagnostics.Any(d => d.Id == "DSPEC1020"));
        }
    }

    [Fact]
    public void EveryFunctionHasAnEntryTheCheckerAcceptsAndThePrinterWritesBack()
    {
        Assert.Equal(Members<Function>(), FunctionVocabulary.All.Select(e => e.Function));
        Unique(FunctionVocabulary.CallableNames);
        foreach (var e in FunctionVocabulary.All)
        {
            Assert.False(string.IsNullOrEmpty(e.RuntimeMethod));
            var m = Single($"model M {{\n  family f: x = {e.Name}(z + 2)\n}}\n");
            Assert.Equal(e.Function, Assert.IsType<Call>(m.Families[0].Body).Fn);
            Assert.Equal(e.Name + "(z + 2)", DspecPrinter.PrintExpression(m.Families[0].Body));
        }
        Assert.False(FunctionVocabulary.TryParse(FunctionVocabulary.IntegralName, out _));   // a special form, not a function
    }

    [Fact]
    public void EveryFunctionHasProverFactsInItsEntry()
    {
        foreach (var e in FunctionVocabulary.All)
        {
            Assert.NotNull(e.Facts);
            Assert.Equal(e.Function, e.Facts.Fn);
            Assert.Same(e.Facts, DerivSpec.Language.Semantics.FunctionFacts.For(e.Function));
            Assert.Equal(e.Name, e.Facts.Name);
        }
    }

    [Fact]
    public void EveryPropertyHasAnEntryAndConflictsAreSymmetric()
    {
        var flags = Members<ShapeProperties>().Where(p => p != ShapeProperties.None).ToArray();
        Assert.Equal(flags, PropertyVocabulary.All.Select(e => e.Property));
        Unique(PropertyVocabulary.Names);
        foreach (var a in PropertyVocabulary.All)
            foreach (var b in PropertyVocabulary.All)
                Assert.Equal((a.ConflictsWith & b.Property) != 0, (b.ConflictsWith & a.Property) != 0);
        foreach (var e in PropertyVocabulary.All)
        {
            var r = DspecCompiler.Compile($"model M {{\n  family f {e.Name}: x = z\n}}\n", "v.dspec");
            Assert.DoesNotContain(r.Diagnostics, d => d.Id == "DSPEC1007");   // known name (proof may fail; that is not this test)
        }
    }

    [Theory]
    [InlineData("latent", DspecLimits.MaxLatentDim)]
    [InlineData("order", DspecLimits.MaxQuadratureOrder)]
    public void IntegerSettingsStopAtTheSharedLimit(string setting, int max)
    {
        string text(int v) => $"model M {{\n  {setting} {v.ToString(CultureInfo.InvariantCulture)}\n  family f increasing: dx/dz = softplus(net)\n}}\n";
        Single(text(max));
        var r = DspecCompiler.Compile(text(max + 1), "v.dspec");
        Assert.Contains(r.Diagnostics, d => d.Id == "DSPEC1004" && d.Message.Contains($"from 1 to {max}"));
        Assert.Empty(r.Models);
    }

    [Fact]
    public void OccamIsANonnegativeSettingThatDefaultsToZeroAndRoundTrips()
    {
        const string family = "  family f increasing: dx/dz = softplus(net)\n}\n";
        Assert.Equal(0.0, Single("model M {\n" + family).Hyper.Occam);
        var m = Single("model M {\n  occam 1.5\n" + family);
        Assert.Equal(1.5, m.Hyper.Occam);
        Assert.Contains("  occam 1.5\n", DspecPrinter.Print(m));
        var r = DspecCompiler.Compile("model M {\n  occam -1\n" + family, "v.dspec");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("DSPEC1004", d.Id);
        Assert.Contains("'occam'", d.Message);
        Assert.Empty(r.Models);
    }

    [Fact]
    public void FreeBitsIsANonnegativeSettingThatDefaultsToZeroAndStaysOutOfTheCanonicalTextWhenZero()
    {
        const string family = "  family f increasing: dx/dz = softplus(net)\n}\n";
        var plain = Single("model M {\n" + family);
        Assert.Equal(0.0, plain.Hyper.FreeBits);
        // Undeclared, it is not printed: models from before the setting keep their canonical text and spec identity.
        Assert.DoesNotContain("freebits", DspecPrinter.Print(plain));
        Assert.Equal(DspecPrinter.Print(plain), DspecPrinter.Print(Single("model M {\n  freebits 0\n" + family)));
        var m = Single("model M {\n  freebits 2.5\n" + family);
        Assert.Equal(2.5, m.Hyper.FreeBits);
        Assert.Contains("  freebits 2.5\n", DspecPrinter.Print(m));
        Assert.Equal(2.5, Single(DspecPrinter.Print(m)).Hyper.FreeBits);
        var r = DspecCompiler.Compile("model M {\n  freebits -1\n" + family, "v.dspec");
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("DSPEC1004", d.Id);
        Assert.Contains("'freebits'", d.Message);
        Assert.Empty(r.Models);
    }

    [Fact]
    public void NetworkShapesStopAtTheSharedLimits()
    {
        Single($"model M {{\n  net [{DspecLimits.MaxHiddenWidth}] tanh\n  family f increasing: dx/dz = softplus(net)\n}}\n");
        var wide = DspecCompiler.Compile($"model M {{\n  net [{DspecLimits.MaxHiddenWidth + 1}] tanh\n  family f increasing: dx/dz = softplus(net)\n}}\n", "v.dspec");
        Assert.Contains(wide.Diagnostics, d => d.Id == "DSPEC1004");
        string layers(int n) => "[" + string.Join(", ", Enumerable.Repeat("2", n)) + "]";
        Single($"model M {{\n  encoder {layers(DspecLimits.MaxHiddenLayers)}\n  family f increasing: dx/dz = softplus(net)\n}}\n");
        var deep = DspecCompiler.Compile($"model M {{\n  encoder {layers(DspecLimits.MaxHiddenLayers + 1)}\n  family f increasing: dx/dz = softplus(net)\n}}\n", "v.dspec");
        Assert.Contains(deep.Diagnostics, d => d.Id == "DSPEC1004");
    }
}

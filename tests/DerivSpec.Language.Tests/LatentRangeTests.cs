using System;
using System.Linq;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>
/// The <c>in latent(a, b)</c> constraint: parsing (with and without levels), every checker error located at its
/// culprit, the checked model, the canonical text and its round trip, and the prover, which treats such a parameter
/// as any finite real (its range is known only at run time).
/// </summary>
public class LatentRangeTests
{
    private const string Transient = """
        model M {
          family peak transient {
            param z0 CONSTRAINT
            param c ~ normal(0, 1)
            param A > 0 ~ gamma(1, 1)
            let h = (z - z0) * softplus(c + integral((z - z0) * softplus(net)))
            x = A * exp(-square(h))
          }
        }
        """;

    private static CompileResult Compile(string text) => DspecCompiler.Compile(text.Replace("\r", "", StringComparison.Ordinal), "latent.dspec");

    private static string Located(CompileResult r) =>
        string.Join("\n", r.Diagnostics.Select(d => $"{d.Id} {d.Line}:{d.Column}-{d.EndLine}:{d.EndColumn} {d.Message}"));

    private static CheckedParameter Z0(string constraint)
    {
        var r = Compile(Transient.Replace("CONSTRAINT", constraint, StringComparison.Ordinal));
        Assert.True(r.Diagnostics.Count == 0, Located(r));
        return Assert.Single(r.Models).Families[0].Parameters.Single(p => p.Name == "z0");
    }

    [Fact]
    public void ExplicitLevelsGiveALatentRangeConstraintWithThoseLevels()
    {
        var z0 = Z0("in latent(0.2, 0.8)");
        Assert.Equal(new ParameterConstraint(ParameterConstraintKind.LatentRange, 0.2, 0.8), z0.Constraint);
        // The parameter starts at the middle of the starting range (the standard normal's 0.2- and 0.8-quantiles).
        Assert.Equal(0, z0.Init, 12);
        Assert.Null(z0.Prior);
    }

    [Fact]
    public void BareInLatentMeansTheTenthAndNinetiethPercentiles()
    {
        Assert.Equal(Z0("in latent(0.1, 0.9)"), Z0("in latent"));
        Assert.Equal((LatentRangeRule.DefaultLower, LatentRangeRule.DefaultUpper), (0.1, 0.9));
    }

    [Theory]
    [InlineData("in latent(0, 1)")]
    [InlineData("in latent(0, 0.5)")]
    [InlineData("in latent(0.999, 1)")]
    [InlineData("in latent(0.25, 0.2500001)")]
    [InlineData("in latent ~ normal(0, 1)")]
    [InlineData("in latent(0.05, 0.95) ~ normal(1, 2)")]
    public void LevelsFromZeroToOneAndNormalPriorsAreAccepted(string constraint)
    {
        var z0 = Z0(constraint);
        Assert.Equal(ParameterConstraintKind.LatentRange, z0.Constraint.Kind);
        Assert.True(ConstraintVocabulary.Of(z0.Constraint.Kind).Contains(z0.Init, z0.Constraint.Lower, z0.Constraint.Upper));
        Assert.True(double.IsFinite(z0.Init));
    }

    [Fact]
    public void TheTransientWithItsPeakInsideTheLatentRangeProves()
    {
        // The proof does not depend on where the range is: z0 is any finite real for the prover.
        var r = Compile(Transient.Replace("CONSTRAINT", "in latent(0.2, 0.8) ~ normal(0, 1)", StringComparison.Ordinal));
        Assert.True(r.Diagnostics.Count == 0, Located(r));
        Assert.Equal(ShapeProperties.Transient, Assert.Single(r.Models).Families[0].Declared);
    }

    [Fact]
    public void NoProofCanRestOnTheRange()
    {
        // An interval (0.5, 2) would prove z0 > 0 and so `increasing` for x = z0·z; a latent range proves nothing about
        // the sign (the occupied range may be negative), so the same family is rejected at z0.
        const string text = "model M {\n  family f increasing {\n    param z0 CONSTRAINT\n    x = z0 * z\n  }\n}\n";
        Assert.True(Compile(text.Replace("CONSTRAINT", "in (0.5, 2)", StringComparison.Ordinal)).Diagnostics.Count == 0);
        var r = Compile(text.Replace("CONSTRAINT", "in latent(0.5, 0.9)", StringComparison.Ordinal));
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("DSPEC2001", d.Id);
        Assert.Empty(r.Models);
        // A positive-support prior would need a positive domain too: the latent range may be negative.
        var prior = Compile(text.Replace("CONSTRAINT", "in latent ~ gamma(2, 1)", StringComparison.Ordinal));
        Assert.Equal("DSPEC1020 3:26-3:31 Prior 'gamma' has support (0, ∞) but parameter 'z0' can take values ≤ 0; constrain it with '> 0' or an interval within [0, ∞).",
            Located(prior).Split('\n')[0]);
    }

    [Theory]
    [InlineData("in latent(0.8, 0.2)", "a = 0.8, b = 0.2")]
    [InlineData("in latent(0.5, 0.5)", "a = 0.5, b = 0.5")]
    [InlineData("in latent(-0.1, 0.5)", "a = -0.1, b = 0.5")]
    [InlineData("in latent(0.5, 1.5)", "a = 0.5, b = 1.5")]
    [InlineData("in latent(10, 90)", "a = 10, b = 90")]
    public void LevelsOutsideZeroToOneOrOutOfOrderAreAnErrorAtTheConstraint(string constraint, string got)
    {
        var r = Compile(Transient.Replace("CONSTRAINT", constraint, StringComparison.Ordinal));
        var d = Assert.Single(r.Diagnostics);
        Assert.Equal("DSPEC1017", d.Id);
        Assert.Equal($"Invalid constraint on 'z0': the quantile levels of 'in latent(a, b)' must satisfy 0 ≤ a < b ≤ 1, got {got}.", d.Message);
        Assert.Equal((3, 14, 3, 14 + constraint.Length), (d.Line, d.Column, d.EndLine, d.EndColumn));
        Assert.Empty(r.Models);
    }

    [Fact]
    public void TheBuiltInsCannotBeInTheLatentRange()
    {
        var x0 = Compile("model M {\n  family f {\n    param x0 in latent\n    dx/dz = softplus(net)\n  }\n}\n");
        Assert.Equal("DSPEC1017 3:14-3:23 Invalid constraint on 'x0': 'in latent' keeps a parameter inside the latent range the training cells occupy, but x0 is the family's offset, one value per feature, not a point of the latent space.",
            Located(x0));
        var v0 = Compile("model M {\n  family f {\n    param v0 in latent(0.2, 0.8)\n    d2x/dz2 = softplus(net)\n  }\n}\n");
        Assert.Equal("DSPEC1017 3:14-3:33 Invalid constraint on 'v0': 'in latent' keeps a parameter inside the latent range the training cells occupy, but v0 is the slope dx/dz at z = 0, not a point of the latent space.",
            Located(v0));
        Assert.Empty(x0.Models);
        Assert.Empty(v0.Models);
    }

    [Fact]
    public void InitIsAnErrorAtTheValue()
    {
        var r = Compile(Transient.Replace("CONSTRAINT", "in latent(0.2, 0.8) ~ normal(0, 1) init 0.5", StringComparison.Ordinal));
        Assert.Equal("DSPEC1035 3:54-3:57 Parameter 'z0' is constrained 'in latent(…)' and takes no 'init' (got 0.5): it starts at the middle of the latent range, which is known only when training runs; remove the 'init'.",
            Located(r));
        Assert.Empty(r.Models);
        // Also with the bare form, and with a value that would lie inside any plausible range.
        Assert.Equal("DSPEC1035", Assert.Single(Compile(Transient.Replace("CONSTRAINT", "in latent init 0", StringComparison.Ordinal)).Diagnostics).Id);
    }

    [Theory]
    [InlineData("in latnet(0.1, 0.9)", "DSPEC0003 3:17-3:23 Unexpected name 'latnet'; expected '(' or 'latent'.")]
    [InlineData("in latent(0.1)", "DSPEC0003 3:27-3:28 Unexpected ')'; expected ','.")]
    [InlineData("in latent(0.1, 0.9", "DSPEC0003 3:32-3:32 Unexpected end of line; expected ')'.")]
    [InlineData("in latent 0.1, 0.9", "DSPEC0003 3:24-3:27 Unexpected number 0.1; expected end of line.")]
    public void MalformedLatentConstraintsAreSyntaxErrors(string constraint, string expected)
    {
        var r = Compile(Transient.Replace("CONSTRAINT", constraint, StringComparison.Ordinal));
        Assert.Equal(expected, Located(r).Split('\n')[0]);
        Assert.Empty(r.Models);
    }

    [Fact]
    public void LatentIsStillASettingAndANameOutsideTheConstraint()
    {
        // `latent` is a setting name, not a reserved word: a parameter may be called latent and the setting still works.
        var r = Compile("model M {\n  latent 2\n  family f transient {\n    param latent in latent(0.2, 0.8)\n    dx/dz = -(z - latent) * softplus(net)\n  }\n}\n");
        Assert.True(r.Diagnostics.Count == 0, Located(r));
        var m = Assert.Single(r.Models);
        Assert.Equal(2, m.LatentDim);
        Assert.Equal(ParameterConstraintKind.LatentRange, m.Families[0].Parameters.Single(p => p.Name == "latent").Constraint.Kind);
    }

    [Fact]
    public void TheCanonicalTextWritesTheLevelsAndNoInitAndRoundTrips()
    {
        var r = Compile(Transient.Replace("CONSTRAINT", "in latent ~ normal(0, 1)", StringComparison.Ordinal));
        string printed = DspecPrinter.Print(r.Models);
        Assert.Contains("    param z0 in latent(0.1, 0.9) ~ normal(0, 1)\n", printed, StringComparison.Ordinal);
        Assert.Contains("    param c ~ normal(0, 1) init 0\n", printed, StringComparison.Ordinal);
        RoundTripTests.AssertRoundTrip(r);
        // Different levels are a different model (and a different canonical text, hence spec identity).
        var other = Compile(Transient.Replace("CONSTRAINT", "in latent(0.2, 0.8) ~ normal(0, 1)", StringComparison.Ordinal));
        Assert.NotEqual(r.Models, other.Models);
        Assert.Contains("param z0 in latent(0.2, 0.8) ~ normal(0, 1)\n", DspecPrinter.Print(other.Models), StringComparison.Ordinal);
        RoundTripTests.AssertRoundTrip(other);
        // A latent-range parameter of a one-line-able family still makes it a block (the constraint is not a default).
        var oneLine = Compile("model M {\n  family f transient {\n    param a in latent(0, 1)\n    dx/dz = -(z - a) * softplus(net)\n  }\n}\n");
        Assert.Contains("param a in latent(0, 1)\n", DspecPrinter.Print(oneLine.Models), StringComparison.Ordinal);
        RoundTripTests.AssertRoundTrip(oneLine);
    }

    [Fact]
    public void TheStartingRangeIsTheStandardNormalsQuantiles()
    {
        // Reference values of Φ⁻¹ (to 16 digits); the approximation is within 1.2e-9 relative.
        foreach (var (p, q) in new[] { (0.1, -1.2815515655446004), (0.2, -0.8416212335729143), (0.975, 1.959963984540054), (0.001, -3.090232306167813), (0.5, 0.0), (1e-10, -6.361340902404056) })
            Assert.True(Math.Abs(LatentRangeRule.NormalQuantile(p) - q) <= 1.2e-9 * Math.Abs(q), $"Φ⁻¹({p}) = {LatentRangeRule.NormalQuantile(p)}, expected {q}");
        Assert.Equal(-LatentRangeRule.NormalQuantile(0.9), LatentRangeRule.NormalQuantile(0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentRangeRule.NormalQuantile(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatentRangeRule.NormalQuantile(1));
        // Levels 0 and 1 start finite, at the 0.001- and 0.999-quantiles; levels close to one end give a point.
        var (lo, hi) = LatentRangeRule.InitialRange(0, 1);
        Assert.Equal(LatentRangeRule.NormalQuantile(0.001), lo);
        Assert.Equal(LatentRangeRule.NormalQuantile(0.999), hi);
        var (a, b) = LatentRangeRule.InitialRange(0.9995, 1);
        Assert.Equal(a, b);
        Assert.Equal(a, LatentRangeRule.InitialValue(0.9995, 1));
        Assert.True(LatentRangeRule.ValidLevels(0, 1));
        Assert.False(LatentRangeRule.ValidLevels(0.5, 0.5));
        Assert.False(LatentRangeRule.ValidLevels(double.NaN, 0.5));
    }
}

using System.Linq;
using Xunit;

namespace DerivSpec.Language.Tests;

/// <summary>
/// <c>Compile</c> returns exactly the models without an error located in their text (spec: Files and models): a syntax
/// or lexical error inside a model leaves that model out even when recovery could build one; the other models stay.
/// </summary>
public class ModelSelectionTests
{
    private const string Good = "model Good {\n  family f increasing: dx/dz = softplus(net)\n}\n";

    [Theory]
    [InlineData("model Bad {\n  family f increasing: dx/dz = softplus(net) @\n}\n", "DSPEC0001")]       // stray character
    [InlineData("model Bad {\n  @\n  family f increasing: dx/dz = softplus(net)\n}\n", "DSPEC0001")]
    [InlineData("model Bad {\n  alpha -1e999\n  family f increasing: dx/dz = softplus(net)\n}\n", null)]  // not silently 0.1
    [InlineData("model Bad {\n  alpha 1e999\n  family f increasing: dx/dz = softplus(net)\n}\n", null)]
    [InlineData("model Bad {\n  net [[64]\n  family f increasing: dx/dz = softplus(net)\n}\n", null)]
    [InlineData("model Bad {\n  net [64]] tanh\n  family f increasing: dx/dz = softplus(net)\n}\n", null)]
    [InlineData("model Bad {\n  order 2x\n  family f increasing: dx/dz = softplus(net)\n}\n", "DSPEC0004")]
    public void AModelWithAnErrorIsLeftOutAndTheOthersStay(string bad, string? id)
    {
        foreach (var text in new[] { bad, bad + Good, Good + bad })
        {
            var r = DspecCompiler.Compile(text, "m.dspec");
            string all = string.Join("\n", r.Diagnostics);
            Assert.True(r.HasErrors, text);
            if (id != null) Assert.Contains(r.Diagnostics, d => d.Id == id && d.Severity == DspecSeverity.Error);
            Assert.DoesNotContain(r.Models, m => m.Name == "Bad");
            if (text != bad) Assert.True(r.Models.Any(m => m.Name == "Good"), text + "\n" + all);
        }
    }

    [Fact]
    public void AnErrorOutsideEveryModelLeavesTheModelsIn()
    {
        var r = DspecCompiler.Compile("@\n" + Good + "@\n", "m.dspec");
        Assert.True(r.HasErrors);
        Assert.Single(r.Models);
    }
}

using System.Collections.Generic;
using System.IO;
using DerivSpec.Examples;
using DerivSpec.Tools;
using Xunit;

namespace DerivSpec.Examples.Tests;

public class MatchingAndCliTests
{
    [Fact]
    public void BestMapPairsClustersWithTheirMajorityLabel()
    {
        var clusters = new[] { "b1", "b1", "b2", "b2", "b2", "b3" };
        var truth = new[] { "inc", "inc", "tr", "tr", "inc", "dec" };
        var map = Matching.BestMap(clusters, truth);
        Assert.Equal("inc", map["b1"]);
        Assert.Equal("tr", map["b2"]);
        Assert.Equal("dec", map["b3"]);
    }

    [Fact]
    public void BestMapIsOneToOne()
    {
        // both clusters are mostly "inc"; only one can take it
        var map = Matching.BestMap(new[] { "a", "a", "a", "b", "b" }, new[] { "inc", "inc", "dec", "inc", "inc" });
        Assert.NotEqual(map["a"], map["b"]);
    }

    [Fact]
    public void ExampleCommandParsesTypedOptionsAndExplainsMistakes()
    {
        (int Code, string Out, string Err, int[]? Seeds, int Epochs, bool Quiet) Run(params string[] args)
        {
            var cmd = new ExampleCommand("demo", "A demo program.");
            var seeds = cmd.IntList("--seed", "Seeds.", new[] { 0 }, 0, 100);
            var epochs = cmd.Int("--epochs", "Epochs.", 300, 1, 1000);
            var quiet = cmd.Flag("--quiet", "Quiet.");
            int[]? s = null;
            int e = 0;
            bool q = false;
            var o = new StringWriter();
            var err = new StringWriter();
            int code = cmd.Run(args, o, err, (p, _) => { s = p.GetValue(seeds); e = p.GetValue(epochs); q = p.GetValue(quiet); return 0; });
            return (code, o.ToString(), err.ToString(), s, e, q);
        }

        var ok = Run("--seed", "1-3,7", "--epochs=20", "--quiet");
        Assert.Equal(0, ok.Code);
        Assert.Equal(new[] { 1, 2, 3, 7 }, ok.Seeds);
        Assert.Equal(20, ok.Epochs);
        Assert.True(ok.Quiet);
        var defaults = Run();
        Assert.Equal(new[] { 0 }, defaults.Seeds);
        Assert.Equal(300, defaults.Epochs);

        var typo = Run("--epoch", "2");
        Assert.Equal(2, typo.Code);
        Assert.Contains("demo: unknown option --epoch. Did you mean --epochs?", typo.Err);
        Assert.Null(typo.Seeds); // the body did not run
        Assert.Equal(2, Run("--epochs").Code);
        Assert.Contains("--epochs: 'x' is not an integer.", Run("--epochs", "x").Err);
        Assert.Contains("--epochs: 0 is outside 1..1000", Run("--epochs", "0").Err);
        Assert.Contains("--seed: 'a' is not an integer or a range a-b", Run("--seed", "1,a").Err);
        Assert.Contains("--seed: 101 is outside 0..100", Run("--seed", "99-101").Err);

        var help = Run("--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("A demo program.", help.Out);
        Assert.Contains("--epochs", help.Out);
        Assert.Contains("[default: 300]", help.Out);
    }
}

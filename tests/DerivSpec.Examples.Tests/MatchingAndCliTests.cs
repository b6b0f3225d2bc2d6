using System.Collections.Generic;
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
    public void CommandLineParsesAndExplains()
    {
        var c = CommandLine.Parse(new[] { "--seed", "1-3,7", "--epochs=20", "--quiet" }, new[] { "seed", "epochs" }, new[] { "quiet" });
        Assert.Equal(new[] { 1, 2, 3, 7 }, c.Ints("seed", new[] { 0 }));
        Assert.Equal(20, c.Int("epochs", 300, 1));
        Assert.True(c.Flag("quiet"));
        Assert.Contains("Did you mean --epochs", Assert.Throws<UsageException>(() => CommandLine.Parse(new[] { "--epoch", "2" }, new[] { "epochs" })).Message);
        Assert.Contains("needs a value", Assert.Throws<UsageException>(() => CommandLine.Parse(new[] { "--epochs" }, new[] { "epochs" })).Message);
        Assert.Contains("not an integer", Assert.Throws<UsageException>(() => CommandLine.Parse(new[] { "--epochs", "x" }, new[] { "epochs" }).Int("epochs", 1)).Message);
        Assert.Contains("outside", Assert.Throws<UsageException>(() => CommandLine.Parse(new[] { "--epochs", "0" }, new[] { "epochs" }).Int("epochs", 1, 1)).Message);
    }
}

using Xunit;

namespace DerivSpec.Language.Tests;

public class SmokeTests
{
    [Fact]
    public void AssemblyLoads() => Assert.Equal("DerivSpec.Language", typeof(LanguageInfo).Assembly.GetName().Name);
}

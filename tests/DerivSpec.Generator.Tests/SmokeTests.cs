using Xunit;

namespace DerivSpec.Generator.Tests;

public class SmokeTests
{
    [Fact]
    public void LanguageIsReferenced() => Assert.Equal(".dspec", DerivSpec.Language.LanguageInfo.FileExtension);
}

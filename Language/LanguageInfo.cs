namespace DerivSpec.Language
{
    /// <summary>Facts about the .dspec language implemented by this assembly.</summary>
    public static class LanguageInfo
    {
        /// <summary>The file extension of DerivSpec model files.</summary>
        public const string FileExtension = ".dspec";
    }
}

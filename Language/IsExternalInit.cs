namespace System.Runtime.CompilerServices
{
    /// <summary>Polyfill so records and init-only setters compile on netstandard2.0.</summary>
    internal static class IsExternalInit { }
}

// Shared source: compiled into DerivSpec.Language and DerivSpec.Runtime (see README.md in this folder).
#if DERIVSPEC_RUNTIME
namespace DerivSpec.Runtime
#else
namespace DerivSpec.Language
#endif
{
    /// <summary>
    /// The limits that both the .dspec checker (which reports DSPEC1004 beyond them) and the Runtime (which throws
    /// beyond them) enforce: whatever the checker accepts, the Runtime runs.
    /// </summary>
    public static class DspecLimits
    {
        /// <summary>Largest latent dimension P (setting <c>latent</c>).</summary>
        public const int MaxLatentDim = 1024;

        /// <summary>Largest Gauss–Legendre order n (setting <c>order</c>; the Runtime's rules are exact in double up to here).</summary>
        public const int MaxQuadratureOrder = 100;

        /// <summary>Largest hidden width of a network (settings <c>net</c> and <c>encoder</c>).</summary>
        public const int MaxHiddenWidth = 100000;

        /// <summary>Largest number of hidden layers of a network (settings <c>net</c> and <c>encoder</c>).</summary>
        public const int MaxHiddenLayers = 32;
    }
}

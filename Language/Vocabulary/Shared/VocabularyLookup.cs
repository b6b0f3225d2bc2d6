// Shared source: compiled into DerivSpec.Language and DerivSpec.Runtime (see README.md in this folder).
using System;
using System.Collections.Generic;

#if DERIVSPEC_RUNTIME
namespace DerivSpec.Runtime
#else
namespace DerivSpec.Language
#endif
{
    /// <summary>The one name lookup every vocabulary table uses: exact (ordinal) match of an entry's name.</summary>
    internal static class VocabularyLookup
    {
        /// <summary>The member of the entry named <paramref name="text"/>; false (and the default member) when there is
        /// none. Entries without a name (null) never match.</summary>
        public static bool TryFind<TInfo, TKind>(IEnumerable<TInfo> entries, Func<TInfo, string?> name, Func<TInfo, TKind> member,
            string? text, out TKind result)
        {
            foreach (var e in entries)
            {
                var n = name(e);
                if (n != null && string.Equals(n, text, StringComparison.Ordinal)) { result = member(e); return true; }
            }
            result = default!;
            return false;
        }
    }
}

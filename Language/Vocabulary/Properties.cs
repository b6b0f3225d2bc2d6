using System;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Language
{
    /// <summary>The facts of one shape property outside the prover: its name and the properties it excludes.</summary>
    public sealed class PropertyInfo
    {
        internal PropertyInfo(ShapeProperties property, string name, ShapeProperties conflicts) { Property = property; Name = name; ConflictsWith = conflicts; }

        /// <summary>The property (a single flag).</summary>
        public ShapeProperties Property { get; }
        /// <summary>Its name in .dspec text (e.g. <c>increasing</c>).</summary>
        public string Name { get; }
        /// <summary>The properties that cannot be declared with it (DSPEC1028).</summary>
        public ShapeProperties ConflictsWith { get; }
    }

    /// <summary>The property table: one entry per single-flag member of <see cref="ShapeProperties"/>.</summary>
    public static class PropertyVocabulary
    {
        /// <summary>The entry of the single flag <paramref name="property"/>. No default arm for the named flags: a flag
        /// without an entry does not compile (None and combinations throw).</summary>
        public static PropertyInfo Of(ShapeProperties property) => property switch
        {
            ShapeProperties.None => throw new ArgumentException("'None' is not a property.", nameof(property)),
            ShapeProperties.Increasing => new PropertyInfo(property, "increasing", ShapeProperties.Decreasing | ShapeProperties.Transient),
            ShapeProperties.Decreasing => new PropertyInfo(property, "decreasing", ShapeProperties.Increasing | ShapeProperties.Transient),
            ShapeProperties.Transient => new PropertyInfo(property, "transient", ShapeProperties.Increasing | ShapeProperties.Decreasing),
            ShapeProperties.Nonnegative => new PropertyInfo(property, "nonnegative", ShapeProperties.None),
            ShapeProperties.Bounded => new PropertyInfo(property, "bounded", ShapeProperties.None),
        };

        /// <summary>Every entry, in flag order.</summary>
        public static IReadOnlyList<PropertyInfo> All { get; } =
            Enum.GetValues(typeof(ShapeProperties)).Cast<ShapeProperties>().Where(p => p != ShapeProperties.None).Select(Of).ToArray();

        /// <summary>Every name, in flag order.</summary>
        public static IReadOnlyList<string> Names { get; } = All.Select(e => e.Name).ToArray();

        /// <summary>The names of the flags set in <paramref name="properties"/>, in flag order.</summary>
        public static IEnumerable<string> NamesOf(ShapeProperties properties) =>
            All.Where(e => (properties & e.Property) != 0).Select(e => e.Name);

        /// <summary>The property named <paramref name="name"/>; false when there is none.</summary>
        public static bool TryParse(string? name, out ShapeProperties property) =>
            VocabularyLookup.TryFind(All, e => e.Name, e => e.Property, name, out property);
    }
}

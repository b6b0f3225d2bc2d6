using System;
using System.Collections;
using System.Collections.Generic;

namespace DerivSpec.Language
{
    /// <summary>
    /// An immutable array with structural (element-wise) equality, so that records holding collections stay value-equal.
    /// <c>default(EquatableArray&lt;T&gt;)</c> is the empty array.
    /// </summary>
    public readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
    {
        private readonly T[]? _items;

        /// <summary>Wraps a copy of <paramref name="items"/>.</summary>
        public EquatableArray(IEnumerable<T> items)
        {
            var list = new List<T>(items);
            _items = list.Count == 0 ? null : list.ToArray();
        }

        /// <summary>The empty array.</summary>
        public static EquatableArray<T> Empty => default;

        /// <summary>Number of elements.</summary>
        public int Count => _items?.Length ?? 0;

        /// <summary>Element at <paramref name="index"/>.</summary>
        public T this[int index] => _items is null ? throw new ArgumentOutOfRangeException(nameof(index)) : _items[index];

        /// <summary>True when there are no elements.</summary>
        public bool IsEmpty => Count == 0;

        /// <inheritdoc/>
        public bool Equals(EquatableArray<T> other)
        {
            var a = _items;
            var b = other._items;
            if (ReferenceEquals(a, b)) return true;
            int n = a?.Length ?? 0;
            if (n != (b?.Length ?? 0)) return false;
            var cmp = EqualityComparer<T>.Default;
            for (int i = 0; i < n; i++)
                if (!cmp.Equals(a![i], b![i])) return false;
            return true;
        }

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode()
        {
            unchecked
            {
                int h = 17;
                if (_items is null) return h;
                var cmp = EqualityComparer<T>.Default;
                foreach (var item in _items) h = h * 31 + (item is null ? 0 : cmp.GetHashCode(item));
                return h;
            }
        }

        /// <summary>Structural equality.</summary>
        public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

        /// <summary>Structural inequality.</summary>
        public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

        /// <inheritdoc/>
        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>A human-readable form, e.g. <c>[64, 64]</c>.</summary>
        public override string ToString() => "[" + string.Join(", ", _items ?? Array.Empty<T>()) + "]";
    }

    /// <summary>Factory helpers for <see cref="EquatableArray{T}"/>.</summary>
    public static class EquatableArray
    {
        /// <summary>Creates an array from the given items.</summary>
        public static EquatableArray<T> Create<T>(params T[] items) => new EquatableArray<T>(items);

        /// <summary>Creates an array from a sequence.</summary>
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) => new EquatableArray<T>(items);
    }
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Language
{
    /// <summary>The facts of one built-in function that the generator and the Runtime need. The prover's facts (range
    /// map, monotonicity, zero set, boundedness) are in <c>Semantics/FunctionFacts.cs</c>; tests check both tables have
    /// an entry for every <see cref="Function"/> member.</summary>
    public sealed class FunctionInfo
    {
        internal FunctionInfo(Function function, string name, string runtimeMethod) { Function = function; Name = name; RuntimeMethod = runtimeMethod; }

        /// <summary>The function.</summary>
        public Function Function { get; }
        /// <summary>Its name in .dspec text (e.g. <c>softplus</c>).</summary>
        public string Name { get; }
        /// <summary>The method of <c>DerivSpec.Runtime.Decoding.DecoderMath</c> generated code calls, with a Tensor and a
        /// double overload (constants are folded with the same formula).</summary>
        public string RuntimeMethod { get; }
    }

    /// <summary>The function table: one entry per <see cref="Function"/> member. Adding a function: a member of
    /// <see cref="Function"/>, its entry here, its prover facts in FunctionFacts, its two DecoderMath overloads, and tests.</summary>
    public static class FunctionVocabulary
    {
        /// <summary>The name of <c>integral(b)</c>, a special form (not a <see cref="Function"/>): it binds z.</summary>
        public const string IntegralName = "integral";

        /// <summary>The entry of <paramref name="function"/>. No default arm: a member without an entry does not compile.</summary>
        public static FunctionInfo Of(Function function) => function switch
        {
            Function.Softplus => new FunctionInfo(function, "softplus", "Softplus"),
            Function.Sigmoid => new FunctionInfo(function, "sigmoid", "Sigmoid"),
            Function.Exp => new FunctionInfo(function, "exp", "Exp"),
            Function.Log => new FunctionInfo(function, "log", "Log"),
            Function.Tanh => new FunctionInfo(function, "tanh", "Tanh"),
            Function.Square => new FunctionInfo(function, "square", "Square"),
            Function.Abs => new FunctionInfo(function, "abs", "Abs"),
        };

        /// <summary>Every entry, in member order.</summary>
        public static IReadOnlyList<FunctionInfo> All { get; } =
            Enum.GetValues(typeof(Function)).Cast<Function>().Select(Of).ToArray();

        /// <summary>Every name a call may use: the functions', then <see cref="IntegralName"/>.</summary>
        public static IReadOnlyList<string> CallableNames { get; } = All.Select(e => e.Name).Concat(new[] { IntegralName }).ToArray();

        /// <summary>The function named <paramref name="name"/>; false when there is none (also for <c>integral</c>).</summary>
        public static bool TryParse(string? name, out Function function)
        {
            foreach (var e in All)
                if (string.Equals(e.Name, name, StringComparison.Ordinal)) { function = e.Function; return true; }
            function = default;
            return false;
        }
    }
}

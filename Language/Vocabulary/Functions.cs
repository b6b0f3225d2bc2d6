using System;
using System.Collections.Generic;
using System.Linq;

namespace DerivSpec.Language
{
    /// <summary>One built-in function: its name in .dspec text, the Runtime operation generated code calls, and what the
    /// prover knows about it (<see cref="Facts"/>: domain, range map rounded outward, monotonicity, zero, derivative
    /// bound, boundedness — defined in <c>Semantics/FunctionFacts.cs</c>).</summary>
    public sealed class FunctionInfo
    {
        internal FunctionInfo(Function function, string name, string runtimeMethod, Semantics.FunctionFacts facts)
        {
            if (facts.Fn != function) throw new ArgumentException("the facts of " + facts.Fn + " were given for " + function, nameof(facts));
            Function = function; Name = name; RuntimeMethod = runtimeMethod; Facts = facts;
        }

        /// <summary>The function.</summary>
        public Function Function { get; }
        /// <summary>Its name in .dspec text (e.g. <c>softplus</c>).</summary>
        public string Name { get; }
        /// <summary>The method of <c>DerivSpec.Runtime.Decoding.DecoderMath</c> generated code calls, with a Tensor and a
        /// double overload (constants are folded with the same formula).</summary>
        public string RuntimeMethod { get; }
        /// <summary>What the prover knows about it.</summary>
        internal Semantics.FunctionFacts Facts { get; }
    }

    /// <summary>The function table: one entry per <see cref="Function"/> member, the only list of functions (the parser,
    /// the prover, the printer and the generator all read it). Adding a function: a member of <see cref="Function"/>, its
    /// entry here (name, DecoderMath method, prover facts — the facts object is written in FunctionFacts), the two
    /// DecoderMath overloads, and tests (VocabularyTests walks every member).</summary>
    public static class FunctionVocabulary
    {
        /// <summary>The name of <c>integral(b)</c>, a special form (not a <see cref="Function"/>): it binds z.</summary>
        public const string IntegralName = "integral";

        /// <summary>The entry of <paramref name="function"/>.</summary>
        public static FunctionInfo Of(Function function) => (uint)function < (uint)s_entries.Length
            ? s_entries[(int)function]
            : throw new ArgumentOutOfRangeException(nameof(function), function, "not a function of the language");

        private static readonly FunctionInfo[] s_entries = Enum.GetValues(typeof(Function)).Cast<Function>().OrderBy(f => (int)f).Select(Create).ToArray();

        // No default arm: a member without an entry does not compile.
        private static FunctionInfo Create(Function function) => function switch
        {
            Function.Softplus => new FunctionInfo(function, "softplus", "Softplus", Semantics.FunctionFacts.Softplus),
            Function.Sigmoid => new FunctionInfo(function, "sigmoid", "Sigmoid", Semantics.FunctionFacts.Sigmoid),
            Function.Exp => new FunctionInfo(function, "exp", "Exp", Semantics.FunctionFacts.Exp),
            Function.Log => new FunctionInfo(function, "log", "Log", Semantics.FunctionFacts.Log),
            Function.Tanh => new FunctionInfo(function, "tanh", "Tanh", Semantics.FunctionFacts.Tanh),
            Function.Square => new FunctionInfo(function, "square", "Square", Semantics.FunctionFacts.Square),
            Function.Abs => new FunctionInfo(function, "abs", "Abs", Semantics.FunctionFacts.Abs),
        };

        /// <summary>Every entry, in member order.</summary>
        public static IReadOnlyList<FunctionInfo> All => s_entries;

        /// <summary>Every name a call may use: the functions', then <see cref="IntegralName"/>.</summary>
        public static IReadOnlyList<string> CallableNames { get; } = All.Select(e => e.Name).Concat(new[] { IntegralName }).ToArray();

        /// <summary>The function named <paramref name="name"/>; false when there is none (also for <c>integral</c>).</summary>
        public static bool TryParse(string? name, out Function function) =>
            VocabularyLookup.TryFind(All, e => e.Name, e => e.Function, name, out function);
    }
}

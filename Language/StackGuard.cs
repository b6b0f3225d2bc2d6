using System;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace DerivSpec.Language
{
    /// <summary>
    /// Keeps the recursive passes over expression trees (the prover, the printer, the generator's emitter) from
    /// overflowing the stack of whatever thread runs them: a build runs the generator on the compiler's threads, whose
    /// free stack is unknown, and code that has not yet been optimised by the JIT uses several times the stack of
    /// optimised code. A pass asks <see cref="HasRoom"/> at each level; when the runtime says the stack is running short,
    /// the rest of that subtree is evaluated on a new thread with a stack of its own (the caller waits), as compilers do.
    /// The inlined depth of an expression is bounded by the checker (<c>Checker.MaxInlinedDepth</c>), so a pass hops
    /// only a few times at most.
    /// </summary>
    internal static class StackGuard
    {
        /// <summary>The stack size of a thread started by <see cref="OnFreshStack{TArg, TResult}"/>.</summary>
        public const int FreshStackBytes = 8 * 1024 * 1024;

        /// <summary>Whether the current thread has stack enough for an average function (the runtime's own measure).</summary>
        public static bool HasRoom()
        {
            try
            {
                RuntimeHelpers.EnsureSufficientExecutionStack();
                return true;
            }
            catch (InsufficientExecutionStackException)
            {
                return false;
            }
        }

        /// <summary>
        /// <paramref name="f"/>(<paramref name="arg"/>) on a new thread with a stack of <see cref="FreshStackBytes"/>; the
        /// calling thread waits. An exception thrown by <paramref name="f"/> is rethrown here with its own stack trace.
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static TResult OnFreshStack<TArg, TResult>(Func<TArg, TResult> f, TArg arg)
        {
            TResult result = default!;
            ExceptionDispatchInfo? error = null;
            var thread = new Thread(() =>
            {
                try { result = f(arg); }
                catch (Exception e) { error = ExceptionDispatchInfo.Capture(e); }
            }, FreshStackBytes)
            {
                Name = "DerivSpec deep expression",
                IsBackground = true,
            };
            thread.Start();
            thread.Join();
            error?.Throw();
            return result;
        }
    }
}

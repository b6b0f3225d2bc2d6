using System.Collections.Generic;
using System.Globalization;

namespace DerivSpec.Language
{
    /// <summary>
    /// Every diagnostic the language can report. Ids by range: DSPEC0xxx syntax, DSPEC1xxx names/semantics/settings,
    /// DSPEC2xxx proofs of declared properties, DSPEC9xxx internal. Each id has a page spec/diagnostics/ID.md.
    /// </summary>
    public static class DiagnosticCatalog
    {
        private static DiagnosticInfo D(string id, string title, string format, DspecSeverity severity = DspecSeverity.Error)
            => new DiagnosticInfo(id, title, format, severity, "spec/diagnostics/" + id + ".md");

        // ---- 0xxx syntax ----
        /// <summary>A character that starts no token.</summary>
        public static readonly DiagnosticInfo UnexpectedCharacter = D("DSPEC0001", "Unexpected character", "Unexpected character {0}.");
        /// <summary>A /* comment without */.</summary>
        public static readonly DiagnosticInfo UnterminatedComment = D("DSPEC0002", "Unterminated block comment", "Unterminated block comment: '*/' is missing.");
        /// <summary>The token stream does not match the grammar.</summary>
        public static readonly DiagnosticInfo SyntaxError = D("DSPEC0003", "Syntax error", "Unexpected {0}; expected {1}.");
        /// <summary>A malformed or non-finite number literal.</summary>
        public static readonly DiagnosticInfo InvalidNumber = D("DSPEC0004", "Invalid number", "Invalid number '{0}'.");
        /// <summary>Parentheses/brackets nested beyond the limit.</summary>
        public static readonly DiagnosticInfo NestingTooDeep = D("DSPEC0005", "Nesting too deep", "Parentheses or brackets are nested more than {0} levels deep.");
        /// <summary>An operator chain so long that the expression tree exceeds the depth limit.</summary>
        public static readonly DiagnosticInfo ExpressionTooDeep = D("DSPEC0006", "Expression too deep", "Expression is too deeply nested (more than {0} levels of operators).");
        /// <summary>Reporting stopped.</summary>
        public static readonly DiagnosticInfo TooManyDiagnostics = D("DSPEC0007", "Too many diagnostics", "Too many diagnostics; only the first {0} are reported.");
        /// <summary>Input larger than the compiler accepts.</summary>
        public static readonly DiagnosticInfo FileTooLarge = D("DSPEC0008", "File too large", "The file has {0} characters; the limit is {1}.");

        // ---- 1xxx names, semantics, settings ----
        /// <summary>Unknown identifier in an expression.</summary>
        public static readonly DiagnosticInfo UnknownName = D("DSPEC1001", "Unknown name", "Unknown name '{0}'.{1}");
        /// <summary>Unknown function.</summary>
        public static readonly DiagnosticInfo UnknownFunction = D("DSPEC1002", "Unknown function", "Unknown function '{0}'.{1}");
        /// <summary>Unknown model setting.</summary>
        public static readonly DiagnosticInfo UnknownSetting = D("DSPEC1003", "Unknown setting", "Unknown model setting '{0}'.{1}");
        /// <summary>Setting value of the wrong kind or out of range.</summary>
        public static readonly DiagnosticInfo InvalidSettingValue = D("DSPEC1004", "Invalid setting value", "Invalid value for '{0}': {1}.");
        /// <summary>A setting given twice.</summary>
        public static readonly DiagnosticInfo DuplicateSetting = D("DSPEC1005", "Duplicate setting", "Setting '{0}' is given more than once.");
        /// <summary>Unknown likelihood or activation.</summary>
        public static readonly DiagnosticInfo UnknownChoice = D("DSPEC1006", "Unknown choice", "Unknown {0} '{1}'; expected one of {2}.{3}");
        /// <summary>Unknown property name after a family name.</summary>
        public static readonly DiagnosticInfo UnknownProperty = D("DSPEC1007", "Unknown property", "Unknown property '{0}'.{1}");
        /// <summary>A name declared twice in the same scope.</summary>
        public static readonly DiagnosticInfo DuplicateName = D("DSPEC1008", "Duplicate name", "'{0}' is already declared in this {1}.");
        /// <summary>A reserved word used as a name.</summary>
        public static readonly DiagnosticInfo ReservedName = D("DSPEC1009", "Reserved name", "'{0}' is a reserved word and cannot name a {1}.");
        /// <summary>A family without equation.</summary>
        public static readonly DiagnosticInfo MissingEquation = D("DSPEC1010", "Missing equation", "Family '{0}' has no equation; write 'dx/dz = …', 'd2x/dz2 = …' or 'x = …'.");
        /// <summary>A family with several equations.</summary>
        public static readonly DiagnosticInfo DuplicateEquation = D("DSPEC1011", "Duplicate equation", "Family '{0}' has more than one equation.");
        /// <summary>net outside an integrand.</summary>
        public static readonly DiagnosticInfo NetOutsideIntegrand = D("DSPEC1012", "net outside an integrand", "'net' can only be used inside an integrand: the right side of 'dx/dz =' or 'd2x/dz2 =', or inside integral(…).");
        /// <summary>integral(...) where it is not allowed.</summary>
        public static readonly DiagnosticInfo MisplacedIntegral = D("DSPEC1013", "Misplaced integral", "'integral' is not allowed here: {0}.");
        /// <summary>x outside the output map.</summary>
        public static readonly DiagnosticInfo MisplacedX = D("DSPEC1014", "Misplaced x", "'x' (the value before the output map) can only be used in 'map'.");
        /// <summary>z in the output map.</summary>
        public static readonly DiagnosticInfo MisplacedZ = D("DSPEC1015", "Misplaced z", "'z' cannot be used in the output map; the map sees only 'x', parameters and numbers.");
        /// <summary>Two output maps.</summary>
        public static readonly DiagnosticInfo DuplicateMap = D("DSPEC1016", "Duplicate output map", "Family '{0}' has more than one output map.");
        /// <summary>Constraint other than &gt; 0, &lt; 0, in (lo, hi).</summary>
        public static readonly DiagnosticInfo InvalidConstraint = D("DSPEC1017", "Invalid constraint", "Invalid constraint on '{0}': {1}.");
        /// <summary>Unknown prior distribution.</summary>
        public static readonly DiagnosticInfo UnknownPrior = D("DSPEC1018", "Unknown prior", "Unknown prior '{0}'.{1}");
        /// <summary>Prior with wrong arguments.</summary>
        public static readonly DiagnosticInfo InvalidPrior = D("DSPEC1019", "Invalid prior", "Invalid prior on '{0}': {1}.");
        /// <summary>Prior supported on (0, ∞) for a parameter that may be ≤ 0.</summary>
        public static readonly DiagnosticInfo PriorSupport = D("DSPEC1020", "Prior support mismatch", "Prior '{0}' has support (0, ∞) but parameter '{1}' can take values ≤ 0; constrain it with '> 0' or an interval within [0, ∞).");
        /// <summary>init outside the constraint.</summary>
        public static readonly DiagnosticInfo InvalidInit = D("DSPEC1021", "Invalid initial value", "Initial value {0} of '{1}' is outside its constraint {2}.");
        /// <summary>v0 declared in a family that is not second-order.</summary>
        public static readonly DiagnosticInfo MisplacedV0 = D("DSPEC1022", "v0 outside a second-order family", "'v0' exists only in second-order families (d2x/dz2 = …).");
        /// <summary>x0 or v0 used inside an expression.</summary>
        public static readonly DiagnosticInfo BuiltinInExpression = D("DSPEC1023", "Built-in parameter in an expression", "Built-in parameter '{0}' cannot appear in an expression; the family semantics add it.");
        /// <summary>A let never used.</summary>
        public static readonly DiagnosticInfo UnusedLet = D("DSPEC1024", "Unused let binding", "Let binding '{0}' is never used.", DspecSeverity.Warning);
        /// <summary>A parameter never used.</summary>
        public static readonly DiagnosticInfo UnusedParameter = D("DSPEC1025", "Unused parameter", "Parameter '{0}' is never used.", DspecSeverity.Warning);
        /// <summary>A file without models.</summary>
        public static readonly DiagnosticInfo NoModel = D("DSPEC1026", "No model", "The file declares no model.", DspecSeverity.Warning);
        /// <summary>A model without families.</summary>
        public static readonly DiagnosticInfo NoFamily = D("DSPEC1027", "No family", "Model '{0}' declares no family.");
        /// <summary>Contradictory properties.</summary>
        public static readonly DiagnosticInfo ConflictingProperties = D("DSPEC1028", "Conflicting properties", "Properties '{0}' and '{1}' cannot both be declared.");
        /// <summary>A property twice.</summary>
        public static readonly DiagnosticInfo DuplicateProperty = D("DSPEC1029", "Duplicate property", "Property '{0}' is declared more than once.", DspecSeverity.Warning);
        /// <summary>A let used before (or inside) its own definition.</summary>
        public static readonly DiagnosticInfo UseBeforeDefinition = D("DSPEC1030", "Use before definition", "'{0}' is used before its definition.");
        /// <summary>Too large after let inlining.</summary>
        public static readonly DiagnosticInfo ExpressionTooLarge = D("DSPEC1031", "Expression too large", "The expression is too large after inlining let bindings ({0} nodes; the limit is {1}).");
        /// <summary>An expression nested deeper than the limit once its let bindings are inlined.</summary>
        public static readonly DiagnosticInfo ExpressionTooDeepAfterInlining = D("DSPEC1036", "Expression too deep after inlining", "The expression is nested too deeply after inlining let bindings ({0} levels; the limit is {1}).");
        /// <summary>Function called with a number of arguments other than one.</summary>
        public static readonly DiagnosticInfo WrongArity = D("DSPEC1032", "Wrong number of arguments", "'{0}' takes exactly one argument; {1} given.");
        /// <summary>An equation whose left side is not dx/dz, d2x/dz2 or x.</summary>
        public static readonly DiagnosticInfo UnknownEquation = D("DSPEC1033", "Unknown equation", "Unknown equation '{0} = …'; the left side must be 'dx/dz', 'd2x/dz2' or 'x'.");
        /// <summary>A per-latent parameter ([P, d]) in the output map of a model with latent &gt; 1.</summary>
        public static readonly DiagnosticInfo PerLatentParameterInMap = D("DSPEC1034", "Per-latent parameter in the output map", "Parameter '{0}' has one value per latent dimension (latent {1}), but the output map acts on x, the sum over the latent dimensions; use '{0}' in the family's equation instead, or set 'latent 1'.");
        /// <summary><c>init</c> on a parameter constrained <c>in latent(a, b)</c>.</summary>
        public static readonly DiagnosticInfo InitWithLatentRange = D("DSPEC1035", "Initial value of a latent-range parameter", "Parameter '{0}' is constrained 'in latent(…)' and takes no 'init' (got {1}): it starts at the middle of the latent range, which is known only when training runs; remove the 'init'.");

        // ---- 2xxx proofs ----
        /// <summary>increasing not proven.</summary>
        public static readonly DiagnosticInfo CannotProveIncreasing = D("DSPEC2001", "Cannot prove increasing", "Cannot prove 'increasing' for family '{0}': {1}.");
        /// <summary>decreasing not proven.</summary>
        public static readonly DiagnosticInfo CannotProveDecreasing = D("DSPEC2002", "Cannot prove decreasing", "Cannot prove 'decreasing' for family '{0}': {1}.");
        /// <summary>transient not proven.</summary>
        public static readonly DiagnosticInfo CannotProveTransient = D("DSPEC2003", "Cannot prove transient", "Cannot prove 'transient' for family '{0}': {1}.");
        /// <summary>nonnegative not proven.</summary>
        public static readonly DiagnosticInfo CannotProveNonnegative = D("DSPEC2004", "Cannot prove nonnegative", "Cannot prove 'nonnegative' for family '{0}': {1}.");
        /// <summary>bounded not proven.</summary>
        public static readonly DiagnosticInfo CannotProveBounded = D("DSPEC2005", "Cannot prove bounded", "Cannot prove 'bounded' for family '{0}': {1}.");
        /// <summary>A function applied where it may be undefined.</summary>
        public static readonly DiagnosticInfo PossiblyUndefined = D("DSPEC2006", "Possibly undefined value", "{0} may be undefined: {1}.", DspecSeverity.Warning);
        /// <summary>A possibly undefined value in a family that declares properties.</summary>
        public static readonly DiagnosticInfo UndefinedInProvenFamily = D("DSPEC2007", "Possibly undefined value in a proven family", "{0} may be undefined: {1}; a family that declares properties must be defined for every z and every allowed parameter value.");

        // ---- 9xxx internal ----
        /// <summary>A bug in the compiler, caught.</summary>
        public static readonly DiagnosticInfo InternalError = D("DSPEC9001", "Internal error", "Internal error in the .dspec compiler ({0}); please report it.");

        private static readonly DiagnosticInfo[] s_all =
        {
            UnexpectedCharacter, UnterminatedComment, SyntaxError, InvalidNumber, NestingTooDeep, ExpressionTooDeep,
            TooManyDiagnostics, FileTooLarge,
            UnknownName, UnknownFunction, UnknownSetting, InvalidSettingValue, DuplicateSetting, UnknownChoice,
            UnknownProperty, DuplicateName, ReservedName, MissingEquation, DuplicateEquation, NetOutsideIntegrand,
            MisplacedIntegral, MisplacedX, MisplacedZ, DuplicateMap, InvalidConstraint, UnknownPrior, InvalidPrior,
            PriorSupport, InvalidInit, MisplacedV0, BuiltinInExpression, UnusedLet, UnusedParameter, NoModel, NoFamily,
            ConflictingProperties, DuplicateProperty, UseBeforeDefinition, ExpressionTooLarge, WrongArity, UnknownEquation,
            PerLatentParameterInMap, InitWithLatentRange, ExpressionTooDeepAfterInlining,
            CannotProveIncreasing, CannotProveDecreasing, CannotProveTransient, CannotProveNonnegative, CannotProveBounded,
            PossiblyUndefined, UndefinedInProvenFamily,
            InternalError,
        };

        /// <summary>Every diagnostic, ordered by id.</summary>
        public static IReadOnlyList<DiagnosticInfo> All => s_all;

        /// <summary>Looks up an id; null when unknown.</summary>
        public static DiagnosticInfo? Find(string id)
        {
            foreach (var d in s_all)
                if (d.Id == id) return d;
            return null;
        }

        internal static string Format(DiagnosticInfo info, object[] args)
            => args.Length == 0 ? info.MessageFormat : string.Format(CultureInfo.InvariantCulture, info.MessageFormat, args);
    }
}

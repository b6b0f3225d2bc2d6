using System;
using System.CommandLine;
using System.IO;
using DerivSpec.Tools;

namespace DerivSpec.Cli.Commands;

/// <summary>
/// <c>derivspec completion bash|zsh</c>: prints a shell script that completes derivspec's commands, options and
/// option values (<c>--device</c> auto/cpu/cuda, …) by asking derivspec itself through System.CommandLine's
/// <c>[suggest]</c> directive; where a file is expected, the shell's own file completion takes over.
/// </summary>
public static class CompletionCommand
{
    /// <summary>The bash script (zsh runs it through bashcompinit).</summary>
    public const string Bash = """
        # derivspec completion for bash. Load it with:  source <(derivspec completion bash)
        _derivspec_complete() {
            local cmd="${COMP_WORDS[0]}"
            local line="${COMP_LINE:0:COMP_POINT}"
            line="${line#"$cmd"}"
            line="${line#"${line%%[! ]*}"}"
            local word="${COMP_WORDS[COMP_CWORD]}"
            local IFS=$'\n'
            local items=( $("$cmd" "[suggest:${#line}]" "$line" 2>/dev/null) )
            local out=()
            local i
            for i in "${items[@]}"; do
                # Options only when the word being completed starts with '-': elsewhere the shell completes file names.
                if [[ "$word" == -* || "$i" != -* ]]; then out+=("$i"); fi
            done
            COMPREPLY=("${out[@]}")
        }
        complete -o default -o bashdefault -F _derivspec_complete derivspec
        """;

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh." };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion",
            "Print a shell completion script: add 'source <(derivspec completion bash)' to ~/.bashrc (zsh: ~/.zshrc with 'zsh').")
        {
            shell,
        };
        command.SetAction(parse => CommandHost.Run(DerivSpecCli.Name, _ =>
        {
            string s = parse.GetRequiredValue(shell);
            if (s == "zsh")
                stdout.WriteLine("# derivspec completion for zsh. Load it with:  source <(derivspec completion zsh)\nautoload -U +X bashcompinit && bashcompinit");
            stdout.WriteLine(Bash.Replace("\r\n", "\n", StringComparison.Ordinal));
            return ExitCodes.Success;
        }, stderr));
        return command;
    }
}

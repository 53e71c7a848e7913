using System.CommandLine;

namespace Tenancy.Cli;

/// <summary>
/// `tenancy completion bash|zsh` prints a script that asks the tool itself for completions through
/// System.CommandLine's [suggest:position] directive (the one dotnet-suggest uses), so completions always
/// match the installed version.
/// </summary>
internal static class Completion
{
    private const string Bash = """
        # tenancy completion for bash: add `source <(tenancy completion bash)` to ~/.bashrc
        _tenancy_complete() {
          local line="${COMP_LINE#* }"
          local position=$(( COMP_POINT - ${#COMP_LINE} + ${#line} ))
          local IFS=$'\n'
          COMPREPLY=( $(compgen -W "$(tenancy "[suggest:${position}]" "${line}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _tenancy_complete tenancy
        """;

    private const string Zsh = """
        # tenancy completion for zsh: add `source <(tenancy completion zsh)` to ~/.zshrc
        _tenancy_complete() {
          local line="${BUFFER#* }"
          local position=$(( CURSOR - ${#BUFFER} + ${#line} ))
          local -a candidates
          candidates=("${(@f)$(tenancy "[suggest:${position}]" "${line}" 2>/dev/null)}")
          compadd -a candidates
        }
        compdef _tenancy_complete tenancy
        """;

    public static Command Build(CliEnvironment env)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script (bash or zsh)") { shell };
        command.Action(env, async (run, _) =>
        {
            await run.Env.Out.WriteLineAsync(run.Get(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Ok;
        });
        return command;
    }
}

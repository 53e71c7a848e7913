using Spectre.Console;

namespace Tenancy.Cli;

/// <summary>
/// What a run of the tool talks to: its output and error streams, its input, whether a person is there to
/// answer questions, and where the profiles are kept. Tests run the tool in-process with their own.
/// </summary>
public sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required TextReader In { get; init; }

    /// <summary>Whether standard input is a terminal (a person can answer a confirmation).</summary>
    public required bool Interactive { get; init; }

    /// <summary>The profiles file.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>The output stream as a Spectre.Console console (tables, trees).</summary>
    public IAnsiConsole Console => field ??= Create(Out, Interactive);

    /// <summary>The error stream as a console (previews, progress, messages), so that the output stays machine-readable.</summary>
    public IAnsiConsole ErrorConsole => field ??= Create(Error, Interactive);

    /// <summary>The process's own streams; profiles in $TENANCY_CONFIG or the user's config directory (~/.config/tenancy/config.json).</summary>
    public static CliEnvironment FromProcess() => new()
    {
        Out = System.Console.Out,
        Error = System.Console.Error,
        In = System.Console.In,
        Interactive = !System.Console.IsInputRedirected,
        ConfigPath = Environment.GetEnvironmentVariable("TENANCY_CONFIG") is { Length: > 0 } path
            ? path
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "tenancy", "config.json"),
    };

    private static IAnsiConsole Create(TextWriter writer, bool interactive) =>
        ReferenceEquals(writer, System.Console.Out) || ReferenceEquals(writer, System.Console.Error)
            ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) })
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = new AnsiConsoleOutput(writer),
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
            });
}

namespace Tenancy.Cli;

/// <summary>The exit codes of the tenancy tool (docs/cli.md lists them too).</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>An unexpected failure (a bug or a broken configuration file).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage: unknown command or option, missing or malformed argument.</summary>
    public const int Usage = 2;

    /// <summary>The server does not know the tenant, user or client named (404).</summary>
    public const int NotFound = 3;

    /// <summary>The server refused the request (400, 403, 409, ...): its message is printed.</summary>
    public const int Refused = 4;

    /// <summary>Not confirmed: declined at the prompt, or no terminal to ask on and no --yes.</summary>
    public const int NotConfirmed = 5;

    /// <summary>Not signed in: no profile, or the server refused its credentials (401).</summary>
    public const int NotSignedIn = 6;

    /// <summary>The server could not be reached or kept failing (connection error, 5xx after retries).</summary>
    public const int Unavailable = 7;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;
}

namespace Tenancy.Client;

/// <summary>Where the server is and how the client signs in and retries.</summary>
public sealed class TenancyClientOptions
{
    /// <summary>The server's address, e.g. http://127.0.0.1:5080.</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>An API client's id (client_credentials grant), or null to sign in as a user.</summary>
    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>A user's login (password grant), when no <see cref="ClientId"/> is given.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>How often a transient failure (connection error, 408, 429, 5xx) is retried, with the same Idempotency-Key.</summary>
    public int RetryAttempts { get; init; } = 4;

    /// <summary>The first retry's delay; it doubles (with jitter) on each further attempt. A Retry-After header wins.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How many times <c>UpdateAsync</c> and <c>TerminateAsync</c> re-read and try again after a version conflict (409).</summary>
    public int ConflictAttempts { get; init; } = 20;

    /// <summary>How long <c>TerminateAsync</c> waits between two looks at a deletion in progress.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The clock the token cache reads (a test may move it).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The innermost handler (the network); a test may wrap it.</summary>
    public HttpMessageHandler? PrimaryHandler { get; init; }

    internal void Validate()
    {
        if (ClientId is null && Username is null)
        {
            throw new ArgumentException("Give either ClientId and ClientSecret or Username and Password.");
        }
    }
}

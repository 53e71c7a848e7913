namespace Tenancy.Server.Idempotency;

/// <summary>Tenancy:Idempotency: how long keys are kept and how long a duplicate waits for the first answer.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Tenancy:Idempotency";

    /// <summary>How long a key and its answer are kept (a retry within it gets the first answer).</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a request that repeats a key still in progress waits for its answer before a 409.</summary>
    public TimeSpan WaitFor { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A key in progress longer than this is taken to belong to a request that died (its instance stopped).</summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often expired keys are removed.</summary>
    public TimeSpan CleanupEvery { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>What is kept of an endpoint's answer for a retry with the same Idempotency-Key.</summary>
public enum AnswerKept
{
    /// <summary>Status, Location, ETag and body: a retry gets the first answer (the default for POST, PUT and DELETE).</summary>
    Whole,

    /// <summary>
    /// The answer carries a secret shown once (a new API client's secret): the key still makes the request
    /// run once, but only its status and Location are kept; a retry gets 409 naming what was created.
    /// </summary>
    WithoutBody,

    /// <summary>The request or answer carries a secret (tokens, passwords): the key is ignored, nothing is kept.</summary>
    Nothing,
}

public static class IdempotencyEndpoints
{
    /// <summary>Marks an endpoint whose answer (or request) must not be kept for replays (see <see cref="AnswerKept"/>).</summary>
    public static TBuilder KeepsAnswer<TBuilder>(this TBuilder builder, AnswerKept kept)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new KeptAnswer(kept));
}

/// <summary>The endpoint metadata <see cref="IdempotencyEndpoints.KeepsAnswer"/> adds.</summary>
public sealed record KeptAnswer(AnswerKept Kept);

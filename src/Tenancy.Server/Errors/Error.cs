namespace Tenancy.Server.Errors;

/// <summary>
/// The closed set of expected failures. The core returns them as values; each API dialect maps
/// them to its own wire format in exactly one place (AcronisErrors, NseErrors).
/// </summary>
public abstract record Error(string Message);

public sealed record NotFound(string Message) : Error(Message);

/// <summary>The caller is authenticated but the target is outside its reach (or otherwise denied).</summary>
public sealed record Forbidden(string Message) : Error(Message);

public sealed record Unauthenticated(string Message) : Error(Message);

public sealed record VersionConflict(long CurrentVersion)
    : Error($"Version mismatch: the object has changed, its current version is {CurrentVersion}.");

/// <summary>An If-Match precondition failed: the object's version is not the one the request quoted.</summary>
public sealed record PreconditionFailed(long CurrentVersion)
    : Error($"If-Match failed: the object has changed, its current version is {CurrentVersion}.");

/// <summary>An Idempotency-Key was sent again with another request (another body or query).</summary>
public sealed record KeyReused(string Message) : Error(Message);

/// <summary>
/// An Idempotency-Key whose first request is still running, or whose first answer is not kept (it carried
/// a secret): the request is not run again.
/// </summary>
public sealed record KeyConflict(string Message) : Error(Message);

/// <summary>Bad input: names the field and says what is wrong with it.</summary>
public sealed record Invalid(string Field, string Message) : Error(Message);

/// <summary>A business rule of the tenant tree refused the change.</summary>
public sealed record RuleViolation(Rule Rule, string Message) : Error(Message)
{
    /// <summary>The offering items at fault (a parent lacks them, a quota exceeds the parent's): error.context on /api/2.</summary>
    public IReadOnlyList<string>? OfferingItems { get; init; }
}

/// <summary>A uniqueness clash (for example a tenant code that is already taken).</summary>
public sealed record Duplicate(string Field, string Message) : Error(Message);

public sealed record UnsupportedMediaType(string Message) : Error(Message);

public sealed record PayloadTooLarge(string Message) : Error(Message);

public sealed record MethodNotAllowed(string Message) : Error(Message);

/// <summary>The caller (or its address) went over a rate limit; the response says when to retry.</summary>
public sealed record TooManyRequests(string Message) : Error(Message);

/// <summary>The request line or query string is longer than the server accepts.</summary>
public sealed record UriTooLong(string Message) : Error(Message);

/// <summary>A fault of the server itself (a bug); the message never carries internals.</summary>
public sealed record Internal(string Message) : Error(Message);

/// <summary>The storage is unreachable; the request may be retried.</summary>
public sealed record Unavailable(string Message) : Error(Message);

public enum Rule
{
    /// <summary>The parent (or an ancestor) is disabled: nothing can be created or enabled under it.</summary>
    ParentDisabled,

    /// <summary>Only a disabled tenant can be deleted.</summary>
    DeleteEnabledTenant,

    /// <summary>Only a disabled user can be deleted.</summary>
    DeleteEnabledUser,

    /// <summary>A tenant cannot be moved under itself or one of its descendants.</summary>
    MoveUnderOwnSubtree,

    /// <summary>The tenant still has sub-tenants.</summary>
    HasChildren,

    /// <summary>The tenant is update-locked by another tenant: only that tenant's principals may change it.</summary>
    UpdateLocked,

    /// <summary>Any other rule of the tenant tree (kind nesting, root and own-tenant protection).</summary>
    Business,
}

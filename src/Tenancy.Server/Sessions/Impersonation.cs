using Microsoft.Extensions.Options;
using Tenancy.Server.Users;

namespace Tenancy.Server.Sessions;

/// <summary>A session just opened: its id (the cookie), its CSRF value, when it ends, and its user.</summary>
public sealed record OpenedSession(string Id, string Csrf, DateTimeOffset ExpiresAt, User User);

/// <summary>
/// Impersonation: an admin whose reach includes a user (the access policy's <see cref="Operation.Impersonate"/>)
/// obtains a one-time token; the token, used once and soon, opens a session as that user. Everything done
/// in the session is done as the user, and its audit records name the admin as the impersonator. A session
/// ends at logout, at its expiry, and, like the user's tokens, as soon as the user or a tenant on its path
/// is disabled or the user's password changes.
/// </summary>
public sealed class Impersonation(
    SessionStore store, UserStore users, TenantService tenants, CallerResolver resolver,
    IOptions<ImpersonationOptions> options, TimeProvider clock)
{
    /// <summary>Issues a one-time token for the user the request names; the token itself is returned once and stored hashed.</summary>
    public async Task<Result<string>> IssueAsync(Caller caller, OttRequest request, CancellationToken ct = default)
    {
        if (caller.Impersonator is not null)
        {
            return new Forbidden("A session that impersonates a user cannot impersonate anyone.");
        }

        User? user;
        if (request.UserId is { } rawId)
        {
            if (Ids.Normalize(rawId) is not { } id)
            {
                return new Invalid("user_id", "user_id must be a UUID.");
            }

            user = await users.GetAsync(id, ct);
        }
        else
        {
            user = await users.ByLoginAsync(request.Login!, ct);
        }

        if (user is null)
        {
            return new NotFound($"The user {request.UserId ?? request.Login} was not found.");
        }

        if (await tenants.DecideAsync(caller, Operation.Impersonate, Resource.User, user.Id, user.TenantId, ct) is { } denied)
        {
            return denied;
        }

        var target = await resolver.ResolveAsync(new TokenSubject(PrincipalKind.User, user.Id, null, null), ct);
        if (!target.IsOk)
        {
            return new Forbidden($"The user {user.Id} cannot log in now: {target.Error.Message.Replace("of this token ", "", StringComparison.Ordinal)}");
        }

        var now = clock.NowMicros();
        var expiresAt = now + Micros(options.Value.OneTimeTokenLifetime);
        var secret = SessionStore.NewSecret();
        // The record names the user and the admin, never the token.
        var audit = new AuditEntry(caller, "user.impersonate", "user", user.Id, user.TenantPath, null,
            new Dictionary<string, object?>
            {
                ["login"] = user.Login, ["expires_at"] = Timestamps.Format(expiresAt), ["audit_data"] = request.AuditData,
            });
        await store.InsertTokenAsync(SessionStore.Hash(secret),
            new OneTimeToken { UserId = user.Id, Impersonator = ImpersonatorOf(caller), ExpiresAt = expiresAt }, audit, now, ct);
        return secret;
    }

    /// <summary>Uses a one-time token (once) to open a session as its user.</summary>
    public async Task<Result<OpenedSession>> LoginAsync(string ott, string? address, string? requestId, CancellationToken ct = default)
    {
        var token = await store.TakeTokenAsync(SessionStore.Hash(ott), ct);
        var now = clock.NowMicros();
        if (token is null)
        {
            return new Unauthenticated("The one-time token is not valid or has already been used.");
        }

        if (token.ExpiresAt <= now)
        {
            return new Unauthenticated("The one-time token has expired; request a new one.");
        }

        var resolved = await resolver.ResolveAsync(new TokenSubject(PrincipalKind.User, token.UserId, null, null), ct);
        if (!resolved.IsOk || await users.GetAsync(token.UserId, ct) is not { } user)
        {
            return new Unauthenticated(resolved.IsOk ? "The user no longer exists." : resolved.Error.Message.Replace("of this token ", "", StringComparison.Ordinal));
        }

        var caller = resolved.Value with { Impersonator = token.Impersonator, Address = address, RequestId = requestId };
        var (id, csrf) = (SessionStore.NewSecret(), SessionStore.NewSecret());
        var expiresAt = now + Micros(options.Value.SessionLifetime);
        var audit = new AuditEntry(caller, "session.create", "user", user.Id, user.TenantPath, null,
            new Dictionary<string, object?> { ["impersonator"] = token.Impersonator, ["expires_at"] = Timestamps.Format(expiresAt) });
        await store.InsertSessionAsync(SessionStore.Hash(id), new StoredSession
        {
            UserId = user.Id, Impersonator = token.Impersonator, CsrfHash = SessionStore.Hash(csrf),
            TokenGeneration = user.TokenGeneration, ExpiresAt = expiresAt,
        }, audit, now, ct);
        return new OpenedSession(id, csrf, DateTimeOffset.FromUnixTimeMilliseconds(expiresAt / 1000), user);
    }

    /// <summary>
    /// The caller of a request in a session, checked as a token's holder is (enabled, same credentials, no
    /// disabled tenant on its path), with the hash of the session's CSRF value.
    /// </summary>
    public async Task<Result<(Caller Caller, string CsrfHash)>> ResolveAsync(string sessionId, CancellationToken ct = default)
    {
        if (await store.GetAsync(SessionStore.Hash(sessionId), clock.NowMicros(), ct) is not { } session)
        {
            return new Unauthenticated("The session has ended; log in again.");
        }

        var caller = await resolver.ResolveAsync(new TokenSubject(PrincipalKind.User, session.UserId, session.TokenGeneration, null), ct);
        if (!caller.IsOk)
        {
            return new Unauthenticated(caller.Error.Message.Replace("this token", "this session", StringComparison.Ordinal)
                .Replace("The token predates", "The session predates", StringComparison.Ordinal));
        }

        return (caller.Value with { Impersonator = session.Impersonator }, session.CsrfHash);
    }

    /// <summary>Ends the session (logout): its row is deleted, so its cookie opens nothing any more.</summary>
    public Task<bool> LogoutAsync(Caller caller, string sessionId, CancellationToken ct = default) =>
        store.DeleteAsync(SessionStore.Hash(sessionId),
            new AuditEntry(caller, "session.delete", "user", caller.Id, caller.TenantPath, null, null), clock.NowMicros(), ct);

    /// <summary>How a session and the audit trail name the admin: "client:{id}" or "user:{id}".</summary>
    public static string ImpersonatorOf(Caller caller) => $"{caller.ActorType}:{caller.Id}";

    private static long Micros(TimeSpan span) => (long)(span.TotalMilliseconds * 1000);
}

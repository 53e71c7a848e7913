using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Tenancy.Server.Sessions;

/// <summary>Bound from "Tenancy:Sessions": how long one-time tokens and the sessions they open live.</summary>
public sealed class ImpersonationOptions
{
    public const string Section = "Tenancy:Sessions";

    /// <summary>A one-time token must be used within this time.</summary>
    public TimeSpan OneTimeTokenLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A session ends this long after its login (or at logout, or when its user or tenant is disabled).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>A one-time token as stored (its hash is the key): whom it logs in as, who asked for it, until when.</summary>
public sealed class OneTimeToken
{
    public string UserId { get; init; } = "";
    public string Impersonator { get; init; } = "";
    public long ExpiresAt { get; init; }
}

/// <summary>A session as stored (its id's hash is the key).</summary>
public sealed class StoredSession
{
    public string UserId { get; init; } = "";
    public string Impersonator { get; init; } = "";
    public string CsrfHash { get; init; } = "";
    public long TokenGeneration { get; init; }
    public long ExpiresAt { get; init; }
}

/// <summary>
/// SQL for one-time tokens and sessions. Their secrets are 256 random bits; only SHA-256 hashes of them
/// are stored (a slow hash adds nothing to a secret nobody chose).
/// </summary>
public sealed class SessionStore(Database db)
{
    /// <summary>A new secret: 256 random bits, base64url.</summary>
    public static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Stores a one-time token with its audit record; expired ones are cleared on the way.</summary>
    public async Task InsertTokenAsync(string hash, OneTimeToken token, AuditEntry audit, long now, CancellationToken ct = default)
    {
        await db.ExecuteAuditedAsync(
            "INSERT INTO one_time_tokens (token_hash, user_id, impersonator, expires_at) VALUES (@hash, @UserId, @Impersonator, @ExpiresAt)",
            new { hash, token.UserId, token.Impersonator, token.ExpiresAt }, audit, now, ct);
        await ClearExpiredAsync("one_time_tokens", now, ct);
    }

    /// <summary>
    /// Takes a one-time token: one statement deletes it and returns it, so of two logins racing with the
    /// same token only one gets it. Null when there is no such token (never issued or already used).
    /// </summary>
    public async Task<OneTimeToken?> TakeTokenAsync(string hash, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        return await c.QuerySingleOrDefaultAsync<OneTimeToken>(new CommandDefinition(
            "DELETE FROM one_time_tokens WHERE token_hash = @hash RETURNING user_id, impersonator, expires_at",
            new { hash }, cancellationToken: ct));
    }

    /// <summary>Opens a session with its audit record; expired sessions are cleared on the way.</summary>
    public async Task InsertSessionAsync(string idHash, StoredSession session, AuditEntry audit, long now, CancellationToken ct = default)
    {
        await db.ExecuteAuditedAsync(
            "INSERT INTO sessions (id_hash, user_id, impersonator, csrf_hash, token_generation, expires_at) " +
            "VALUES (@idHash, @UserId, @Impersonator, @CsrfHash, @TokenGeneration, @ExpiresAt)",
            new { idHash, session.UserId, session.Impersonator, session.CsrfHash, session.TokenGeneration, session.ExpiresAt },
            audit, now, ct);
        await ClearExpiredAsync("sessions", now, ct);
    }

    /// <summary>The session with this id hash, if it has not expired.</summary>
    public async Task<StoredSession?> GetAsync(string idHash, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<StoredSession>(new CommandDefinition(
            "SELECT user_id, impersonator, csrf_hash, token_generation, expires_at FROM sessions " +
            "WHERE id_hash = @idHash AND expires_at > @now",
            new { idHash, now }, cancellationToken: ct));
    }

    /// <summary>Ends a session (logout); false when it had already ended.</summary>
    public Task<bool> DeleteAsync(string idHash, AuditEntry audit, long now, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync("DELETE FROM sessions WHERE id_hash = @idHash", new { idHash }, audit, now, ct);

    private async Task ClearExpiredAsync(string table, long now, CancellationToken ct)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE expires_at < @now", new { now }, cancellationToken: ct));
    }
}

namespace Tenancy.Server.Activation;

/// <summary>A user's activation email and link as stored (see migration 0013).</summary>
public sealed class ActivationRow
{
    public required string UserId { get; init; }
    public required string Recipient { get; init; }
    public required string Status { get; init; }
    public long Attempts { get; init; }
    public long NextAttemptAt { get; init; }
    public string? LastError { get; init; }
    public long RequestedAt { get; init; }
    public long? SentAt { get; init; }
    public long? TokenExpiresAt { get; init; }
    public long? TokenUsedAt { get; init; }
}

/// <summary>What a claimed email needs: where it goes and whom it greets.</summary>
public sealed record ClaimedEmail(string UserId, string Recipient, long Attempts, string Login, string Contact);

/// <summary>The user an activation token leads to.</summary>
public sealed class TokenHolder
{
    public required string UserId { get; init; }
    public required string Login { get; init; }
    public required string TenantId { get; init; }
    public long TenantSeq { get; init; }
    public required string TenantPath { get; init; }
    public required string Role { get; init; }
    public long? TokenExpiresAt { get; init; }
    public long? TokenUsedAt { get; init; }
}

/// <summary>SQL for activation emails: an outbox claimed by conditional statements, and the links' token hashes.</summary>
public sealed class ActivationStore(Database db)
{
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Failed = "failed";

    public async Task<ActivationRow?> GetAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<ActivationRow>(new CommandDefinition(
            "SELECT user_id, recipient, status, attempts, next_attempt_at, last_error, requested_at, sent_at, token_expires_at, " +
            "token_used_at FROM user_activations WHERE user_id = @userId", new { userId }, cancellationToken: ct));
    }

    /// <summary>
    /// Queues the user's activation email, replacing a queued, sent or failed one. A link already sent
    /// keeps working until the new email's link replaces it.
    /// </summary>
    public Task<bool> QueueAsync(string userId, string recipient, long now, AuditEntry audit, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "INSERT INTO user_activations (user_id, recipient, status, attempts, next_attempt_at, requested_at) " +
            $"VALUES (@userId, @recipient, '{Queued}', 0, @now, @now) " +
            $"ON CONFLICT (user_id) DO UPDATE SET recipient = excluded.recipient, status = '{Queued}', attempts = 0, " +
            "next_attempt_at = excluded.next_attempt_at, claim = NULL, last_error = NULL, requested_at = excluded.requested_at, sent_at = NULL",
            new { userId, recipient, now }, audit, now, ct);

    /// <summary>The soonest time a queued email is due, if any.</summary>
    public async Task<long?> NextDueAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition(
            $"SELECT MIN(next_attempt_at) FROM user_activations WHERE status = '{Queued}'", cancellationToken: ct));
    }

    /// <summary>
    /// Claims one email due at <paramref name="now"/> for <paramref name="claim"/> until <paramref name="leaseUntil"/>
    /// (when another sender may take it over), counting the attempt. Of several senders exactly one wins a row:
    /// the claim is one conditional statement.
    /// </summary>
    public async Task<ClaimedEmail?> ClaimAsync(string claim, long now, long leaseUntil, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        while (await c.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"SELECT user_id FROM user_activations WHERE status = '{Queued}' AND next_attempt_at <= @now ORDER BY next_attempt_at LIMIT 1",
            new { now }, cancellationToken: ct)) is { } userId)
        {
            if (await c.ExecuteAsync(new CommandDefinition(
                "UPDATE user_activations SET claim = @claim, next_attempt_at = @leaseUntil, attempts = attempts + 1 " +
                $"WHERE user_id = @userId AND status = '{Queued}' AND next_attempt_at <= @now",
                new { claim, leaseUntil, userId, now }, cancellationToken: ct)) == 1)
            {
                return await c.QuerySingleOrDefaultAsync<ClaimedEmail>(new CommandDefinition(
                    "SELECT a.user_id AS UserId, a.recipient AS Recipient, a.attempts AS Attempts, u.login AS Login, u.contact AS Contact " +
                    "FROM user_activations a JOIN users u ON u.id = a.user_id WHERE a.user_id = @userId AND a.claim = @claim",
                    new { userId, claim }, cancellationToken: ct));
            }

            // Another sender took this one: it is no longer due, so the next look finds another or none.
        }

        return null;
    }

    /// <summary>Stores the hash of the link's token for the holder of the claim; it replaces the user's previous link.</summary>
    public async Task<bool> SetTokenAsync(string userId, string claim, string tokenHash, long expiresAt, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        return await c.ExecuteAsync(new CommandDefinition(
            "UPDATE user_activations SET token_hash = @tokenHash, token_expires_at = @expiresAt, token_used_at = NULL " +
            "WHERE user_id = @userId AND claim = @claim",
            new { userId, claim, tokenHash, expiresAt }, cancellationToken: ct)) == 1;
    }

    /// <summary>Records a delivery, if the claim still holds (a newer request may have replaced the email meanwhile).</summary>
    public async Task SentAsync(string userId, string claim, long now, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            $"UPDATE user_activations SET status = '{Sent}', sent_at = @now, claim = NULL, last_error = NULL " +
            "WHERE user_id = @userId AND claim = @claim",
            new { userId, claim, now }, cancellationToken: ct));
    }

    /// <summary>Records a failed attempt: queued again for <paramref name="retryAt"/>, or failed for good when that is null.</summary>
    public async Task FailedAsync(string userId, string claim, string error, long? retryAt, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE user_activations SET status = @status, next_attempt_at = COALESCE(@retryAt, next_attempt_at), " +
            "claim = NULL, last_error = @error WHERE user_id = @userId AND claim = @claim",
            new { userId, claim, error, retryAt, status = retryAt is null ? Failed : Queued }, cancellationToken: ct));
    }

    /// <summary>The user a token leads to (used, expired or not), or null for a token that is unknown or was replaced.</summary>
    public async Task<TokenHolder?> HolderAsync(string tokenHash, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<TokenHolder>(new CommandDefinition(
            "SELECT u.id AS UserId, u.login AS Login, u.tenant_id AS TenantId, u.tenant_seq AS TenantSeq, t.path AS TenantPath, " +
            "u.role AS Role, a.token_expires_at AS TokenExpiresAt, a.token_used_at AS TokenUsedAt " +
            "FROM user_activations a JOIN users u ON u.id = a.user_id JOIN tenants t ON t.seq = u.tenant_seq " +
            "WHERE a.token_hash = @tokenHash", new { tokenHash }, cancellationToken: ct));
    }

    /// <summary>
    /// Uses the token and sets the password in one transaction: false (nothing changed) when the token
    /// was used, replaced or expired meanwhile. Tokens issued to the user before stop working.
    /// </summary>
    public async Task<bool> ActivateAsync(string userId, string tokenHash, string passwordHash, long now, AuditEntry audit, CancellationToken ct = default)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        if (await c.ExecuteAsync(new CommandDefinition(
            "UPDATE user_activations SET token_used_at = @now " +
            "WHERE user_id = @userId AND token_hash = @tokenHash AND token_used_at IS NULL AND token_expires_at > @now",
            new { userId, tokenHash, now }, tx, cancellationToken: ct)) == 0)
        {
            return false;
        }

        await c.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @passwordHash, token_generation = token_generation + 1 WHERE id = @userId",
            new { userId, passwordHash }, tx, cancellationToken: ct));
        await AuditLog.WriteAsync(c, tx, audit, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }
}

namespace Tenancy.Server.Auth;

/// <summary>
/// Revoked access tokens by their id (jti), kept until they would have expired: past that the token is
/// refused for its age anyway. Checked in the same query that loads the holder on every request.
/// </summary>
public sealed class RevokedTokens(Database db, TimeProvider clock)
{
    /// <summary>A boolean SQL expression over the parameter @jti, for the principal queries.</summary>
    public const string IsRevokedSql = "EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = @jti)";

    /// <summary>Revokes a token; the first revocation of it is audited in the same transaction.</summary>
    public async Task RevokeAsync(string jti, long expiresAtSeconds, AuditEntry audit, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        await db.ExecuteAuditedAsync(
            "INSERT INTO revoked_tokens (jti, expires_at_s) VALUES (@jti, @expiresAtSeconds) ON CONFLICT (jti) DO NOTHING",
            new { jti, expiresAtSeconds }, audit, now * 1_000_000, ct);
        await using var c = await db.OpenWriteAsync(ct);
        // Housekeeping on the rare write path: entries of expired tokens are no longer needed.
        await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM revoked_tokens WHERE expires_at_s < @now", new { now }, cancellationToken: ct));
    }
}

/// <summary>A token holder as stored: what the per-request check needs, in one query.</summary>
public sealed class StoredPrincipal
{
    public bool Enabled { get; init; }
    public string Role { get; init; } = Roles.Admin;
    public long TokenGeneration { get; init; }
    public long TenantSeq { get; init; }
    public string TenantId { get; init; } = "";
    public string TenantPath { get; init; } = "";

    /// <summary>Whether the presented token's jti is on the revocation list.</summary>
    public bool Revoked { get; init; }

    /// <summary>A disabled tenant on the path of the principal's tenant, if any (it locks the principal out).</summary>
    public string? DisabledBy { get; init; }

    /// <summary>The roles a user holds on tenants (null for an API client: its role on its own tenant).</summary>
    public IReadOnlyList<Grant>? Grants { get; set; }
}

namespace Tenancy.Server.Users;

/// <summary>A role a user holds on a tenant (an access policy of the /api/2 dialect), as stored.</summary>
public sealed class RoleGrant
{
    public required string Id { get; init; }
    public required string UserId { get; init; }
    public long TenantSeq { get; init; }
    public required string TenantId { get; init; }
    public required string RoleId { get; init; }

    /// <summary>The tenant of the principal that granted the role.</summary>
    public required string IssuerId { get; init; }
    public long Version { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>The same role on the same tenant (what a replacement keeps).</summary>
    public bool SameAs(RoleGrant other) => TenantSeq == other.TenantSeq && RoleId == other.RoleId;
}

/// <summary>SQL for the roles users hold. Every change of them is guarded by the user's version.</summary>
public sealed class GrantStore(Database db)
{
    private const string Columns = "id, user_id, tenant_seq, tenant_id, role_id, issuer_id, version, created_at, updated_at";

    /// <summary>Inserts one grant (parameters: a <see cref="RoleGrant"/>).</summary>
    public const string InsertSql =
        $"INSERT INTO access_policies ({Columns}) VALUES (@Id, @UserId, @TenantSeq, @TenantId, @RoleId, @IssuerId, @Version, @CreatedAt, @UpdatedAt)";

    /// <summary>The grants of the user @id as the per-request check reads them (see <see cref="UserStore.PrincipalAsync"/>).</summary>
    public const string HeldSql =
        "SELECT t.id AS TenantId, t.seq AS TenantSeq, t.path AS TenantPath, p.role_id AS Role " +
        "FROM access_policies p JOIN tenants t ON t.seq = p.tenant_seq WHERE p.user_id = @id ORDER BY t.path, p.role_id";

    public async Task<IReadOnlyList<RoleGrant>> OfUserAsync(string userId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<RoleGrant>(new CommandDefinition(
            $"SELECT {Columns} FROM access_policies WHERE user_id = @userId ORDER BY created_at, id", new { userId }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The statements that replace every grant of the user by <paramref name="grants"/> (after a guarded write to the user).</summary>
    public static IEnumerable<(string Sql, object Args)> Replace(string userId, IEnumerable<RoleGrant> grants) =>
        [("DELETE FROM access_policies WHERE user_id = @userId", new { userId }), .. grants.Select(g => (InsertSql, (object)g))];

    /// <summary>
    /// Replaces the user's grants and sets its role field to match, if the user still has
    /// <paramref name="expectedVersion"/>; the user's version goes up by one. False when it does not.
    /// </summary>
    public Task<bool> ReplaceAsync(
        string userId, long expectedVersion, string roleField, IReadOnlyList<RoleGrant> grants, AuditEntry audit, long now,
        CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
        [
            ("UPDATE users SET role = @roleField, version = version + 1, updated_at = @now WHERE id = @userId AND version = @expectedVersion",
                new { userId, expectedVersion, roleField, now }),
            .. Replace(userId, grants),
        ], audit, now, ct);
}

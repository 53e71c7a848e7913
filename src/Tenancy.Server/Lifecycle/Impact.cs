namespace Tenancy.Server.Lifecycle;

/// <summary>How many of one kind of thing an operation would touch, and the first ids (at most <see cref="ImpactStore.FirstIds"/>).</summary>
public sealed record ImpactCount(long Count, IReadOnlyList<string> FirstIds);

/// <summary>What a tenant operation would touch: the tenants it acts on and what belongs to them.</summary>
public sealed record Impact(
    ImpactCount Tenants, ImpactCount Users, ImpactCount Clients, ImpactCount LiveTokens, ImpactCount Subscriptions,
    ImpactCount Applications, ImpactCount Usage);

/// <summary>Which tenants an operation acts on, relative to its target tenant.</summary>
public enum ImpactScope
{
    /// <summary>The target only (an update of its fields).</summary>
    Tenant,

    /// <summary>The target and everything below it (a move, a delete).</summary>
    Subtree,

    /// <summary>The tenants of the subtree that have access now and would lose it (a suspension).</summary>
    LosesAccess,

    /// <summary>The tenants of the subtree that have no access now and would get it back (a reactivation).</summary>
    RegainsAccess,
}

/// <summary>
/// Counts what an operation on a tenant would touch, with a few aggregate queries over the subtree (one
/// round trip). Bearer tokens are self-contained (signed, not stored), so the live tokens counted are the
/// stored ones: impersonation sessions and one-time tokens of the users inside that have not expired.
/// </summary>
public sealed class ImpactStore(Database db, TimeProvider clock)
{
    public const int FirstIds = 10;

    public async Task<Impact> CountAsync(Tenant target, ImpactScope scope, CancellationToken ct = default)
    {
        var tenants = $"SELECT d.seq FROM tenants d WHERE {Where(scope)}";
        var tenantIds = $"SELECT d.id FROM tenants d WHERE {Where(scope)}";
        var usersInside = $"SELECT u.id FROM users u WHERE u.tenant_seq IN ({tenants})";
        string[] sql =
        [
            Counted("tenants d", Where(scope), "d.id", "d.level, d.seq"),
            Counted("users u", $"u.tenant_seq IN ({tenants})", "u.id", "u.id"),
            Counted("api_clients c", $"c.tenant_seq IN ({tenants})", "c.id", "c.id"),
            $"SELECT (SELECT COUNT(*) FROM sessions s WHERE s.expires_at > @now AND s.user_id IN ({usersInside})) + " +
                $"(SELECT COUNT(*) FROM one_time_tokens o WHERE o.expires_at > @now AND o.user_id IN ({usersInside}))",
            Counted("subscriptions s", $"s.tenant_id IN ({tenantIds})", "s.number", "s.number"),
            $"SELECT COUNT(DISTINCT b.application_id) FROM application_bindings b WHERE b.tenant_seq IN ({tenants}); " +
                $"SELECT DISTINCT b.application_id FROM application_bindings b WHERE b.tenant_seq IN ({tenants}) ORDER BY b.application_id LIMIT {FirstIds}",
            $"SELECT COUNT(*) FROM usage_current u WHERE u.tenant_id IN ({tenantIds})",
        ];
        var args = new { seq = target.Seq, path = target.Path, upper = TreePath.UpperBound(target.Path), now = clock.NowMicros() };
        await using var c = await db.OpenAsync(ct);
        await using var grid = await c.QueryMultipleAsync(new CommandDefinition(string.Join("; ", sql), args, cancellationToken: ct));
        async Task<ImpactCount> Read(bool withIds = true) =>
            new(await grid.ReadSingleAsync<long>(), withIds ? [.. await grid.ReadAsync<string>()] : []);
        return new Impact(await Read(), await Read(), await Read(), await Read(false), await Read(), await Read(), await Read(false));
    }

    /// <summary>A count and the first ids of the rows of <paramref name="table"/> that match.</summary>
    private static string Counted(string table, string where, string id, string order) =>
        $"SELECT COUNT(*) FROM {table} WHERE {where}; SELECT {id} FROM {table} WHERE {where} ORDER BY {order} LIMIT {FirstIds}";

    /// <summary>The tenants (alias d) the scope holds: a path range, narrowed by who has access now.</summary>
    private string Where(ImpactScope scope)
    {
        const string subtree = "d.path >= @path AND d.path < @upper";
        // Whether a disabled tenant lies on d's path (d itself included), optionally other than the target: the
        // keys on the path drive the lookup by primary key (on PostgreSQL as an array, which the index takes).
        string DisabledOnPath(string extra) => db.Provider == StorageProvider.Postgres
            ? $"EXISTS (SELECT 1 FROM tenants x WHERE x.seq = ANY(string_to_array(trim(both '/' from d.path), '/')::bigint[]) AND NOT x.enabled{extra})"
            : $"EXISTS (SELECT 1 FROM tenants x WHERE {db.OnPath("x.seq", "d.path")} AND NOT x.enabled{extra})";
        return scope switch
        {
            ImpactScope.Tenant => "d.seq = @seq",
            ImpactScope.Subtree => subtree,
            ImpactScope.LosesAccess => $"{subtree} AND NOT {DisabledOnPath("")}",
            ImpactScope.RegainsAccess =>
                $"{subtree} AND EXISTS (SELECT 1 FROM tenants s WHERE s.seq = @seq AND NOT s.enabled) AND NOT {DisabledOnPath(" AND x.seq <> @seq")}",
            _ => throw new ArgumentOutOfRangeException(nameof(scope), scope, "not an impact scope"),
        };
    }
}

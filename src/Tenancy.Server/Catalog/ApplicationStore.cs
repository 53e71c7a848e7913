namespace Tenancy.Server.Catalog;

/// <summary>
/// SQL for application bindings. "On" for a tenant is derived, like suspension: an application is
/// effectively on when every tenant on the path below the root has its own row for it (the root has every
/// application on, the platform is on everywhere). Every statement reads at most depth rows by primary key.
/// </summary>
public sealed class ApplicationStore(Database db)
{
    /// <summary>The ids of the applications every tenant on <paramref name="path"/> below the root has on.</summary>
    public async Task<IReadOnlySet<string>> OnAlongAsync(string path, CancellationToken ct = default)
    {
        var seqs = BelowRoot(path);
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<string>(new CommandDefinition(
            $"SELECT application_id FROM application_bindings WHERE {db.In("tenant_seq", "seqs")} GROUP BY application_id HAVING COUNT(*) = @n",
            new { seqs = db.List(seqs), n = seqs.Length }, cancellationToken: ct));
        return rows.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Turns the application on for the tenant if every tenant above it (below the root) has it on: one
    /// conditional statement, audited in its transaction. False when no row was written (already on, or
    /// the parent lacks it: the caller tells which from a read).
    /// </summary>
    public Task<bool> TurnOnAsync(Tenant tenant, string applicationId, long now, AuditEntry audit, CancellationToken ct = default)
    {
        var above = BelowRoot(tenant.Path)[..^1];
        return db.ExecuteAuditedAsync(
            "INSERT INTO application_bindings (tenant_seq, application_id, created_at) " +
            "SELECT @seq, @applicationId, @now WHERE (SELECT COUNT(*) FROM application_bindings " +
            $"WHERE {db.In("tenant_seq", "above")} AND application_id = @applicationId) = @n " +
            "ON CONFLICT (tenant_seq, application_id) DO NOTHING",
            new { seq = tenant.Seq, applicationId, now, above = db.List(above), n = above.Length }, audit, now, ct);
    }

    /// <summary>Turns the application off for the tenant (and so, effectively, for its subtree); false when it was not on.</summary>
    public Task<bool> TurnOffAsync(Tenant tenant, string applicationId, long now, AuditEntry audit, CancellationToken ct = default) =>
        db.ExecuteAuditedAsync(
            "DELETE FROM application_bindings WHERE tenant_seq = @seq AND application_id = @applicationId",
            new { seq = tenant.Seq, applicationId }, audit, now, ct);

    /// <summary>The internal keys of the path without the root's (the root has every application on).</summary>
    private static long[] BelowRoot(string path) => TreePath.Seqs(path)[1..];
}

using System.Data.Common;

namespace Tenancy.Server.Tenants;

/// <summary>
/// Keeps the billing identity of deleted tenants (tenant_archive), so usage reports still name them
/// for the periods they were live. Tenants are placed by their chain of ids, which are never reused.
/// </summary>
public static class TenantArchive
{
    /// <summary>
    /// Archives the given tenants (a batch of a purge); runs in the purging transaction. A tenant is archived as
    /// deleted when it was deleted (its soft deletion), else at <paramref name="now"/>.
    /// </summary>
    internal static async Task WriteRowsAsync(Database db, DbConnection c, DbTransaction tx, IReadOnlyList<Tenant> subtree, long now, CancellationToken ct)
    {
        var ids = await IdsAsync(db, c, tx, [.. subtree.SelectMany(t => t.PathSeqs()).Distinct()], ct);
        foreach (var t in subtree)
        {
            ids[t.Seq] = t.Id;
        }

        var rows = subtree.Select(t => new
        {
            t.Id, IdPath = IdPath(t.PathSeqs(), ids), t.Kind, t.Name, Code = t.Code ?? t.DeletedCode, t.ZuoraAccountName,
            t.ZuoraAccountNumber, t.Description, t.CreatedAt, DeletedAt = t.DeletedAt ?? now,
        });
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO tenant_archive (id, id_path, kind, name, code, zuora_account_name, zuora_account_number, " +
            "description, created_at, deleted_at) VALUES (@Id, @IdPath, @Kind, @Name, @Code, @ZuoraAccountName, " +
            "@ZuoraAccountNumber, @Description, @CreatedAt, @DeletedAt)",
            rows, tx, cancellationToken: ct));
    }

    /// <summary>The chain of ids from the root to a live tenant: "/root-id/.../tenant-id/".</summary>
    public static async Task<string> IdPathAsync(Database db, DbConnection c, Tenant tenant, CancellationToken ct) =>
        IdPath(tenant.PathSeqs(), await IdsAsync(db, c, null, tenant.PathSeqs(), ct));

    private static async Task<Dictionary<long, string>> IdsAsync(Database db, DbConnection c, DbTransaction? tx, long[] seqs, CancellationToken ct)
    {
        var rows = await c.QueryAsync<(long Seq, string Id)>(new CommandDefinition(
            $"SELECT seq, id FROM tenants WHERE {db.In("seq", "seqs")}", new { seqs = db.List(seqs) }, tx, cancellationToken: ct));
        return rows.ToDictionary(r => r.Seq, r => r.Id);
    }

    private static string IdPath(long[] seqs, Dictionary<long, string> ids) =>
        $"/{string.Join('/', seqs.Select(s => ids[s]))}/";
}

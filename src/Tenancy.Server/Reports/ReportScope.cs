namespace Tenancy.Server.Reports;

/// <summary>A tenant a report may show, with its chain of ids from the report's tenant down to itself.</summary>
public sealed record ReportTenant(string Id, string Kind, string Name, string? Code, long? DeletedAt, string[] Chain);

/// <summary>
/// The tenants a report shows: the report's tenant and its subtree as the report tenant's own principals
/// would read it (the access policy's barrier rule, <see cref="AccessPolicy.Unbarred"/>), and, for a
/// period, the deleted tenants that were in it, as in the period usage report. A deleted tenant that lay
/// below a live tenant the rule shuts out is left out too.
/// </summary>
public sealed class ReportScope(Database db)
{
    private sealed class LiveRow
    {
        public long Seq { get; init; }
        public string Id { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Code { get; init; }
        public string Path { get; init; } = "";
        public bool Reachable { get; init; }

        /// <summary>Deleted, not yet purged (shown only in reports of a period, like archived ones).</summary>
        public long? DeletedAt { get; init; }
    }

    private sealed class ArchivedRow
    {
        public string Id { get; init; } = "";
        public string IdPath { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Name { get; init; } = "";
        public string? Code { get; init; }
        public long DeletedAt { get; init; }
    }

    public async Task<IReadOnlyList<ReportTenant>> TenantsAsync(Tenant scope, bool withDeleted, CancellationToken ct = default)
    {
        // The report's tenant stands in for the principal: the same parameters a caller of that tenant gets.
        var reach = new Caller("report", PrincipalKind.Client, scope.Id, scope.Seq, scope.Path);
        var args = new DynamicParameters(AccessPolicy.Parameters(reach));
        await using var c = await db.OpenAsync(ct);
        var live = (await c.QueryAsync<LiveRow>(new CommandDefinition(
            "SELECT t.seq, t.id, t.kind, t.name, COALESCE(t.code, t.deleted_code) AS code, t.path, t.deleted_at, " +
            $"CASE WHEN {AccessPolicy.Unbarred("t.path")} THEN 1 ELSE 0 END AS reachable " +
            $"FROM tenants t WHERE {AccessPolicy.SeeWhere("t.path")}{(withDeleted ? "" : " AND t.deleted_at IS NULL")}", args, cancellationToken: ct))).AsList();

        var ids = live.ToDictionary(t => t.Seq, t => t.Id);
        var depth = scope.PathSeqs().Length - 1;
        var tenants = live.Where(t => t.Reachable)
            .Select(t => new ReportTenant(t.Id, t.Kind, t.Name, t.Code, t.DeletedAt, [.. TreePath.Seqs(t.Path)[depth..].Select(s => ids[s])]))
            .ToList();
        if (!withDeleted)
        {
            return tenants;
        }

        var barred = live.Where(t => !t.Reachable).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var idPath = await TenantArchive.IdPathAsync(db, c, scope, ct);
        var archived = await c.QueryAsync<ArchivedRow>(new CommandDefinition(
            "SELECT id, id_path, kind, name, code, deleted_at FROM tenant_archive WHERE id_path >= @idPath AND id_path < @idUpper",
            new { idPath, idUpper = TreePath.UpperBound(idPath) }, cancellationToken: ct));
        foreach (var a in archived)
        {
            var chain = a.IdPath.Split('/', StringSplitOptions.RemoveEmptyEntries)[depth..];
            if (!chain.Any(barred.Contains))
            {
                tenants.Add(new ReportTenant(a.Id, a.Kind, a.Name, a.Code, a.DeletedAt, chain));
            }
        }

        return tenants;
    }
}

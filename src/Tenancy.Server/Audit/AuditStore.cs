namespace Tenancy.Server.Audit;

public sealed class AuditRecord
{
    public long Id { get; init; }
    public long At { get; init; }
    public required string ActorType { get; init; }
    public required string ActorId { get; init; }
    public required string ActorTenantId { get; init; }
    public required string Operation { get; init; }
    public required string TargetType { get; init; }
    public required string TargetId { get; init; }
    public required string Changes { get; init; }
    public string? Address { get; init; }
    public string? RequestId { get; init; }

    /// <summary>The admin acting as the user in an impersonation session ("client:id" or "user:id").</summary>
    public string? Impersonator { get; init; }
}

/// <summary>The filters of an audit query; the subtree is always within the caller's reach.</summary>
public sealed record AuditQuery(
    Caller Caller,
    string SubtreePath, string? TargetId, string? ActorId, string? Operation, long? From, long? To, long? Before, int Limit);

public sealed class AuditStore(Database db)
{
    /// <summary>Newest first; the subtree is a range on the target's path (index ix_audit_log_path).</summary>
    public async Task<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery q, CancellationToken ct = default)
    {
        // Within the subtree asked for, only the records whose target the access policy lets the caller read.
        var where = new List<string> { "target_path >= @path", "target_path < @upper", AccessPolicy.Where(q.Caller, Operation.Read, Resource.Audit, "target_path") };
        if (q.TargetId is not null) where.Add("target_id = @TargetId");
        if (q.ActorId is not null) where.Add("actor_id = @ActorId");
        if (q.Operation is not null) where.Add("operation = @Operation");
        if (q.From is not null) where.Add("at >= @From");
        if (q.To is not null) where.Add("at < @To");
        if (q.Before is not null) where.Add("id < @Before");
        await using var c = await db.OpenAsync(ct);
        var args = new DynamicParameters(AccessPolicy.Parameters(q.Caller));
        args.AddDynamicParams(new
        {
            path = q.SubtreePath, upper = TreePath.UpperBound(q.SubtreePath), q.TargetId, q.ActorId, q.Operation,
            q.From, q.To, q.Before, q.Limit,
        });
        var rows = await c.QueryAsync<AuditRecord>(new CommandDefinition(
            "SELECT id, at, actor_type, actor_id, actor_tenant_id, operation, target_type, target_id, changes, address, request_id, impersonator " +
            $"FROM audit_log WHERE {string.Join(" AND ", where)} ORDER BY id DESC LIMIT @Limit",
            args, cancellationToken: ct));
        return rows.AsList();
    }
}

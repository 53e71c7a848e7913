namespace Tenancy.Server.Events;

/// <summary>One stored event; <see cref="Id"/> is its position in the feed.</summary>
public sealed class EventRow
{
    public long Id { get; init; }
    public required string EventId { get; init; }
    public required string Type { get; init; }
    public string? TenantId { get; init; }
    public long At { get; init; }
    public required string Data { get; init; }
}

/// <summary>A page of the feed: events after <see cref="After"/> in a subtree within the caller's reach.</summary>
public sealed record EventQuery(Caller Caller, string SubtreePath, long After, IReadOnlyList<string> Types, int Limit);

public sealed class EventStore(Database db)
{
    public const string Columns = "e.id, e.event_id, e.type, e.tenant_id, e.at, e.data";

    /// <summary>In feed order; only the events of tenants the access policy lets the caller read.</summary>
    public async Task<IReadOnlyList<EventRow>> ReadAsync(EventQuery q, CancellationToken ct = default)
    {
        var where = new List<string>
        {
            "e.id > @After", "e.tenant_path >= @path", "e.tenant_path < @upper",
            AccessPolicy.Where(q.Caller, Operation.Read, Resource.Event, "e.tenant_path"),
        };
        if (q.Types.Count > 0)
        {
            where.Add(db.In("e.type", "types"));
        }

        var args = new DynamicParameters(AccessPolicy.Parameters(q.Caller));
        args.AddDynamicParams(new { q.After, path = q.SubtreePath, upper = TreePath.UpperBound(q.SubtreePath), types = db.List(q.Types), q.Limit });
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<EventRow>(new CommandDefinition(
            $"SELECT {Columns} FROM events e WHERE {string.Join(" AND ", where)} ORDER BY e.id LIMIT @Limit", args, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>The newest event's position (0 when there is none).</summary>
    public async Task<long> LastAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long?>(new CommandDefinition("SELECT MAX(id) FROM events", cancellationToken: ct)) ?? 0;
    }
}

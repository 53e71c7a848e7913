using System.Data.Common;
using System.Text.Json;
using Npgsql;

namespace Tenancy.Server.Events;

/// <summary>
/// Writes the event of an audited change, in the change's transaction (a transactional outbox): called by
/// <see cref="AuditLog"/> for every audit record, so every audited change is an event and an event exists
/// only if its change committed.
/// <para>
/// The feed's order is the events' id, and a reader follows it with a cursor (the last id it saw). That is
/// only safe if ids become visible in order. SQLite has one writer at a time. On PostgreSQL, identity values
/// are taken when rows are inserted but commit in any order, so each writer first takes one
/// transaction-scoped advisory lock (<see cref="FeedLock"/>), held until its commit: the next writer takes
/// its id only after the previous one is committed and visible. The audit record is the last statement of
/// every audited transaction, so the lock is held only for the insert and the commit (and no row lock is
/// ever waited for while holding it).
/// </para>
/// </summary>
public static class EventLog
{
    /// <summary>The advisory lock key of the feed's order ("tenancy events").</summary>
    public const long FeedLock = 0x7465_6E61_6E63_7931;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static async Task WriteAsync(DbConnection c, DbTransaction tx, AuditEntry e, long at, CancellationToken ct)
    {
        // The tenant ids from the root down to the tenant the change concerns.
        var seqs = e.TargetPath.Length > 0 ? TreePath.Seqs(e.TargetPath) : [];
        var ids = seqs.Length == 0 ? new Dictionary<long, string>() : (await c.QueryAsync<(long Seq, string Id)>(new CommandDefinition(
            c is NpgsqlConnection ? "SELECT seq, id FROM tenants WHERE seq = ANY(@seqs)" : "SELECT seq, id FROM tenants WHERE seq IN @seqs", new { seqs }, tx, cancellationToken: ct))).ToDictionary(r => r.Seq, r => r.Id);
        var path = seqs.Select(s => ids.GetValueOrDefault(s)).ToList();
        if (e.TargetType == "tenant" && path.Count > 0)
        {
            // A deleted tenant's row is gone already: the record names it.
            path[^1] = e.TargetId;
        }

        var tenantId = path.Count > 0 ? path[^1] : null;
        var data = JsonSerializer.Serialize(new
        {
            operation = e.Operation,
            tenant_path = path,
            target = new { type = e.TargetType, id = e.TargetId },
            actor = new { type = e.Actor.ActorType, id = e.Actor.ActorId },
            before = e.Before,
            after = e.After,
        }, Json);
        if (c is NpgsqlConnection)
        {
            await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_xact_lock(@key)", new { key = FeedLock }, tx, cancellationToken: ct));
        }

        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO events (event_id, type, tenant_id, tenant_path, at, data) VALUES (@eventId, @type, @tenantId, @path, @at, @data)",
            new { eventId = Guid.NewGuid().ToString(), type = EventTypes.Of(e.Operation, e.TargetType), tenantId, path = e.TargetPath, at, data },
            tx, cancellationToken: ct));
        EventSignal.Pulse();
    }
}

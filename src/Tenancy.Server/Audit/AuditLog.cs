using System.Data.Common;
using System.Text.Json;

namespace Tenancy.Server.Audit;

/// <summary>Writes audit records; always inside the transaction of the change they describe.</summary>
public static class AuditLog
{
    /// <summary>
    /// Runs one write statement and, if it changed a row, writes <paramref name="audit"/> in the same
    /// transaction. False when no row matched (nothing is recorded then).
    /// </summary>
    public static async Task<bool> ExecuteAuditedAsync(
        this Database db, string sql, object args, AuditEntry? audit, long at, CancellationToken ct)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        if (await c.ExecuteAsync(new CommandDefinition(sql, args, tx, cancellationToken: ct)) == 0)
        {
            return false;
        }

        if (audit is not null)
        {
            await WriteAsync(c, tx, audit, at, ct);
        }

        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Runs a guarded write statement (<paramref name="statements"/>' first) and, if it changed a row, the
    /// statements that follow from it and <paramref name="audit"/>, all in one transaction. False when the
    /// first statement matched no row (nothing is written then).
    /// </summary>
    public static async Task<bool> ExecuteAuditedAsync(
        this Database db, IReadOnlyList<(string Sql, object Args)> statements, AuditEntry audit, long at, CancellationToken ct)
    {
        await using var c = await db.OpenWriteAsync(ct);
        await using var tx = await Database.BeginWriteAsync(c, ct);
        for (var i = 0; i < statements.Count; i++)
        {
            var changed = await c.ExecuteAsync(new CommandDefinition(statements[i].Sql, statements[i].Args, tx, cancellationToken: ct));
            if (i == 0 && changed == 0)
            {
                return false;
            }
        }

        await WriteAsync(c, tx, audit, at, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Writes the audit record and its event (<see cref="Events.EventLog"/>). It must be the last statement
    /// of the transaction, just before the commit: on PostgreSQL the event takes the feed's lock until then.
    /// </summary>
    internal static async Task WriteAsync(DbConnection c, DbTransaction tx, AuditEntry e, long at, CancellationToken ct)
    {
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (at, actor_type, actor_id, actor_tenant_id, operation, target_type, target_id, " +
            "target_path, changes, address, request_id, impersonator) VALUES (@at, @actorType, @actorId, @actorTenantId, @Operation, " +
            "@TargetType, @TargetId, @TargetPath, @changes, @address, @requestId, @impersonator)",
            new
            {
                at,
                actorType = e.Actor.ActorType,
                actorId = e.Actor.ActorId,
                actorTenantId = e.Actor.TenantId,
                e.Operation,
                e.TargetType,
                e.TargetId,
                e.TargetPath,
                changes = JsonSerializer.Serialize(new { before = e.Before, after = e.After }, Json),
                address = e.Actor.Address,
                requestId = e.Actor.RequestId,
                impersonator = e.Actor.Impersonator,
            },
            tx, cancellationToken: ct));
        await Events.EventLog.WriteAsync(c, tx, e, at, ct);
    }
}

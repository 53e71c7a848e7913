using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace Tenancy.Server.Audit;

/// <summary>Writes audit records; always inside the transaction of the change they describe.</summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static Task WriteAsync(DbConnection c, DbTransaction tx, AuditEntry e, long at, CancellationToken ct) =>
        c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (at, actor_type, actor_id, actor_tenant_id, operation, target_type, target_id, " +
            "target_path, changes, address, request_id) VALUES (@at, @actorType, @actorId, @actorTenantId, @Operation, " +
            "@TargetType, @TargetId, @TargetPath, @changes, @address, @requestId)",
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
            },
            tx, cancellationToken: ct));
}

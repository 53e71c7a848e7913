namespace Tenancy.Server.Audit;

/// <summary>
/// One change, as the audit trail records it. Written by the store in the transaction of the change
/// itself, so a change without its record (or the reverse) can never be seen.
/// </summary>
/// <param name="Actor">Who: the authenticated caller (client or user, its tenant, address, request id).</param>
/// <param name="Operation">What, e.g. "tenant.update", "client.create".</param>
/// <param name="TargetPath">The path of the tenant the change concerns; the trail is filtered by reach on it.</param>
/// <param name="Before">The changed fields before the change (never secrets); null for creations.</param>
/// <param name="After">The changed fields after it (never secrets); null for deletions.</param>
public sealed record AuditEntry(
    Caller Actor,
    string Operation,
    string TargetType,
    string TargetId,
    string TargetPath,
    IReadOnlyDictionary<string, object?>? Before,
    IReadOnlyDictionary<string, object?>? After);

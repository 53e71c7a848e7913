namespace Tenancy.Server.Deletions;

/// <summary>Tenancy:Deletion: the restore window, the services' deadline and the purge worker.</summary>
public sealed class DeletionOptions
{
    public const string Section = "Tenancy:Deletion";

    /// <summary>How long a deleted tenant or user can be restored; after it the purge begins.</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>After the restore window: how long the final purge waits for every bound service to acknowledge.</summary>
    public TimeSpan AcknowledgementPeriod { get; set; } = TimeSpan.FromDays(7);

    /// <summary>False: this instance runs no purge (another instance on the same store does).</summary>
    public bool Worker { get; set; } = true;

    /// <summary>How often the purge worker looks for due work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the purge lease holds; an instance that died loses it after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Tenants (or users) removed per transaction: a purge never holds a long lock.</summary>
    public int BatchSize { get; set; } = 500;
}

/// <summary>The states of a deletion (see docs/lifecycle.md).</summary>
public static class DeletionStates
{
    /// <summary>Deleted and locked out; restorable until restore_until.</summary>
    public const string Pending = "pending";

    /// <summary>The window is over: services purge and acknowledge; Tenancy purges when all did or at acknowledge_by.</summary>
    public const string Purging = "purging";

    /// <summary>Every row purged, every service acknowledged.</summary>
    public const string Done = "done";

    /// <summary>Every row purged at the deadline, but some service never acknowledged (its data may remain).</summary>
    public const string Failed = "failed";

    /// <summary>Restored within the window.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>A deletion of a tenant's subtree: an operation with a state, deadlines and progress.</summary>
public sealed class Deletion
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }

    /// <summary>The deleted tenant's path when it was deleted (its reach once the rows are gone).</summary>
    public required string TenantPath { get; init; }
    public required string ParentId { get; init; }
    public required string State { get; init; }
    public long CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public long RestoreUntil { get; init; }
    public long AcknowledgeBy { get; init; }
    public long? FinishedAt { get; init; }
    public long TenantsTotal { get; init; }
    public long UsersTotal { get; init; }
    public long ClientsTotal { get; init; }
    public long TenantsPurged { get; init; }
    public long UsersPurged { get; init; }
    public long ClientsPurged { get; init; }

    /// <summary>The services that must acknowledge, in catalog order.</summary>
    public IReadOnlyList<DeletionAcknowledgement> Services { get; set; } = [];

    public bool AllAcknowledged => Services.All(s => s.AcknowledgedAt is not null);
}

/// <summary>A service (an application bound in the deleted subtree) and its acknowledgement.</summary>
public sealed class DeletionAcknowledgement
{
    public required string DeletionId { get; init; }
    public required string ApplicationId { get; init; }
    public long? AcknowledgedAt { get; init; }
    public string? AcknowledgedBy { get; init; }
}

/// <summary>What a new deletion is: its id, deadlines and the services that must acknowledge.</summary>
public sealed record DeletionPlan(string Id, long Now, long RestoreUntil, long AcknowledgeBy, IReadOnlyList<string> Services);

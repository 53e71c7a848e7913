namespace Tenancy.Server.Tenants;

/// <summary>What a create asks for, after the dialect has parsed its body.</summary>
public sealed record NewTenant
{
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required string ParentId { get; init; }
    public bool Enabled { get; init; } = true;
    public string? CustomerType { get; init; }
    public string? CustomerId { get; init; }
    public string? InternalTag { get; init; }
    public string? Language { get; init; }
    public string? DefaultIdpId { get; init; }
    public bool? UpdateLockEnabled { get; init; }
    public bool? AncestralAccess { get; init; }
    public Contact? Contact { get; init; }
    public string? Code { get; init; }
    public string? ZuoraAccountName { get; init; }
    public string? ZuoraAccountNumber { get; init; }
    public string? Description { get; init; }
}

/// <summary>A partial update: only the fields that are set change.</summary>
public sealed record TenantChanges
{
    public Optional<string> Name { get; init; }
    public Optional<string> Kind { get; init; }
    public Optional<string> ParentId { get; init; }
    public Optional<bool> Enabled { get; init; }
    public Optional<string> CustomerType { get; init; }
    public Optional<string?> CustomerId { get; init; }
    public Optional<string?> InternalTag { get; init; }
    public Optional<string> Language { get; init; }
    public Optional<string> DefaultIdpId { get; init; }
    public Optional<long?> BrandId { get; init; }
    public Optional<bool> UpdateLockEnabled { get; init; }
    public Optional<bool> AncestralAccess { get; init; }
    public Optional<Contact> Contact { get; init; }
    public Optional<string?> Code { get; init; }
    public Optional<string?> ZuoraAccountName { get; init; }
    public Optional<string?> ZuoraAccountNumber { get; init; }
    public Optional<string?> Description { get; init; }
}

/// <summary>
/// The lifecycle operations of the core. A dialect turns its request into one of these; the service checks
/// it against the access policy and the tree's rules and the store runs it as one conditional write.
/// </summary>
public abstract record TenantCommand(string TenantId, long Version)
{
    /// <summary>Checked exactly as the real command, up to the write, which is left out (see <see cref="Lifecycle.DryRuns"/>).</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// The command a partial update means: a move when it names a parent, a suspension or reactivation when
    /// it only sets the enabled flag, an update otherwise (which may set the flag along with other fields).
    /// </summary>
    public static TenantCommand From(string tenantId, long version, TenantChanges changes) =>
        changes.ParentId.IsSet ? new MoveTenant(tenantId, version, changes)
        : changes == new TenantChanges { Enabled = changes.Enabled } && changes.Enabled.IsSet
            ? changes.Enabled.Value ? new ReactivateTenant(tenantId, version) : new SuspendTenant(tenantId, version)
        : new UpdateTenant(tenantId, version, changes);
}

/// <summary>The tenant and its subtree lose access at once; nothing below is touched.</summary>
public sealed record SuspendTenant(string TenantId, long Version) : TenantCommand(TenantId, Version);

/// <summary>Restores the subtree, except parts disabled on their own; refused under a disabled ancestor.</summary>
public sealed record ReactivateTenant(string TenantId, long Version) : TenantCommand(TenantId, Version);

/// <summary>Changes fields of the tenant (a typed patch: only what is set changes).</summary>
public sealed record UpdateTenant(string TenantId, long Version, TenantChanges Changes) : TenantCommand(TenantId, Version);

/// <summary>Moves the tenant (with its subtree) under another parent, with any other changes of the patch.</summary>
public sealed record MoveTenant(string TenantId, long Version, TenantChanges Changes) : TenantCommand(TenantId, Version);

/// <summary>How a tenant list is selected. Exactly one selector is set.</summary>
public sealed record TenantQuery
{
    public IReadOnlyList<string>? Ids { get; init; }
    public string? ParentId { get; init; }
    public string? SubtreeRootId { get; init; }
    public int Limit { get; init; } = TenantService.MaxPageSize;
    public string? After { get; init; }

    /// <summary>allow_deleted=true: deleted tenants (not yet purged) are listed too.</summary>
    public bool AllowDeleted { get; init; }
}

public sealed record TenantPage(IReadOnlyList<TenantView> Items, string? After);

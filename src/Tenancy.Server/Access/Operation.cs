namespace Tenancy.Server.Access;

/// <summary>What a principal asks to do to a target. The closed set every endpoint of both dialects maps to.</summary>
public enum Operation
{
    /// <summary>Know that the target exists (a tenant listed behind an ancestral_access barrier shows only this).</summary>
    See,

    /// <summary>Read the target's details.</summary>
    Read,

    /// <summary>Create something in or under the target tenant (a sub-tenant, API client, user, subscription, usage).</summary>
    Create,

    /// <summary>Change the target (rename, move, edit fields).</summary>
    Change,

    /// <summary>Suspend or reactivate the target (a tenant, an API client's status, a user's enabled flag).</summary>
    Disable,

    /// <summary>Delete or terminate the target.</summary>
    Delete,

    /// <summary>Reset an API client's secret or set a user's password.</summary>
    ResetCredential,

    /// <summary>Give or take a user's roles (its access policies, or its role field).</summary>
    Grant,
    /// <summary>Act as a user: obtain a one-time token that opens a session as that user.</summary>
    Impersonate,
}

/// <summary>The kinds of resource the access policy decides on; each belongs to one tenant.</summary>
public enum Resource
{
    Tenant,
    Client,
    User,
    Subscription,
    Usage,
    Audit,

    /// <summary>The applications turned on for a tenant (bindings).</summary>
    Application,

    /// <summary>A tenant's pricing settings (mode, currency).</summary>
    Pricing,

    /// <summary>A tenant's offering items (status and quota of each) and its editions.</summary>
    OfferingItem,

    /// <summary>A usage report of a tenant (its configuration and stored files).</summary>
    Report,

    /// <summary>The change feed of a tenant's subtree (GET /api/2/events) and the webhooks that deliver it.</summary>
    Event,

    /// <summary>The deletion (termination operation) of a tenant's subtree: read it; a service acknowledges its purge (Change).</summary>
    Deletion,
}

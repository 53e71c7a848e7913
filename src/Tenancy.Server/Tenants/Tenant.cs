namespace Tenancy.Server.Tenants;

/// <summary>A tenant as the core sees it: one row of the tenant tree.</summary>
public sealed class Tenant
{
    /// <summary>Internal key; the segments of <see cref="Path"/> are these numbers.</summary>
    public long Seq { get; init; }
    public required string Id { get; init; }
    public long? ParentSeq { get; init; }
    public required string ParentId { get; init; }

    /// <summary>Materialized path of internal keys from the root down to this tenant: "/1/7/42/".</summary>
    public required string Path { get; init; }
    public int Level { get; init; }
    public required string Kind { get; init; }
    public required string Name { get; init; }
    public bool Enabled { get; init; }
    public long Version { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public string CustomerType { get; init; } = "default";
    public string? CustomerId { get; init; }
    public string? InternalTag { get; init; }
    public string Language { get; init; } = "en";
    public string? OwnerId { get; init; }
    public bool AncestralAccess { get; init; } = true;
    public bool UpdateLockEnabled { get; init; }
    public string? UpdateLockOwner { get; init; }
    public long? BrandId { get; init; }
    public required string BrandUuid { get; init; }
    public required string DefaultIdpId { get; init; }
    public string MfaStatus { get; init; } = "disabled";
    public string PricingMode { get; init; } = "production";

    /// <summary>The primary contact, as stored JSON (see <see cref="Contact"/>).</summary>
    public string? Contact { get; init; }

    // Billing identity (the /api/v2.1 dialect's fields).
    public string? Code { get; init; }
    public string? ZuoraAccountName { get; init; }
    public string? ZuoraAccountNumber { get; init; }
    public string? Description { get; init; }

    /// <summary>When the tenant was deleted (soft, restorable until its deletion is purged); null while live.</summary>
    public long? DeletedAt { get; init; }

    /// <summary>The deletion (operation) that marked this tenant; a restore brings back exactly its rows.</summary>
    public string? DeletionId { get; init; }

    /// <summary>A deleted tenant's code, set aside so that the code is free for a new tenant until a restore takes it back.</summary>
    public string? DeletedCode { get; init; }

    public bool IsRoot => ParentSeq is null;

    /// <summary>The internal keys on the path, root first, this tenant last.</summary>
    public long[] PathSeqs() => TreePath.Seqs(Path);
}

/// <summary>A tenant with what is derived from the rest of the tree.</summary>
/// <param name="DisabledBy">
/// The id of the nearest tenant on the path (this one first, then upwards) whose own flag is off;
/// null when the tenant is effectively enabled.
/// </param>
/// <param name="Detailed">
/// False when the viewer may know the tenant exists but not its details: a tenant between them has
/// ancestral_access off and the viewer is above that tenant's parent.
/// </param>
/// <param name="DeletionState">For a deleted tenant shown with allow_deleted: the state of its deletion.</param>
public sealed record TenantView(Tenant Tenant, bool HasChildren, string? DisabledBy, bool Detailed = true, string? DeletionState = null)
{
    public bool EffectivelyEnabled => DisabledBy is null;
}

public static class TenantKinds
{
    public const string Root = "root";
    public const string Partner = "partner";
    public const string Folder = "folder";
    public const string Customer = "customer";
    public const string Unit = "unit";

    public static readonly IReadOnlyList<string> All = [Root, Partner, Folder, Customer, Unit];

    /// <summary>Which kinds a tenant of a given kind may hold.</summary>
    public static bool CanHold(string parentKind, string childKind) => parentKind switch
    {
        Root or Partner or Folder => childKind is Partner or Folder or Customer,
        Customer or Unit => childKind is Unit,
        _ => false,
    };
}

/// <summary>Operations on materialized paths ("/1/7/42/").</summary>
public static class TreePath
{
    public static long[] Seqs(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToArray();

    public static string Child(string parentPath, long seq) => $"{parentPath}{seq}/";

    /// <summary>True for the root's path ("/1/"): one segment, the only tenant without a parent.</summary>
    public static bool IsRootPath(string path) => path.AsSpan(1).IndexOf('/') == path.Length - 2;

    /// <summary>True when <paramref name="path"/> is <paramref name="ancestorPath"/> or lies below it.</summary>
    public static bool IsWithin(string path, string ancestorPath) =>
        path.StartsWith(ancestorPath, StringComparison.Ordinal);

    /// <summary>
    /// Exclusive upper bound of the subtree under <paramref name="path"/> in byte order: the trailing
    /// '/' (0x2F) becomes '0' (0x30), so [path, upper) holds exactly the paths that start with path.
    /// Lets every subtree query be an index range scan.
    /// </summary>
    public static string UpperBound(string path) => string.Concat(path.AsSpan(0, path.Length - 1), "0");

    /// <summary><see cref="UpperBound"/> as SQL on a path expression.</summary>
    public static string UpperBoundSql(string path) => $"(substr({path}, 1, length({path}) - 1) || '0')";
}

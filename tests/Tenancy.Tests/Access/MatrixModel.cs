using System.Collections.Concurrent;

namespace Tenancy.Tests.Access;

/// <summary>A tenant of the matrix's tree, as the test knows it: its parent link and the flags on it.</summary>
/// <param name="Locked">update_lock enabled by the principal that creates it, an admin of its parent (the lock owner).</param>
/// <param name="Enabled">The tenant's own flag; false suspends it and its subtree.</param>
public sealed record Node(string Name, string Kind, string? Parent, bool AncestralAccess = true, bool Locked = false, bool Enabled = true);

/// <summary>
/// A principal of the matrix: an API client or a user with a role, in one tenant of the tree. A user holds
/// the role its role field says on its own tenant, or <see cref="Role"/> on each tenant of <see cref="On"/>.
/// </summary>
/// <param name="Impersonated">A user acting through an impersonation session (cookie), opened by an admin of its tenant's parent.</param>
/// <param name="Scope">A token from token exchange narrowed to this tenant's subtree; the principal stays one of its own tenant.</param>
public sealed record Principal(string Name, string Tenant, bool IsUser = false, bool Viewer = false, bool Impersonated = false, string? Scope = null)
{
    /// <summary>A catalogue role given through access policies instead of the role field (users only).</summary>
    public string? Role { get; init; }

    /// <summary>The tenants <see cref="Role"/> is held on (its own tenant when null).</summary>
    public IReadOnlyList<string>? On { get; init; }
}

/// <summary>How a principal stands to a tenant, computed by walking parent links.</summary>
public enum Standing
{
    /// <summary>The tenant is not the principal's own and not below it.</summary>
    Outside,

    /// <summary>Within the principal's subtree, but an ancestral_access barrier shuts the principal out.</summary>
    Barred,

    /// <summary>Within reach and not barred.</summary>
    Open,
}

/// <summary>The generated tree and principals, and the parent-link walks the rules are computed from.</summary>
public sealed class MatrixModel
{
    public const string Root = "R";

    /// <summary>
    /// root -> P1 -> F0 -> F1 -> C1 (ancestral_access off) -> U1 -> U2; P1 -> C2 (locked by P1);
    /// root -> P2 -> C3 -> U3; P2 -> C4 (suspended after its principals logged in) -> U4.
    /// </summary>
    public static readonly Node[] Tree =
    [
        new(Root, "root", null),
        new("P1", "partner", Root),
        new("F0", "folder", "P1"),
        new("F1", "folder", "F0"),
        new("C1", "customer", "F1", AncestralAccess: false),
        new("U1", "unit", "C1"),
        new("U2", "unit", "U1"),
        new("C2", "customer", "P1", Locked: true),
        new("P2", "partner", Root),
        new("C3", "customer", "P2"),
        new("U3", "unit", "C3"),
        new("C4", "customer", "P2", Enabled: false),
        new("U4", "unit", "C4"),
    ];

    /// <summary>
    /// Admins of several levels, viewers in the middle, principals above and below the barrier, the lock owner and
    /// a non-owner, two suspended ones, an impersonation session, and tokens narrowed to a customer and to a barrier's parent.
    /// </summary>
    public static readonly Principal[] Principals =
    [
        new("root admin client", Root),
        new("P1 admin client (lock owner)", "P1"),
        new("P1 viewer client", "P1", Viewer: true),
        new("F0 admin client (above the barrier)", "F0"),
        new("F1 admin user (the barrier's parent)", "F1", IsUser: true),
        new("F1 viewer user", "F1", IsUser: true, Viewer: true),
        new("C1 admin client (the barrier)", "C1"),
        new("U1 admin user (a unit)", "U1", IsUser: true),
        new("C2 admin client (under the lock)", "C2"),
        new("P2 admin user", "P2", IsUser: true),
        new("C3 admin client", "C3"),
        new("C4 admin client (suspended)", "C4"),
        new("U4 admin user (suspended above)", "U4", IsUser: true),
        new("R admin user (root_admin)", Root, IsUser: true),
        new("C3 admin user (company_admin)", "C3", IsUser: true),
        new("C3 backup_user", "C3", IsUser: true) { Role = "backup_user" },
        new("P2 user, company_admin on C3 and C4 (siblings)", "P2", IsUser: true) { Role = "company_admin", On = ["C3", "C4"] },
        new("F1 admin user, impersonated by F0's admin", "F1", IsUser: true, Impersonated: true),
        new("root admin client scoped to C3 (a customer below)", Root, Scope: "C3"),
        new("P1 admin client scoped to F1 (the parent of a barrier)", "P1", Scope: "F1"),
    ];

    private readonly ConcurrentDictionary<string, Node> _nodes = new(Tree.ToDictionary(n => n.Name));

    public Node this[string name] => _nodes[name];

    /// <summary>Adds a tenant made for one case (a victim to delete).</summary>
    public void Add(Node node) => Assert.True(_nodes.TryAdd(node.Name, node));

    /// <summary>The tenant and its ancestors, nearest first.</summary>
    public IEnumerable<string> Chain(string name)
    {
        for (var n = name; n is not null; n = _nodes[n].Parent)
        {
            yield return n;
        }
    }

    /// <summary>The model's children of a tenant (not the tenants made for cases).</summary>
    public static IEnumerable<string> ChildrenOf(string name) => Tree.Where(n => n.Parent == name).Select(n => n.Name);

    /// <summary>True when the tenant or an ancestor of it is disabled.</summary>
    public bool Suspended(string name) => Chain(name).Any(n => !_nodes[n].Enabled);

    /// <summary>The roles a principal holds and where: (tenant, catalogue role).</summary>
    public IReadOnlyList<(string Tenant, string Role)> GrantsOf(Principal p) =>
        !p.IsUser ? [(p.Tenant, p.Viewer ? "viewer" : "admin")]
        : p.Role is null ? [(p.Tenant, p.Viewer ? "readonly_admin" : AdminOf(this[p.Tenant].Kind))]
        : [.. (p.On ?? [p.Tenant]).Select(t => (t, p.Role))];

    /// <summary>What a user's role field "admin" means on a tenant of the kind.</summary>
    public static string AdminOf(string kind) => kind switch
    {
        "root" => "root_admin",
        "customer" => "company_admin",
        "unit" => "unit_admin",
        _ => "partner_admin",
    };

    /// <summary>
    /// How a role the principal holds on tenant <paramref name="from"/> stands to the tenant <paramref name="target"/>:
    /// a scoped token reaches only its scope's subtree, and that only within its own reach (the scope changes no barrier).
    /// </summary>
    public Standing StandingOf(Principal principal, string from, string target) =>
        principal.Scope is { } scope && !Chain(target).Contains(scope) ? Standing.Outside : StandingOf(from, target);

    /// <summary>How a role held on tenant <paramref name="from"/> stands to the tenant <paramref name="target"/>.</summary>
    public Standing StandingOf(string from, string target)
    {
        var chain = Chain(target).ToList();
        if (!chain.Contains(from))
        {
            return Standing.Outside;
        }

        // A barrier strictly below the grant's tenant, whose parent is not the grant's tenant.
        var below = chain.TakeWhile(n => n != from);
        return below.Any(n => !_nodes[n].AncestralAccess && _nodes[n].Parent != from) ? Standing.Barred : Standing.Open;
    }
}

namespace Tenancy.Server.Auth;

/// <summary>
/// The authenticated principal of a request: an API client or a user, the tenant it belongs to, its role
/// field there (<see cref="Role"/>) and the roles it holds on tenants (<see cref="Grants"/>). Each grant
/// reaches its tenant and that tenant's whole subtree, as far as its role allows (see <see cref="RoleTable"/>).
/// </summary>
public sealed record Caller(
    string Id, PrincipalKind Kind, string TenantId, long TenantSeq, string TenantPath, string Role = Roles.Admin)
{
    public bool Is(Tenant tenant) => tenant.Seq == TenantSeq;

    /// <summary>
    /// The roles the principal holds and where. The first is always on its own tenant (with the role
    /// <see cref="Roles.None"/> when a user holds nothing there), so that a principal with one grant is
    /// described as it always was; an API client holds just that one.
    /// </summary>
    public IReadOnlyList<Grant> Grants
    {
        get => field ??= [new Grant(TenantId, TenantSeq, TenantPath, Role)];
        init;
    }

    /// <summary>The address the request came from (for the audit trail).</summary>
    public string? Address { get; init; }

    /// <summary>The request's trace identifier (for the audit trail).</summary>
    public string? RequestId { get; init; }

    /// <summary>"client" or "user", as the audit trail names the actor.</summary>
    public string ActorType => Kind == PrincipalKind.User ? "user" : "client";

    public string ActorId => Id;

    /// <summary>
    /// The subtree a scoped token narrows the caller to (token exchange): the path of the scoped tenant,
    /// or null for no narrowing. It only ever subtracts: the caller stays a principal of its own tenant.
    /// </summary>
    public string? ScopePath { get; init; }

    /// <summary>The scoped tenant's id (for messages), with <see cref="ScopePath"/>.</summary>
    public string? ScopeTenantId { get; init; }

    /// <summary>
    /// The tenant a request that names none works on (its own clients, the audit trail, a new v2.1 tenant's
    /// parent): the scoped tenant for a scoped token, else the caller's own.
    /// </summary>
    public string HomeTenantId => ScopeTenantId ?? TenantId;

    /// <summary>The admin acting as this user in an impersonation session ("client:id" or "user:id"); null otherwise.</summary>
    public string? Impersonator { get; init; }

    /// <summary>"user" or "API client", as messages name the principal.</summary>
    public string ActorName => Kind == PrincipalKind.User ? "user" : "API client";

    /// <summary>How many tenants the caller's path holds (the root's admin: 1).</summary>
    public int Depth => TenantPath.Count(c => c == '/') - 1;

    /// <summary>Minimal-API binding: the caller authentication established (<see cref="CallerIdentity"/>).</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(CallerIdentity.Of(context.User));

    /// <summary>The caller as it acts in this request: with its address and request id.</summary>
    public Caller In(HttpContext context) => this with
    {
        Address = context.Connection.RemoteIpAddress?.ToString(),
        RequestId = context.TraceIdentifier,
    };
}

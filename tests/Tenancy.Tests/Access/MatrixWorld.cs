using Tenancy.Tests.Users;

namespace Tenancy.Tests.Access;

/// <summary>
/// The matrix's tree built through the API, shared by all cases of one provider: the tenants, an admin
/// client in each, the principals, and in each tenant an API client, a user and a subscription with usage.
/// </summary>
public sealed class MatrixWorld : IDisposable
{
    private MatrixWorld(Api root) => Root = root;

    public MatrixModel Model { get; } = new();

    /// <summary>The bootstrap admin of the root tenant.</summary>
    public Api Root { get; }

    public Dictionary<string, string> Ids { get; } = [];

    /// <summary>The /api/v2.1 code of each tenant (its PUT must quote it).</summary>
    public Dictionary<string, string> Codes { get; } = [];

    /// <summary>An admin client of each tenant (the root's is the bootstrap client).</summary>
    public Dictionary<string, Api> Admins { get; } = [];

    public Dictionary<string, Api> Sessions { get; } = [];

    /// <summary>The principal's own client or user id.</summary>
    public Dictionary<string, string> SelfIds { get; } = [];

    public Dictionary<string, string> Clients { get; } = [];

    public Dictionary<string, string> Users { get; } = [];

    public Dictionary<string, string> Subscriptions { get; } = [];

    /// <summary>An admin of the tenant's parent: not barred from it, the owner of its lock, and it made it.</summary>
    public Api KeeperOf(string tenant) => Model[tenant].Parent is { } parent ? Admins[parent] : Root;

    /// <summary>The nearest admin above the tenant whose own tenant is not suspended (the root's for the root).</summary>
    public Api ObserverOf(string tenant) =>
        Model[tenant].Parent is null ? Root : Admins[Model.Chain(tenant).Skip(1).First(n => !Model.Suspended(n))];

    public static async Task<MatrixWorld> BuildAsync(TenancyServer server)
    {
        var world = new MatrixWorld(await server.RootAsync());
        await world.BuildTreeAsync();
        foreach (var principal in MatrixModel.Principals)
        {
            await world.AddPrincipalAsync(principal);
        }

        foreach (var node in MatrixModel.Tree)
        {
            await world.AddResidentsAsync(node.Name);
        }

        return world;
    }

    /// <summary>Suspends the tenants the model has disabled (after their principals logged in and victims were made).</summary>
    public async Task SuspendAsync()
    {
        foreach (var node in MatrixModel.Tree.Where(n => !n.Enabled))
        {
            await KeeperOf(node.Name).SetEnabledAsync(Ids[node.Name], false);
        }
    }

    private async Task BuildTreeAsync()
    {
        Ids[MatrixModel.Root] = await Root.OwnTenantIdAsync();
        Codes[MatrixModel.Root] = "root_" + Guid.NewGuid().ToString("N")[..8];
        Admins[MatrixModel.Root] = Root;
        await Root.PutJsonAsync($"/api/v2.1/tenants/{Ids[MatrixModel.Root]}", new { code = Codes[MatrixModel.Root], zuora_account_name = "Account of R" }).ExpectAsync(HttpStatusCode.OK);
        foreach (var node in MatrixModel.Tree.Where(n => n.Parent is not null))
        {
            var keeper = KeeperOf(node.Name);
            var code = $"{node.Name.ToLowerInvariant()}_{Guid.NewGuid():N}"[..16];
            var created = await keeper.PostJsonAsync("/api/2/tenants", new
            {
                name = node.Name, kind = node.Kind, parent_id = Ids[node.Parent!], code, zuora_account_name = "Account of " + node.Name,
                ancestral_access = node.AncestralAccess, update_lock = new { enabled = node.Locked },
            }).ExpectAsync(HttpStatusCode.Created);
            Ids[node.Name] = created.Str("id");
            Codes[node.Name] = code;
            Admins[node.Name] = await keeper.CreateClientAndLoginAsync(Ids[node.Name]);
        }
    }

    private async Task AddPrincipalAsync(Principal principal)
    {
        var keeper = KeeperOf(principal.Tenant);
        var tenantId = Ids[principal.Tenant];
        var role = principal.Viewer ? "viewer" : "admin";
        Api session;
        if (principal.Impersonated)
        {
            var user = await keeper.CreateUserAsync(tenantId, role: role);
            (session, SelfIds[principal.Name]) = (await keeper.ImpersonateAsync(user.Str("login")), user.Str("id"));
        }
        else if (principal.Scope is { } scope)
        {
            var holder = principal.Tenant == MatrixModel.Root ? Root : Admins[principal.Tenant];
            (session, SelfIds[principal.Name]) = (await holder.ScopedAsync(Ids[scope]), holder.ClientId);
        }
        else if (principal.IsUser)
        {
            var (user, login) = await keeper.CreateUserAndLoginAsync(tenantId, role);
            (session, SelfIds[principal.Name]) = (login, user.Str("id"));
            if (principal.Role is { } held)
            {
                await keeper.PutGrantsAsync(user.Str("id"), [.. (principal.On ?? [principal.Tenant]).Select(t => (Ids[t], held))]).ExpectAsync(HttpStatusCode.OK);
            }
        }
        else if (!principal.Viewer)
        {
            session = principal.Tenant == MatrixModel.Root ? Root : Admins[principal.Tenant];
            SelfIds[principal.Name] = session.ClientId;
        }
        else
        {
            var client = await keeper.PostJsonAsync("/api/2/clients", new
            {
                type = "api_client", tenant_id = tenantId, token_endpoint_auth_method = "client_secret_basic", role,
            }).ExpectAsync(HttpStatusCode.Created);
            session = await keeper.Server.LoginAsync(client.Str("client_id"), client.Str("client_secret"));
            SelfIds[principal.Name] = session.ClientId;
        }

        Sessions[principal.Name] = session;
    }

    /// <summary>An API client, a user and a subscription with one usage sample, made in the tenant by its keeper.</summary>
    private async Task AddResidentsAsync(string tenant)
    {
        var keeper = KeeperOf(tenant);
        var id = Ids[tenant];
        Clients[tenant] = (await keeper.CreateClientAsync(id)).Str("client_id");
        Users[tenant] = (await keeper.CreateUserAsync(id)).Str("id");
        var number = Subscriptions[tenant] = $"M-{Guid.NewGuid():N}"[..20];
        await keeper.PostJsonAsync($"/api/2/tenants/{id}/subscriptions", new { number }).ExpectAsync(HttpStatusCode.Created);
        var pushed = await keeper.PostJsonAsync("/api/2/usage", new { items = new[] { Sample(id, number, 1) } }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1, pushed.GetProperty("applied").GetInt32());
    }

    /// <summary>A usage sample <paramref name="secondsAgo"/> seconds old.</summary>
    public static object Sample(string tenantId, string number, int secondsAgo) => new
    {
        tenant_id = tenantId, subscription = number, service_level = "standard", consumed = 1.5,
        timestamp = DateTimeOffset.UtcNow.AddSeconds(-secondsAgo).ToString("O"),
    };

    /// <summary>The kind of a child the tenant can hold.</summary>
    public string ChildKind(string tenant) => Model[tenant].Kind is "customer" or "unit" ? "unit" : "customer";

    public void Dispose()
    {
        foreach (var api in Sessions.Values.Concat(Admins.Values).Distinct().Where(a => a != Root))
        {
            api.Dispose();
        }
    }
}

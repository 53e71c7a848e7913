using System.Text.Json;
using Tenancy.Server.Clients;
using Tenancy.Server.Usage;
using Tenancy.Server.Users;

namespace Tenancy.Server.Demo;

/// <summary>
/// `Tenancy.Server demo`: fills an empty store with a small, realistic tree to try the API, the client and
/// the tool on. Everything is made through the services the API uses, acting as the bootstrap admin, so
/// every rule (kinds, reach, audit, password policy) applies. Secrets go to a file readable by its owner
/// only, never to the console or the log.
/// </summary>
public sealed class DemoSeed(
    Database db, TenantStore tenantStore, ClientStore clientStore, CallerResolver callers, TenantService tenants,
    ClientService clients, UserService users, UsageService usage, TimeProvider clock)
{
    public const string CredentialsFileName = "demo-credentials.json";

    private static readonly JsonSerializerOptions FileJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Fills the store; returns the process exit code (1 when the store is not empty).</summary>
    public async Task<int> RunAsync(TextWriter output, CancellationToken ct = default)
    {
        var root = await tenantStore.GetRootAsync(ct) ?? throw new InvalidOperationException("The store has no root tenant.");
        await using (var c = await db.OpenAsync(ct))
        {
            var others = await c.ExecuteScalarAsync<long>("SELECT (SELECT COUNT(*) FROM tenants) - 1 + (SELECT COUNT(*) FROM users)");
            if (others > 0)
            {
                await output.WriteLineAsync(
                    "The store is not empty: it holds tenants or users besides the root. `demo` only fills an empty store; " +
                    "point Tenancy:Storage:ConnectionString at a new database (or a new data directory) and run it again.");
                return 1;
            }
        }

        var bootstrap = (await clientStore.ByTenantAsync(root.Seq, ct)).OrderBy(x => x.CreatedAt).First();
        var caller = (await callers.ResolveClientAsync(bootstrap.Id, ct)).Value with { RequestId = "demo" };
        var seed = new Seeding(new Services(tenants, clients, users, usage, clock), caller, ct);
        foreach (var partner in DemoTree.Partners)
        {
            await seed.PartnerAsync(root.Id, partner);
        }

        var path = await WriteCredentialsAsync(seed, ct);
        await output.WriteLineAsync(
            $"Demo data created: {seed.Count("partner")} partners, {seed.Count("folder")} folders, {seed.Count("customer")} customers, " +
            $"{seed.Count("unit")} units, {seed.Users.Count} users, {seed.Clients.Count} API clients, {seed.Subscriptions} subscriptions " +
            $"with {seed.Samples} usage samples.");
        await output.WriteLineAsync($"Their credentials are in {path} (readable by its owner only). To sign in as the first partner's API client:");
        await output.WriteLineAsync(
            $"  jq -r '.clients[0].client_secret' {path} | tenancy login --url http://127.0.0.1:5080 --client-id {seed.Clients[0].ClientId} --secret-stdin");
        return 0;
    }

    private async Task<string> WriteCredentialsAsync(Seeding seed, CancellationToken ct)
    {
        Directory.CreateDirectory(db.DataDirectory);
        var path = Path.Combine(db.DataDirectory, CredentialsFileName);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        File.Delete(path);
        await using var file = new FileStream(path, options);
        await JsonSerializer.SerializeAsync(file, new { clients = seed.Clients, users = seed.Users }, FileJson, ct);
        return path;
    }

    /// <summary>One run's steps and what they made.</summary>
    private sealed class Seeding(Services s, Caller caller, CancellationToken ct)
    {
        private readonly Dictionary<string, int> _kinds = [];

        public List<DemoClient> Clients { get; } = [];

        public List<DemoUser> Users { get; } = [];

        public int Subscriptions { get; private set; }

        public int Samples { get; private set; }

        public int Count(string kind) => _kinds.GetValueOrDefault(kind);

        public async Task PartnerAsync(string rootId, DemoTree.Node partner)
        {
            var id = await TenantAsync(rootId, partner);
            var created = Value(await s.Clients.CreateAsync(caller,
                new NewClient(id, "api_client", "client_secret_basic", $$"""{"client_name":"{{partner.Name}} automation"}"""), ct));
            Clients.Add(new DemoClient(partner.Name, id, created.Client.Id, created.Secret));
            await UserAsync(id, partner.Admin!, Roles.Admin);
            await ChildrenAsync(id, partner);
        }

        private async Task ChildrenAsync(string parentId, DemoTree.Node node)
        {
            foreach (var child in node.Children)
            {
                var id = await TenantAsync(parentId, child);
                if (child.Kind == TenantKinds.Customer)
                {
                    await CustomerAsync(id, child);
                }

                await ChildrenAsync(id, child);
            }
        }

        private async Task CustomerAsync(string id, DemoTree.Node customer)
        {
            if (customer.Admin is { } login)
            {
                await UserAsync(id, login, Roles.Admin);
            }

            // One subscription with a commitment, and a consumed value at the start of each of the last three months.
            var number = $"A-S{10001 + Subscriptions:D8}";
            Value(await s.Usage.CreateSubscriptionAsync(caller, id, number, ct));
            Subscriptions++;
            Value(await s.Usage.CommitAsync(caller, number, "standard", customer.Committed, null, ct));
            var now = s.Clock.GetUtcNow();
            var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            var samples = Enumerable.Range(0, 3).Select(i => (Result<Sample>)new Sample(
                id, number, "standard", Math.Round(customer.Committed * (0.7 + 0.2 * i), 1), month.AddMonths(i - 2).AddHours(1).ToUnixTimeMilliseconds() * 1000)).ToList();
            var outcome = await s.Usage.IngestAsync(caller, samples, ct);
            Samples += samples.Count;
            _ = outcome;
        }

        private async Task<string> TenantAsync(string parentId, DemoTree.Node node)
        {
            var view = Value(await s.Tenants.CreateAsync(caller, new NewTenant
            {
                Name = node.Name,
                Kind = node.Kind,
                ParentId = parentId,
                Description = node.Description,
                Contact = node.Admin is null ? null : new Contact { Email = $"{node.Admin}@example.com", Types = [] },
            }, ct));
            _kinds[node.Kind] = Count(node.Kind) + 1;
            return view.Tenant.Id;
        }

        private async Task UserAsync(string tenantId, string login, string role)
        {
            var user = Value(await s.Users.CreateAsync(caller,
                new NewUser(tenantId, login, new Contact { Email = $"{login}@example.com", Types = [] }, true, role, "en", null, []), ct));
            var password = "Demo-" + Passwords.NewSecret()[..20];
            Value(await s.Users.SetPasswordAsync(caller, user.Id, password, ct));
            Users.Add(new DemoUser(login, tenantId, role, password));
        }

        private static T Value<T>(Result<T> result) =>
            result.IsOk ? result.Value : throw new InvalidOperationException($"The demo seed was refused: {result.Error}");
    }

    private sealed record Services(TenantService Tenants, ClientService Clients, UserService Users, UsageService Usage, TimeProvider Clock);

    private sealed record DemoClient(string Tenant, string TenantId, string ClientId, string ClientSecret);

    private sealed record DemoUser(string Login, string TenantId, string Role, string Password);
}

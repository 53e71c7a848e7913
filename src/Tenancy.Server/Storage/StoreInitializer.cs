using System.Text.Json;
using Microsoft.Extensions.Options;
using Tenancy.Server.Clients;
using Tenancy.Server.Users;

namespace Tenancy.Server.Storage;

/// <summary>
/// Runs before the server takes requests: applies migrations and, on an empty store, creates the root
/// tenant and an admin API client in it.
/// </summary>
public sealed class StoreInitializer(
    Database db, TenantStore tenants, ClientStore clients, SigningKeys keys, TimeProvider clock, Passwords passwords,
    IOptions<BootstrapOptions> bootstrap, ILogger<StoreInitializer> log)
{
    public const string CredentialsFileName = "bootstrap-credentials.json";

    /// <summary>Key of the PostgreSQL advisory lock that serializes start-up across instances.</summary>
    private const long StartupLock = 0x54656e616e6379;

    /// <summary>Migrates the store and, unless <paramref name="migrateOnly"/>, makes the root on an empty one.</summary>
    public async Task InitializeAsync(bool migrateOnly = false, CancellationToken ct = default)
    {
        if (db.Provider == StorageProvider.Sqlite)
        {
            Directory.CreateDirectory(db.DataDirectory);
        }

        await using var c = await db.OpenAsync(ct);
        if (db.Provider == StorageProvider.Sqlite)
        {
            // Write-ahead logging lets readers proceed while a writer commits; the mode persists in the file.
            await c.ExecuteAsync("PRAGMA journal_mode=WAL;");
        }
        else
        {
            // Instances starting together on one database take turns: one migrates and bootstraps, the
            // others then find the work done.
            await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@StartupLock)", new { StartupLock }, cancellationToken: ct));
        }

        try
        {
            var pending = Migrator.Pending(db);
            Migrator.Apply(db);
            if (pending.Count > 0)
            {
                log.LogInformation("Applied migrations: {Migrations}", string.Join(", ", pending));
            }

            if (!migrateOnly && await tenants.GetRootAsync(ct) is null)
            {
                await CreateRootAsync(ct);
            }
        }
        finally
        {
            if (db.Provider == StorageProvider.Postgres)
            {
                await c.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_unlock(@StartupLock)", new { StartupLock }, cancellationToken: ct));
            }
        }

        if (!migrateOnly)
        {
            await keys.CurrentAsync(ct);
        }
    }

    private async Task CreateRootAsync(CancellationToken ct)
    {
        var configured = bootstrap.Value;
        // An empty value (an environment variable set to "") means "not configured", as for the secret.
        var clientId = string.IsNullOrWhiteSpace(configured.ClientId) ? null : configured.ClientId;
        if (clientId is not null && Ids.Normalize(clientId) is null)
        {
            throw new InvalidOperationException("Tenancy:Bootstrap:ClientId must be a UUID.");
        }

        var now = clock.NowMicros();
        var rootId = Ids.New();
        var root = await tenants.InsertAsync(new Tenant
        {
            Id = rootId,
            ParentId = rootId,
            Path = "",
            Level = 0,
            Kind = TenantKinds.Root,
            Name = "Root",
            Enabled = true,
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
            BrandUuid = Ids.New(),
            DefaultIdpId = Ids.New(),
        }, parent: null, ct: ct);

        var generated = string.IsNullOrEmpty(configured.ClientSecret);
        var secret = generated ? Passwords.NewSecret() : configured.ClientSecret!;
        var client = new ApiClient
        {
            Id = Ids.Normalize(clientId) ?? Ids.New(),
            TenantSeq = root.Seq,
            TenantId = root.Id,
            Data = """{"client_name":"bootstrap admin"}""",
            SecretHash = generated ? Passwords.HashGenerated(secret) : passwords.Hash(secret),
            CreatedAt = now,
            CreatedBy = "bootstrap",
        };
        await clients.InsertAsync(client, ct: ct);
        log.LogInformation("Created the root tenant {RootId} and its admin API client {ClientId}.", root.Id, client.Id);

        if (generated || clientId is null)
        {
            Directory.CreateDirectory(db.DataDirectory);
            var path = Path.Combine(db.DataDirectory, CredentialsFileName);
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(path, options))
            {
                await JsonSerializer.SerializeAsync(file, new Dictionary<string, string>
                {
                    ["client_id"] = client.Id,
                    ["client_secret"] = generated ? secret : "(as configured in Tenancy:Bootstrap:ClientSecret)",
                    ["tenant_id"] = root.Id,
                }, cancellationToken: ct);
            }

            log.LogWarning("Bootstrap API client credentials were written to {Path} (readable by its owner only).", path);
        }
    }
}

using Tenancy.Server.Storage;
using Tenancy.Tests.Users;

namespace Tenancy.Tests.Caching;

/// <summary>
/// The hot-path cache never answers with what a change made before the request undid: each test warms an
/// entry (answered from memory at least once), makes one change through the API, and the very next request
/// on the same instance sees it.
/// </summary>
public abstract class InvalidationTests(StorageProvider provider) : ServerTests(provider)
{
    private static string TenantPath(string id) => $"/api/2/tenants/{id}";

    [Fact]
    public async Task SuspendingTheCallersAncestor_LocksItOutAtOnce_AndReactivatingLetsItIn()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var path = TenantPath(tree.CustomerId);
        await tree.CustomerAdmin.WarmAsync(path);

        await root.SetEnabledAsync(tree.PartnerId, false);
        Assert.Contains(tree.PartnerId, await tree.CustomerAdmin.LockedOutAsync(path), StringComparison.Ordinal);
        await tree.CustomerAdmin.ExpectLockedOutAsync(path);

        await root.SetEnabledAsync(tree.PartnerId, true);
        var back = await tree.CustomerAdmin.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tree.CustomerId, back.Str("id"));
    }

    [Fact]
    public async Task SoftDeletionAndRestore_AreSeenAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var path = TenantPath(tree.UnitId);
        Assert.True((await tree.CustomerAdmin.WarmAsync(path)).Bool("enabled"));

        var disabled = await root.SetEnabledAsync(tree.UnitId, false);
        Assert.False((await tree.CustomerAdmin.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Bool("enabled"));
        await tree.CustomerAdmin.WarmAsync(path);
        await root.DeleteAsync($"{path}?version={disabled.Long("version")}").ExpectAsync(HttpStatusCode.NoContent);
        await tree.CustomerAdmin.GetAsync(path).ExpectErrorAsync(HttpStatusCode.NotFound, 1005);

        await root.PostJsonAsync($"{path}/restore", new { }).ExpectAsync(HttpStatusCode.NoContent);
        var restored = await tree.CustomerAdmin.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tree.UnitId, restored.Str("id"));
    }

    [Fact]
    public async Task RenamingAndMoving_AreSeenAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var path = TenantPath(tree.UnitId);
        await tree.CustomerAdmin.WarmAsync(path);

        await root.ChangeTenantAsync(tree.UnitId, version => new { name = "renamed unit", version });
        Assert.Equal("renamed unit", (await tree.CustomerAdmin.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Str("name"));

        await tree.CustomerAdmin.WarmAsync(path);
        var other = await root.BuildSubtreeAsync();
        await other.CustomerAdmin.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await root.ChangeTenantAsync(tree.UnitId, version => new { parent_id = other.CustomerId, version });

        await tree.CustomerAdmin.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        var moved = await other.CustomerAdmin.GetAsync(path).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(other.CustomerId, moved.Str("parent_id"));
    }

    [Fact]
    public async Task ClosingAncestralAccess_IsSeenAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var path = TenantPath(tree.CustomerId);
        await root.WarmAsync(path);

        await tree.CustomerAdmin.ChangeTenantAsync(tree.CustomerId, version => new { ancestral_access = false, version });

        await root.GetAsync(path).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        Assert.False((await tree.CustomerAdmin.GetAsync(path).ExpectAsync(HttpStatusCode.OK)).Bool("ancestral_access"));
    }

    [Fact]
    public async Task DisablingAClient_LocksItsTokenOutAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        using var client = await root.CreateClientAndLoginAsync(tree.UnitId);
        await client.WarmAsync(TenantPath(tree.UnitId));

        await root.PutJsonAsync($"/api/2/clients/{client.ClientId}", new { status = "disabled" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("disabled", await client.LockedOutAsync(TenantPath(tree.UnitId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResettingAClientsSecret_LocksItsTokenOutAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        using var client = await root.CreateClientAndLoginAsync(tree.UnitId);
        await client.WarmAsync(TenantPath(tree.UnitId));

        await root.PostJsonAsync($"/api/2/clients/{client.ClientId}/secret", new { }).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("request a new token", await client.LockedOutAsync(TenantPath(tree.UnitId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingAClient_LocksItsTokenOutAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        using var client = await root.CreateClientAndLoginAsync(tree.UnitId);
        await client.WarmAsync(TenantPath(tree.UnitId));

        await root.DeleteAsync($"/api/2/clients/{client.ClientId}").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Contains("no longer exists", await client.LockedOutAsync(TenantPath(tree.UnitId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisablingAUser_LocksItsTokenOutAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);
        await session.WarmAsync(TenantPath(tree.CustomerId));

        await root.SetUserEnabledAsync(user.Str("id"), false);

        Assert.Contains("disabled", await session.LockedOutAsync(TenantPath(tree.CustomerId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingAUsersPassword_LocksItsTokenOutAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var (user, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);
        await session.WarmAsync(TenantPath(tree.CustomerId));

        await root.SetPasswordAsync(user.Str("id"), "Another-Horse-43").ExpectAsync(HttpStatusCode.NoContent);

        Assert.Contains("request a new token", await session.LockedOutAsync(TenantPath(tree.CustomerId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokingAToken_LocksItOutAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var (_, session) = await root.CreateUserAndLoginAsync(tree.CustomerId);
        await session.WarmAsync(TenantPath(tree.CustomerId));

        await Server.RevokeAsync(session.Token());

        Assert.Contains("revoked", await session.LockedOutAsync(TenantPath(tree.CustomerId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrantingAndRemovingARole_AppliesToTheTokenAtOnce()
    {
        var (root, tree) = await Server.RootWithSubtreeAsync();
        var partner = TenantPath(tree.PartnerId);
        var (userId, session) = await root.UserHoldingAsync(tree.PartnerId, (tree.CustomerId, "company_admin"));
        await session.WarmAsync(TenantPath(tree.CustomerId));
        await session.GetAsync(partner).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);

        await root.PutGrantsAsync(userId, (tree.CustomerId, "company_admin"), (tree.PartnerId, "partner_admin")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tree.PartnerId, (await session.GetAsync(partner).ExpectAsync(HttpStatusCode.OK)).Str("id"));
        await session.WarmAsync(partner);

        await root.PutGrantsAsync(userId, (tree.CustomerId, "company_admin")).ExpectAsync(HttpStatusCode.OK);
        await session.GetAsync(partner).ExpectErrorAsync(HttpStatusCode.Forbidden, 1002);
        await session.GetAsync(TenantPath(tree.CustomerId)).ExpectAsync(HttpStatusCode.OK);
    }
}

public sealed class InvalidationTestsSqlite() : InvalidationTests(StorageProvider.Sqlite);

public sealed class InvalidationTestsPostgres() : InvalidationTests(StorageProvider.Postgres);

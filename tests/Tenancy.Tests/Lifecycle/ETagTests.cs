using System.Net.Http.Headers;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Lifecycle;

/// <summary>ETag on reads of tenants, users and API clients; If-Match on their writes (412 when stale); If-None-Match on GET (304).</summary>
public abstract class ETagTests(StorageProvider provider) : ServerTests(provider)
{
    private static async Task<HttpResponseMessage> SendAsync(Api api, HttpMethod method, string path, object? body = null, string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Api.Json(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        return await api.Http.SendAsync(request);
    }

    private static async Task<string> ETagOfAsync(Api api, string path)
    {
        using var response = await api.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.ETag!.ToString();
    }

    [Fact]
    public async Task Tenant_ETagIsItsVersion_IfNoneMatchGives304_IfMatchReplacesTheBodyVersion_AndAStaleOneIs412()
    {
        var (root, customer) = await Server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var path = $"/api/2/tenants/{id}";

        var etag = await ETagOfAsync(root, path);
        using var notModified = await SendAsync(root, HttpMethod.Get, path, ifNoneMatch: etag);
        using var modified = await SendAsync(root, HttpMethod.Get, path, ifNoneMatch: "\"999\"");
        var renamed = await SendAsync(root, HttpMethod.Put, path, new { name = "Renamed by If-Match" }, ifMatch: etag).ExpectAsync(HttpStatusCode.OK);
        var stale = await SendAsync(root, HttpMethod.Put, path, new { name = "Stale" }, ifMatch: etag).ExpectErrorAsync(HttpStatusCode.PreconditionFailed, 412);
        var staleBody = await root.PutTenantAsync(id, new { name = "Stale", version = customer.Long("version") }).ExpectErrorAsync(HttpStatusCode.Conflict, 1001);
        var disagree = await SendAsync(root, HttpMethod.Put, path, new { name = "Both", version = renamed.Long("version") }, ifMatch: etag)
            .ExpectErrorAsync(HttpStatusCode.BadRequest, 400);

        Assert.Equal($"\"{customer.Long("version")}\"", etag);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        Assert.Equal("Renamed by If-Match", renamed.Str("name"));
        Assert.Equal(renamed.Long("version"), stale.GetProperty("context").Long("current_version"));
        Assert.Equal(renamed.Long("version"), staleBody.GetProperty("context").Long("current_version"));
        Assert.Equal("If-Match", disagree.GetProperty("context").Str("field"));
        Assert.Equal($"\"{renamed.Long("version")}\"", await ETagOfAsync(root, path));
        Assert.Equal("Renamed by If-Match", (await root.GetTenantAsync(id)).Str("name"));
    }

    [Fact]
    public async Task TenantDelete_TakesIfMatchInPlaceOfTheVersionQuery()
    {
        var (root, customer) = await Server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var disabled = await root.SetEnabledAsync(id, false);

        await SendAsync(root, HttpMethod.Delete, $"/api/2/tenants/{id}", ifMatch: $"\"{disabled.Long("version") - 1}\"").ExpectErrorAsync(HttpStatusCode.PreconditionFailed, 412);
        await root.GetTenantAsync(id);
        await SendAsync(root, HttpMethod.Delete, $"/api/2/tenants/{id}", ifMatch: $"\"{disabled.Long("version")}\"").ExpectAsync(HttpStatusCode.NoContent);

        await root.GetAsync($"/api/2/tenants/{id}").ExpectErrorAsync(HttpStatusCode.NotFound, 1005);
    }

    [Fact]
    public async Task UserAndClient_AnswerETags_AndRefuseAStaleIfMatchWith412()
    {
        var (root, customer) = await Server.RootWithCustomerAsync();
        var user = await root.CreateUserAsync(customer.Str("id"));
        var client = await root.CreateClientAsync(customer.Str("id"));
        var userPath = $"/api/2/users/{user.Str("id")}";
        var clientPath = $"/api/2/clients/{client.Str("client_id")}";

        var userTag = await ETagOfAsync(root, userPath);
        var clientTag = await ETagOfAsync(root, clientPath);
        using var userNotModified = await SendAsync(root, HttpMethod.Get, userPath, ifNoneMatch: userTag);
        using var clientNotModified = await SendAsync(root, HttpMethod.Get, clientPath, ifNoneMatch: clientTag);
        await SendAsync(root, HttpMethod.Put, userPath, new { language = "de" }, ifMatch: userTag).ExpectAsync(HttpStatusCode.OK);
        await SendAsync(root, HttpMethod.Put, userPath, new { language = "fr" }, ifMatch: userTag).ExpectErrorAsync(HttpStatusCode.PreconditionFailed, 412);
        await SendAsync(root, HttpMethod.Put, clientPath, new { status = "disabled" }, ifMatch: clientTag).ExpectAsync(HttpStatusCode.OK);
        await SendAsync(root, HttpMethod.Put, clientPath, new { status = "enabled" }, ifMatch: clientTag).ExpectErrorAsync(HttpStatusCode.PreconditionFailed, 412);
        await SendAsync(root, HttpMethod.Delete, clientPath, ifMatch: clientTag).ExpectErrorAsync(HttpStatusCode.PreconditionFailed, 412);

        Assert.Equal($"\"{user.Long("version")}\"", userTag);
        Assert.Equal("\"1\"", clientTag);
        Assert.Equal((HttpStatusCode.NotModified, HttpStatusCode.NotModified), (userNotModified.StatusCode, clientNotModified.StatusCode));
        Assert.Equal("de", (await root.GetAsync(userPath).ExpectAsync(HttpStatusCode.OK)).Str("language"));
        Assert.Equal("disabled", (await root.GetAsync(clientPath).ExpectAsync(HttpStatusCode.OK)).Str("status"));
        Assert.Equal("\"2\"", await ETagOfAsync(root, clientPath));
        Assert.False((await root.GetAsync(clientPath).ExpectAsync(HttpStatusCode.OK)).TryGetProperty("version", out _));
        await SendAsync(root, HttpMethod.Delete, clientPath, ifMatch: "\"2\"").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Nse_AnswersTheTenantsETag_AndAStaleIfMatchIs412InItsEnvelope()
    {
        var (root, customer) = await Server.RootWithCustomerAsync();
        var id = customer.Str("id");
        var path = $"/api/v2.1/tenants/{id}";
        var code = "e_" + Guid.NewGuid().ToString("N")[..10];

        var etag = await ETagOfAsync(root, path);
        using var notModified = await SendAsync(root, HttpMethod.Get, path, ifNoneMatch: etag);
        var renamed = await SendAsync(root, HttpMethod.Put, path, new { code, name = "Renamed" }, ifMatch: etag).ExpectAsync(HttpStatusCode.OK);
        var stale = await SendAsync(root, HttpMethod.Put, path, new { code, name = "Stale" }, ifMatch: etag).ExpectAsync(HttpStatusCode.PreconditionFailed);
        var staleDelete = await SendAsync(root, HttpMethod.Delete, path, ifMatch: etag).ExpectAsync(HttpStatusCode.PreconditionFailed);

        Assert.Equal(await ETagOfAsync(root, $"/api/2/tenants/{id}"), await ETagOfAsync(root, path));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("Renamed", renamed.GetProperty("result").GetProperty("records")[0].Str("name"));
        Assert.Equal(412, stale.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal(412, staleDelete.GetProperty("status").GetProperty("code").GetInt32());
        Assert.Equal("Renamed", (await root.GetTenantAsync(id)).Str("name"));
        Assert.Equal(new EntityTagHeaderValue($"\"{customer.Long("version") + 1}\""), EntityTagHeaderValue.Parse(await ETagOfAsync(root, path)));
    }
}

public sealed class ETagTestsSqlite() : ETagTests(StorageProvider.Sqlite);

public sealed class ETagTestsPostgres() : ETagTests(StorageProvider.Postgres);

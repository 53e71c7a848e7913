using Tenancy.Server.Storage;

namespace Tenancy.Tests.Lifecycle;

/// <summary>Idempotency-Key on writes: a retry gets the first answer, concurrent duplicates run once, another request is 422, keys survive a restart.</summary>
public abstract class IdempotencyTests(StorageProvider provider) : ServerTests(provider)
{
    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(Api api, string path, object body, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Api.Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        var response = await api.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static async Task<int> ChildrenNamedAsync(Api api, string parentId, string name) =>
        (await api.GetAsync($"/api/2/tenants?parent_id={parentId}").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Count(t => t.Str("name") == name);

    [Fact]
    public async Task ARetriedPost_GetsTheFirstAnswer_AndCreatesOneTenant()
    {
        var root = await Server.RootAsync();
        var parent = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Once " + key, kind = "customer", parent_id = parent };

        var first = await PostAsync(root, "/api/2/tenants", body, key);
        var second = await PostAsync(root, "/api/2/tenants", body, key);
        var other = await PostAsync(root, "/api/2/tenants", new { name = "Other", kind = "customer", parent_id = parent }, key);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.Status, second.Status));
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(first.Response.Headers.Location, second.Response.Headers.Location);
        Assert.Equal(first.Response.Headers.ETag, second.Response.Headers.ETag);
        Assert.Equal("true", second.Response.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal(422, JsonDocument.Parse(other.Body).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(1, await ChildrenNamedAsync(root, parent, body.name));
        Assert.Equal(0, await ChildrenNamedAsync(root, parent, "Other"));
    }

    [Fact]
    public async Task EightConcurrentPostsWithOneKey_CreateOneTenant()
    {
        var root = await Server.RootAsync();
        var parent = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var key = Guid.NewGuid().ToString();
        var body = new { name = "Concurrent " + key, kind = "customer", parent_id = parent };

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(root, "/api/2/tenants", body, key)));

        var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
        Assert.NotEmpty(created);
        Assert.Single(created.Select(a => JsonDocument.Parse(a.Body).RootElement.Str("id")).Distinct());
        // A duplicate waits for the first answer; one that waited too long is told the key is in progress.
        Assert.All(answers.Where(a => a.Status != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.Conflict, a.Status));
        Assert.Equal(1, await ChildrenNamedAsync(root, parent, body.name));
    }

    [Fact]
    public async Task NseDeleteAndClientCreation_RunOnce_AndTheClientsSecretIsNotReplayed()
    {
        var root = await Server.RootAsync();
        var parent = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
        var victim = (await root.CreateTenantAsync(parent, "customer")).Str("id");
        var key = Guid.NewGuid().ToString();
        var clientBody = new { type = "api_client", tenant_id = parent, token_endpoint_auth_method = "client_secret_basic", data = new { client_name = "once" } };

        var client = await PostAsync(root, "/api/2/clients", clientBody, key);
        var clientAgain = await PostAsync(root, "/api/2/clients", clientBody, key);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v2.1/tenants/{victim}");
        delete.Headers.Add("Idempotency-Key", key);
        using var deleted = await root.Http.SendAsync(delete, TestContext.Current.CancellationToken);
        using var deleteAgain = new HttpRequestMessage(HttpMethod.Delete, $"/api/v2.1/tenants/{victim}");
        deleteAgain.Headers.Add("Idempotency-Key", key);
        using var deletedAgain = await root.Http.SendAsync(deleteAgain, TestContext.Current.CancellationToken);

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Conflict), (client.Status, clientAgain.Status));
        var id = JsonDocument.Parse(client.Body).RootElement.Str("client_id");
        Assert.Equal(client.Response.Headers.Location, clientAgain.Response.Headers.Location);
        Assert.Contains(id, clientAgain.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(JsonDocument.Parse(client.Body).RootElement.Str("client_secret"), clientAgain.Body, StringComparison.Ordinal);
        var clients = await root.GetAsync($"/api/2/clients?tenant_id={parent}").ExpectAsync(HttpStatusCode.OK);
        Assert.Single(clients.GetProperty("items").EnumerateArray());
        Assert.Equal((HttpStatusCode.NoContent, HttpStatusCode.NoContent), (deleted.StatusCode, deletedAgain.StatusCode));
        Assert.Equal("true", deletedAgain.Headers.GetValues("Idempotent-Replayed").Single());
        await using var connection = await Server.OpenStoreAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM idempotency_keys WHERE body IS NOT NULL AND path = '/api/2/clients'";
        Assert.Equal(0L, Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AKey_SurvivesARestart()
    {
        await using var store = TestStore.Create(Provider);
        var key = Guid.NewGuid().ToString();
        string parent, token, firstBody;
        object body;
        await using (var first = TenancyServer.Start(store))
        {
            var root = await first.RootAsync();
            parent = (await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner")).Str("id");
            body = new { name = "Restart " + key, kind = "customer", parent_id = parent };
            var created = await PostAsync(root, "/api/2/tenants", body, key);
            Assert.Equal(HttpStatusCode.Created, created.Status);
            firstBody = created.Body;
            token = root.Http.DefaultRequestHeaders.Authorization!.Parameter!;
        }

        await using var second = TenancyServer.Start(store);
        using var http = second.WithBearer(token);
        var again = await PostAsync(new Api(second, http, TenancyServer.RootClientId, ""), "/api/2/tenants", body, key);

        Assert.Equal((HttpStatusCode.Created, firstBody), (again.Status, again.Body));
        Assert.Equal(1, await ChildrenNamedAsync(await second.RootAsync(), parent, "Restart " + key));
    }
}

public sealed class IdempotencyTestsSqlite() : IdempotencyTests(StorageProvider.Sqlite);

public sealed class IdempotencyTestsPostgres() : IdempotencyTests(StorageProvider.Postgres);

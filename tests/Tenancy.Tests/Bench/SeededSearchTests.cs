using Dapper;
using Tenancy.Bench;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Bench;

/// <summary>
/// The bench seeder fills the search index in one statement after the load, with the store's search
/// triggers taken out meanwhile (SearchFill). A seeded store must answer GET /api/2/search exactly as
/// one whose index the triggers wrote, as they do for every tenant the API writes, and keep answering
/// after API writes (the triggers are back).
/// </summary>
public abstract class SeededSearchTests(StorageProvider provider)
{
    [Fact]
    public async Task ASeededStore_AnswersSearch_AsTheTriggersOfTheApiWritesWouldHaveFilledIt()
    {
        await using var store = TestStore.Create(provider);
        var seedDir = Path.Combine(store.DataDirectory, "seed");
        await new Seeder(provider == StorageProvider.Postgres ? "postgres" : "sqlite", store.ConnectionString, 10_000, 1, seedDir).RunAsync();
        var seed = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(seedDir, "seed.json"), TestContext.Current.CancellationToken)).RootElement;
        await using var server = TenancyServer.Start(store);
        var root = await server.LoginAsync(seed.Str("root_client_id"), seed.Str("root_client_secret"));
        var rootId = await root.OwnTenantIdAsync();
        var name = (await root.GetAsync($"/api/2/tenants?subtree_root_id={seed.Str("big_partner_id")}&limit=100").ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().First(i => i.Str("kind") == "customer").Str("name");
        // exact, prefix, substring (trigram), and a text shared by thousands of names.
        string[] texts = [name, name[..^2], name[^7..], "unit"];

        async Task<List<string>> AnswersAsync()
        {
            var answers = new List<string>();
            foreach (var text in texts)
            {
                var body = await root.GetAsync($"/api/2/search?tenant={rootId}&text={Uri.EscapeDataString(text)}&limit=50").ExpectAsync(HttpStatusCode.OK);
                Spec.AssertValid("global_search", body);
                answers.Add(string.Join(",", body.GetProperty("items").EnumerateArray().Select(i => i.Str("id"))));
            }

            return answers;
        }

        async Task<List<string>> TermsAsync()
        {
            await using var c = await server.OpenStoreAsync();
            return [.. await c.QueryAsync<string>("SELECT obj_type || ' ' || obj_id || ' ' || tenant_seq || ' ' || term FROM search_terms ORDER BY 1")];
        }

        var seeded = await AnswersAsync();
        var seededTerms = await TermsAsync();
        Assert.All(seeded, answer => Assert.NotEqual("", answer));
        Assert.Equal(10_000, seededTerms.Count(t => t.StartsWith("tenant ", StringComparison.Ordinal)));

        // Every tenant rewritten by the trigger an API rename fires: the index is then what the API writes.
        await using (var c = await server.OpenStoreAsync())
        {
            await c.ExecuteAsync("UPDATE tenants SET name = name");
        }

        Assert.Equal(seededTerms, await TermsAsync());
        Assert.Equal(seeded, await AnswersAsync());

        // The triggers are back: a rename through the API is found at once.
        var renamed = seed.Str("leaf_id");
        var version = (await root.GetTenantAsync(renamed)).Long("version");
        await root.PutTenantAsync(renamed, new { name = "Seeded Then Renamed", version }).ExpectAsync(HttpStatusCode.OK);
        var found = await root.GetAsync($"/api/2/search?tenant={rootId}&text={Uri.EscapeDataString("then renamed")}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(renamed, Assert.Single(found.GetProperty("items").EnumerateArray()).Str("id"));
    }
}

public sealed class SeededSearchTestsSqlite() : SeededSearchTests(StorageProvider.Sqlite);

public sealed class SeededSearchTestsPostgres() : SeededSearchTests(StorageProvider.Postgres);

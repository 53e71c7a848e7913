using Microsoft.Data.Sqlite;

namespace Tenancy.Tests.Storage;

/// <summary>
/// SQLite: commits go to the write-ahead log and the server copies them into the database file by itself
/// shortly after (write connections do not checkpoint at commit; the write gate does it outside their turn).
/// </summary>
public sealed class CheckpointTests
{
    [Fact]
    public async Task AWrite_ReachesTheDatabaseFile_WithoutTheLog()
    {
        await using var server = TenancyServer.Start();
        var root = await server.RootAsync();
        var partner = await root.CreateTenantAsync(await root.OwnTenantIdAsync(), "partner");
        var name = $"checkpointed {Guid.NewGuid():N}";
        await root.PutJsonAsync($"/api/2/tenants/{partner.Str("id")}", new { name, version = partner.Long("version") })
            .ExpectAsync(HttpStatusCode.OK);

        // The database file alone (a copy without its -wal file) holds the rename once a checkpoint ran.
        var file = Path.Combine(server.Store.DataDirectory, "tenancy.db");
        var copy = Path.Combine(server.Store.DataDirectory, "copy.db");
        string? found = null;
        for (var attempt = 0; attempt < 300 && found != name; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(100, TestContext.Current.CancellationToken);
            }

            File.Copy(file, copy, overwrite: true);
            found = NameIn(copy, partner.Str("id"));
        }

        Assert.Equal(name, found);
    }

    private static string? NameIn(string path, string id)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM tenants WHERE id = $id";
            command.Parameters.AddWithValue("$id", id);
            return command.ExecuteScalar() as string;
        }
        catch (SqliteException)
        {
            // A copy taken while the checkpoint was writing: try again.
            return null;
        }
    }
}

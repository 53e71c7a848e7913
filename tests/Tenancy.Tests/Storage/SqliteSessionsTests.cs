using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Tenancy.Server.Storage;

namespace Tenancy.Tests.Storage;

/// <summary>
/// SQLite connections are kept open between uses with their prepared statements: each use still sees only its
/// own parameters, transaction and results, and whatever a use leaves behind (an open transaction, the write
/// turn, an unread reader, a failed statement) does not reach the next one.
/// </summary>
public sealed class SqliteSessionsTests : IAsyncLifetime
{
    private TenancyServer _server = null!;

    private Database Db => _server.Services.GetRequiredService<Database>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _server = TenancyServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task OneSqlText_IsKeptOnce_AndEachRunBindsItsOwnParameters()
    {
        await using var c = await Db.OpenAsync(Ct);
        var session = Assert.IsType<SqliteSession>(c);
        const string sql = "SELECT @value || '!'";
        var before = session.KeptStatements;

        Assert.Equal("a!", await c.ExecuteScalarAsync<string>(sql, new { value = "a" }));
        Assert.Equal("b!", await c.ExecuteScalarAsync<string>(sql, new { value = "b" }));

        Assert.Equal(before + 1, session.KeptStatements);
    }

    [Fact]
    public async Task AClosedSession_ComesBackWithoutItsTransaction_AndWithoutTheWriteTurn()
    {
        var id = Guid.NewGuid().ToString();
        await using (var c = await Db.OpenWriteAsync(Ct))
        {
            await c.ExecuteAsync("CREATE TABLE probe (k TEXT PRIMARY KEY)");
        }

        await using (var c = await Db.OpenWriteAsync(Ct))
        {
            var tx = await Database.BeginWriteAsync(c, Ct);
            await c.ExecuteAsync("INSERT INTO probe (k) VALUES (@id)", new { id }, tx);
            Assert.Equal(1, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM probe WHERE k = @id", new { id }, tx));
            // Closed with the transaction open and the turn held.
        }

        // The turn is free again (else this would wait 30 s and fail), the same session comes back and the
        // insert was rolled back.
        await using var again = await Db.OpenWriteAsync(Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await using var tx2 = await Database.BeginWriteAsync(again, Ct);
        Assert.Equal(0, await again.ExecuteScalarAsync<long>("SELECT count(*) FROM probe WHERE k = @id", new { id }, tx2));
    }

    [Fact]
    public async Task AReaderLeftOpen_DoesNotKeepItsSessionBusy_ForTheNextUse()
    {
        const string sql = "SELECT value FROM json_each('[1,2,3]')";
        await using (var c = await Db.OpenAsync(Ct))
        {
            await using var command = c.CreateCommand();
            command.CommandText = sql;
            var reader = await command.ExecuteReaderAsync(Ct);
            Assert.True(await reader.ReadAsync(Ct));
            // Neither read to the end nor disposed before its connection is closed.
        }

        for (var i = 0; i < 3; i++)
        {
            await using var c = await Db.OpenAsync(Ct);
            Assert.Equal([1L, 2L, 3L], (await c.QueryAsync<long>(sql)).ToList());
        }
    }

    [Fact]
    public async Task TwoCommandsWithOneText_OnOneSession_ReadTheirOwnRows()
    {
        const string sql = "SELECT value + @add FROM json_each('[1,2]')";
        await using var c = await Db.OpenAsync(Ct);
        await using var first = c.CreateCommand();
        first.CommandText = sql;
        first.Parameters.Add(new SqliteParameter("@add", 10));
        await using var second = c.CreateCommand();
        second.CommandText = sql;
        second.Parameters.Add(new SqliteParameter("@add", 100));

        await using var a = await first.ExecuteReaderAsync(Ct);
        await using var b = await second.ExecuteReaderAsync(Ct);
        var rows = new List<long>();
        while (await a.ReadAsync(Ct) && await b.ReadAsync(Ct))
        {
            rows.Add(a.GetInt64(0));
            rows.Add(b.GetInt64(0));
        }

        Assert.Equal([11L, 101L, 12L, 102L], rows);
    }

    [Fact]
    public async Task AStatementThatFails_LeavesTheSessionUsable_AndTheNextRunOfItsTextWorks()
    {
        const string sql = "SELECT json(@doc)";
        await using var c = await Db.OpenAsync(Ct);

        await Assert.ThrowsAsync<SqliteException>(() => c.ExecuteScalarAsync<string>(sql, new { doc = "not json" }));

        Assert.Equal("""{"a":1}""", await c.ExecuteScalarAsync<string>(sql, new { doc = """{ "a": 1 }""" }));
    }
}

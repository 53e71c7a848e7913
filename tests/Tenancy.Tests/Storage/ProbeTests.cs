using Tenancy.Server.Storage;
using Tenancy.Tests.Infrastructure;

namespace Tenancy.Tests.Storage;

public abstract class ProbeTests(StorageProvider provider) : ServerTests(provider)
{
    [Fact]
    public async Task Root_IsThere()
    {
        var root = await Server.RootAsync();
        var id = await root.OwnTenantIdAsync();
        Assert.Equal("root", (await root.GetTenantAsync(id)).Str("kind"));
    }
}

public sealed class ProbeTestsSqlite() : ProbeTests(StorageProvider.Sqlite);

public sealed class ProbeTestsPostgres() : ProbeTests(StorageProvider.Postgres);

using System.Data.Common;

namespace Tenancy.Server.Usage;

/// <summary>
/// The usage_current row of a service level within a subscription, read and locked before a write changes it,
/// so the change to the roll-ups (new minus old) is exact while other writers wait (PostgreSQL: FOR UPDATE;
/// SQLite has one writer at a time).
/// </summary>
internal static class CurrentRows
{
    public sealed record Key(string TenantId, string Item, string Subscription);

    public sealed class Row
    {
        public double Value { get; init; }
        public long? ValueAt { get; init; }
        public double Committed { get; init; }
        public long? CommittedFrom { get; init; }
    }

    public const string Match =
        "tenant_id = @TenantId AND application_id = @app AND offering_item = @Item AND subscription = @Subscription";

    /// <summary>The row, locked until the transaction ends; null when there is none yet.</summary>
    public static Task<Row?> LockAsync(Database db, DbConnection c, DbTransaction tx, Key key, CancellationToken ct) =>
        c.QuerySingleOrDefaultAsync<Row?>(new CommandDefinition(
            $"SELECT value, value_at, committed, committed_from FROM usage_current WHERE {Match}" +
            (db.Provider == StorageProvider.Postgres ? " FOR UPDATE" : ""),
            Args(key), tx, cancellationToken: ct));

    /// <summary>Inserts the row; false when a concurrent writer inserted it first (then lock and read it).</summary>
    public static async Task<bool> InsertAsync(
        DbConnection c, DbTransaction tx, Key key, double value, long? valueAt, double committed, long? committedFrom, CancellationToken ct) =>
        await c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO usage_current (tenant_id, application_id, offering_item, subscription, value, value_at, committed, committed_from) " +
            "VALUES (@TenantId, @app, @Item, @Subscription, @value, @valueAt, @committed, @committedFrom) " +
            "ON CONFLICT (tenant_id, application_id, offering_item, subscription) DO NOTHING",
            new { key.TenantId, app = ServiceLevelItems.ApplicationId, key.Item, key.Subscription, value, valueAt, committed, committedFrom },
            tx, cancellationToken: ct)) == 1;

    private static object Args(Key key) => new { key.TenantId, app = ServiceLevelItems.ApplicationId, key.Item, key.Subscription };
}

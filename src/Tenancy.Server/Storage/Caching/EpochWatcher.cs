using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Storage.Caching;

/// <summary>
/// SQLite only: reads the one row of cache_epoch, which triggers (migration 0017) bump in the transaction of
/// every change to cached data, every <see cref="CacheOptions.EpochPollMilliseconds"/> on one dedicated
/// connection, and hands it to <see cref="CacheGenerations"/>. Requests then never touch the store for it: a
/// change made by another process on the same file is seen here within one period; a change made here is seen
/// by the very next request anyway (the local generation). Until the first read, and while reads fail,
/// nothing is served from the cache.
/// </summary>
public sealed class EpochWatcher(Database db, CacheGenerations generations, IOptions<CacheOptions> options, ILogger<EpochWatcher> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (db.Provider != StorageProvider.Sqlite || !options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1, options.Value.EpochPollMilliseconds)));
        SqliteConnection? connection = null;
        SqliteCommand? read = null;
        try
        {
            do
            {
                try
                {
                    if (read is null)
                    {
                        connection = (SqliteConnection)await db.OpenAsync(stoppingToken);
                        read = connection.CreateCommand();
                        read.CommandText = CacheGenerations.EpochSql;
                        read.Prepare();
                    }

                    generations.Observed((long)read.ExecuteScalar()!);
                }
                catch (SqliteException e)
                {
                    // Before the migrations have run, or the file is unreadable: strict until the next read works.
                    if (generations.Trusted)
                    {
                        log.LogWarning("The cache cannot read the store's change epoch ({Error}); reads go to the store until it can.", e.Message);
                    }

                    generations.Deaf();
                    read?.Dispose();
                    read = null;
                    connection?.Dispose();
                    connection = null;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            generations.Deaf();
            read?.Dispose();
            connection?.Dispose();
        }
    }
}

using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Storage.Caching;

/// <summary>Bound from "Tenancy:Cache": how many entries each hot-path cache keeps at most.</summary>
public sealed class CacheOptions
{
    public const string Section = "Tenancy:Cache";

    /// <summary>Off: every read goes to the store (e.g. behind PgBouncer in transaction mode, where LISTEN does not work).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Token holders (per client or user and token id). About 1 KB each.</summary>
    public int Principals { get; set; } = 20_000;

    /// <summary>Tenants with what restricts them on their path. About 2 KB each.</summary>
    public int Tenants { get; set; } = 20_000;

    /// <summary>
    /// SQLite: how often each instance reads the store's change epoch, in milliseconds: the longest a change
    /// made by another process on the same file stays unseen here (changes made here are seen at once).
    /// </summary>
    public int EpochPollMilliseconds { get; set; } = 10;
}

/// <summary>
/// The answers of the two reads every authenticated request makes, kept in memory: the token holder
/// (<see cref="StoredPrincipal"/>) and a tenant with the restricting tenants on its path. They are store
/// answers only: <see cref="Access.AccessPolicy"/> still decides on each request. An entry carries the
/// <see cref="CacheStamp"/> observed before the read that filled it and is used only while the request's
/// stamp is equal, so any change to what it holds (committed here, or on another instance) makes it unused.
/// Bounded by entry count; past it, the least recently used entries go.
/// </summary>
public sealed class HotCache : IDisposable
{
    private readonly MemoryCache _principals;
    private readonly MemoryCache _tenants;
    private long _hits;

    public HotCache(IOptions<CacheOptions> options)
    {
        _principals = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.Principals) });
        _tenants = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.Tenants) });
    }

    public int PrincipalCount => _principals.Count;

    public int TenantCount => _tenants.Count;

    /// <summary>How many lookups were answered from memory since the start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>The holder of a token, as <paramref name="read"/> answers it.</summary>
    public Task<StoredPrincipal?> PrincipalAsync(PrincipalKind kind, string id, string? jti, Func<Task<StoredPrincipal?>> read) =>
        GetOrReadAsync(_principals, new PrincipalKey(kind, id, jti), read);

    /// <summary>A live tenant with the restricting tenants on its path and whether it has children.</summary>
    public Task<TenantWithPath?> TenantAsync(string id, Func<Task<TenantWithPath?>> read) =>
        GetOrReadAsync(_tenants, id, read);

    private Task<T?> GetOrReadAsync<T>(MemoryCache cache, object key, Func<Task<T?>> read)
        where T : class
    {
        if (CacheScope.Current is not { } scope || scope.Stamp is not { } stamp)
        {
            return read();
        }

        if (cache.TryGetValue(key, out Entry<T>? entry) && entry!.Stamp == stamp)
        {
            Interlocked.Increment(ref _hits);
            return Task.FromResult<T?>(entry.Value);
        }

        return ReadAndKeepAsync(cache, key, stamp, read);
    }

    private static async Task<T?> ReadAndKeepAsync<T>(MemoryCache cache, object key, CacheStamp stamp, Func<Task<T?>> read)
        where T : class
    {
        var value = await read();
        if (value is not null)
        {
            cache.Set(key, new Entry<T>(stamp, value), new MemoryCacheEntryOptions { Size = 1 });
        }

        return value;
    }

    public void Dispose()
    {
        _principals.Dispose();
        _tenants.Dispose();
    }

    private sealed record Entry<T>(CacheStamp Stamp, T Value);

    private readonly record struct PrincipalKey(PrincipalKind Kind, string Id, string? Jti);
}

namespace Tenancy.Server.Storage.Caching;

/// <summary>
/// What a cached entry was read under: this instance's generation (bumped after each change it makes) and
/// the store's epoch (bumped by triggers on every change to cached data). An entry is used only while the
/// current stamp is equal to the one observed before the read that filled it.
/// </summary>
public readonly record struct CacheStamp(long Local, long Epoch);

/// <summary>
/// The cache's view of one request. Only safe requests (GET, HEAD) get one; the stamp is read once, on the
/// first cached lookup, so it is observed before any store read the request makes through the cache.
/// Requests that change things, and work outside requests, have none: their reads go to the store.
/// </summary>
public sealed class CacheScope(CacheGenerations generations)
{
    private static readonly AsyncLocal<CacheScope?> CurrentScope = new();

    private CacheStamp? _stamp;
    private bool _read;

    /// <summary>The scope of the current request, or null (no caching).</summary>
    public static CacheScope? Current
    {
        get => CurrentScope.Value;
        set => CurrentScope.Value = value;
    }

    /// <summary>The request's stamp; null while the cache cannot be trusted (then every read is strict).</summary>
    public CacheStamp? Stamp
    {
        get
        {
            if (!_read)
            {
                _stamp = generations.Read();
                _read = true;
            }

            return _stamp;
        }
    }
}

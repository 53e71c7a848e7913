using Microsoft.Extensions.Options;

namespace Tenancy.Server.Storage.Caching;

/// <summary>
/// Endpoint metadata for a frequent write that provably changes nothing the <see cref="HotCache"/> holds (it
/// writes only columns no cache trigger watches), so it need not make this instance's entries unused.
/// </summary>
public sealed class LeavesCacheAlone
{
    public static readonly LeavesCacheAlone Instance = new();

    private LeavesCacheAlone()
    {
    }
}

/// <summary>
/// The one place the hot-path cache meets requests. A safe request (GET, HEAD) gets a <see cref="CacheScope"/>
/// and may be answered from the cache. Any other request reads the store directly and, when its response
/// starts (and again when it ends), bumps this instance's generation: a change is committed before its
/// response is sent, so the very next request on this instance never sees an entry from before it.
/// </summary>
public sealed class CacheMiddleware(RequestDelegate next, CacheGenerations generations, IOptions<CacheOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!options.Value.Enabled)
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
        {
            CacheScope.Current = new CacheScope(generations);
            try
            {
                await next(context);
            }
            finally
            {
                CacheScope.Current = null;
            }

            return;
        }

        CacheScope.Current = null;
        context.Response.OnStarting(() =>
        {
            BumpUnlessExempt(context);
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            BumpUnlessExempt(context);
        }
    }

    private void BumpUnlessExempt(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<LeavesCacheAlone>() is null)
        {
            generations.Bump();
        }
    }
}

public static class CacheSetup
{
    public static IServiceCollection AddHotCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<CacheOptions>(configuration.GetSection(CacheOptions.Section));
        services.AddSingleton<CacheGenerations>();
        services.AddSingleton<HotCache>();
        services.AddHostedService<CacheListener>();
        services.AddHostedService<EpochWatcher>();
        return services;
    }

    /// <summary>Before authentication: the token holder is read through the cache.</summary>
    public static IApplicationBuilder UseHotCache(this IApplicationBuilder app) => app.UseMiddleware<CacheMiddleware>();
}

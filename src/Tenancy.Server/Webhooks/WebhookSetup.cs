using Microsoft.Extensions.Options;

namespace Tenancy.Server.Webhooks;

public static class WebhookSetup
{
    /// <summary>
    /// The webhook services: the HTTP client that reaches receivers (IHttpClientFactory; no proxy, no redirects,
    /// the <see cref="UrlGuard"/> at every connection, <see cref="WebhookOptions.Timeout"/>), the secrets' Data
    /// Protection, the stores and the delivery worker.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WebhookOptions>(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton<UrlGuard>();
        services.AddHttpClient(WebhookSender.ClientName, (sp, http) => http.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<UrlGuard>().ConnectAsync,
                ConnectTimeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.Timeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            });
        WebhookSecrets.AddTo(services, configuration);
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<DeliveryStore>();
        services.AddSingleton<WebhookService>();
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookWorker>();
        return services;
    }
}

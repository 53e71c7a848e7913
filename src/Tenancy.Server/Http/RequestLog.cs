using Microsoft.AspNetCore.HttpLogging;
using Microsoft.Extensions.Configuration.Json;

namespace Tenancy.Server.Http;

/// <summary>
/// A calm default log: one line per request (method, path, status, duration) and the server's own
/// start-up facts. Never headers (Authorization), bodies (secrets, passwords) or query strings.
/// </summary>
public static class RequestLog
{
    public static WebApplicationBuilder AddTenancyLogging(this WebApplicationBuilder builder)
    {
        // `dotnet run` starts in the caller's directory (the store lives there), which is the content
        // root, so the shipped appsettings.json is read from next to the binary, ranked below every
        // source an operator sets (appsettings.json of the content root, environment, command line).
        var shipped = new JsonConfigurationSource { Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"), Optional = true };
        shipped.ResolveFileProvider();
        builder.Configuration.Sources.Insert(0, shipped);

        builder.Services.AddHttpLogging(o =>
        {
            o.CombineLogs = true;
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
        });
        return builder;
    }
}

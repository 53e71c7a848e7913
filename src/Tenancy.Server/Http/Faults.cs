using Microsoft.AspNetCore.Diagnostics;

namespace Tenancy.Server.Http;

/// <summary>The last resort: errors that no handler produced, in the request's dialect, never with a stack trace.</summary>
public static class Faults
{
    public static async Task HandleAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var log = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tenancy.Faults");
        if (exception is not null && Database.IsUnavailable(exception))
        {
            await UnavailableAsync(context, exception);
            return;
        }

        Error error;
        if (exception is not null && Database.IsUnstorableText(exception))
        {
            // Text the store cannot hold (a NUL character in a query parameter or form field): the client's input.
            error = new Invalid("request", "The request contains characters that cannot be stored (NUL).");
        }
        else if (exception is BadHttpRequestException bad)
        {
            error = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new PayloadTooLarge("The request body is too large.")
                : new Invalid("request", "The request could not be read.");
        }
        else
        {
            log.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            error = new Errors.Internal("An internal error occurred.");
        }

        await Dialect.WriteAsync(context, error);
    }

    /// <summary>
    /// The store is unavailable (<see cref="Database.IsUnavailable"/>): 503 with Retry-After in the request's
    /// dialect, one warning in the log (no stack trace: it is not a bug), and the connection pool reset so
    /// the next request finds the current primary.
    /// </summary>
    public static async Task UnavailableAsync(HttpContext context, Exception exception)
    {
        context.RequestServices.GetRequiredService<Database>().Unavailable(exception);
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Tenancy.Faults").LogWarning(
            "Store unavailable on {Method} {Path}: {Reason}", context.Request.Method, context.Request.Path, Reason(exception));
        context.Response.Headers.RetryAfter = "1";
        await Dialect.WriteAsync(context, new Unavailable("The store is unavailable; retry shortly."));
    }

    /// <summary>True for the faults <see cref="HandleAsync"/> answers itself: the middleware need not log them as unhandled.</summary>
    public static bool IsExpected(Exception exception) => Database.IsUnavailable(exception);

    /// <summary>The innermost message: what the driver saw, in one line.</summary>
    private static string Reason(Exception exception) =>
        exception.InnerException is { } inner && exception is not AggregateException ? Reason(inner) : exception.Message;

    /// <summary>Gives body-less error statuses (unknown route, wrong method, failed binding) the dialect's envelope.</summary>
    public static async Task StatusCodeAsync(StatusCodeContext status)
    {
        var context = status.HttpContext;
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            return;
        }

        Error error = context.Response.StatusCode switch
        {
            404 => new NotFound($"No resource at {context.Request.Path}."),
            405 => new MethodNotAllowed($"{context.Request.Method} is not allowed on {context.Request.Path}."),
            413 => new PayloadTooLarge("The request body is too large."),
            414 => new UriTooLong("The request address is too long."),
            415 => new UnsupportedMediaType("The request body must be JSON."),
            429 => new TooManyRequests("Too many requests."),
            >= 500 => new Errors.Internal("An internal error occurred."),
            _ => new Invalid("request", "The request is not valid."),
        };
        await Dialect.WriteAsync(context, error);
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
namespace Tenancy.Server.Http;

/// <summary>
/// The one endpoint filter of a dialect's route groups: a request whose parameters could not be bound
/// (an unreadable or invalid body, a parameter the framework refused) is answered with the dialect's
/// 4xx envelope, and the handler never runs, so bad input changes nothing.
/// </summary>
public static class DialectFilter
{
    private static readonly object BindingErrorKey = new();

    /// <summary>/api/2: errors as {"error": {...}}.</summary>
    public static RouteGroupBuilder SpeaksAcronis(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(new Filter(e => AcronisErrors.ToResult(e)));

    /// <summary>/api/v2.1: errors as {"status": {...}, "result": {}}.</summary>
    public static RouteGroupBuilder SpeaksNse(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(new Filter(e => NseErrors.ToResult(e)));

    public static void SetBindingError(HttpContext context, Error error) => context.Items[BindingErrorKey] = error;

    private sealed class Filter(Func<Error, IResult> toResult) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            if (context.HttpContext.Items[BindingErrorKey] is Error error)
            {
                return toResult(error);
            }

            var result = await next(context);
            // The framework refused a parameter without saying why (it answers 400 with no body).
            return result is EmptyHttpResult && context.HttpContext.Response.StatusCode == StatusCodes.Status400BadRequest
                ? toResult(new Invalid("request", "The request is missing a required parameter or has one that is not valid."))
                : result;
        }
    }
}

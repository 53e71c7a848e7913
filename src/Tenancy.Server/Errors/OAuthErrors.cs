using Microsoft.AspNetCore.Http.HttpResults;
namespace Tenancy.Server.Errors;

/// <summary>
/// Maps core errors raised on the token endpoint outside its handler (limits, faults) to the OAuth error
/// shape of RFC 6749 5.2, with the HTTP status the /api/2 dialect would give.
/// </summary>
public static class OAuthErrors
{
    public static JsonHttpResult<TokenEndpoints.OAuthErrorJson> ToResult(Error error)
    {
        var status = AcronisErrors.ToResult(error).StatusCode ?? StatusCodes.Status500InternalServerError;
        var code = error switch
        {
            TooManyRequests => "slow_down",
            Unavailable => "temporarily_unavailable",
            Unauthenticated => "invalid_client",
            Internal => "server_error",
            _ => "invalid_request",
        };
        return TypedResults.Json(new TokenEndpoints.OAuthErrorJson(code, error.Message), statusCode: status);
    }
}

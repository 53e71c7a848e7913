using Tenancy.Server.Users;

namespace Tenancy.Server.Auth;

/// <summary>
/// OAuth2 resource owner password grant (RFC 6749 4.3) for users. Client authentication is optional:
/// without it the request is from a public client (a script or a UI); with it the client's credentials
/// must be right and the user must lie within the client's reach. Either way the user must exist, be
/// enabled, have a password, give it, and belong to a tenant with no disabled tenant above it.
/// Failures are 401 (invalid_grant for the user, invalid_client for the client).
/// </summary>
public sealed class PasswordGrant(
    UserStore users, Passwords passwords, CallerResolver resolver, ClientAuthenticator clients, TokenService tokens,
    TenantService tenants)
{
    private const string WrongCredentials = "The username or password is wrong.";

    /// <summary>The OAuth2 error for a refused grant: a client fault or a user fault.</summary>
    public static string ErrorCode(Error error) => error is Forbidden ? "invalid_client" : "invalid_grant";

    public async Task<Result<IssuedToken>> IssueAsync(
        string username, string password, string? clientId, string? clientSecret, string issuer, CancellationToken ct = default)
    {
        if (username.Length == 0 || password.Length == 0)
        {
            return new Invalid("username", "username and password are required for grant_type=password.");
        }

        Caller? client = null;
        if (!string.IsNullOrEmpty(clientId) || !string.IsNullOrEmpty(clientSecret))
        {
            var authenticated = await clients.AuthenticateAsync(clientId ?? "", clientSecret ?? "", ct);
            if (!authenticated.IsOk)
            {
                // Forbidden stands for "the client failed" here, so the endpoint answers invalid_client.
                return new Forbidden(authenticated.Error.Message);
            }

            client = authenticated.Value.Caller;
        }

        var verified = await VerifyUserAsync(username, password, ct);
        if (!verified.IsOk)
        {
            return verified.Error;
        }

        var (user, caller) = verified.Value;
        if (client is not null && await tenants.DecideAsync(client, Operation.Read, Resource.User, user.Id, user.TenantId, ct) is not null)
        {
            return new Unauthenticated($"The user is outside the reach of the API client {client.Id}.");
        }

        return await tokens.IssueAsync(
            new TokenHolder(PrincipalKind.User, user.Id, user.TenantId, caller.Role, user.TokenGeneration, client?.Id), issuer, ct);
    }

    /// <summary>
    /// A user's login and password, checked as every way of presenting them does (this grant, HTTP Basic on
    /// /api/2): the user exists, the password is right (a hash of an older cost is renewed), and the user
    /// may act now. Both ways share the login's rate limit (<see cref="RateLimits"/>).
    /// </summary>
    public async Task<Result<(User User, Caller Caller)>> VerifyUserAsync(string username, string password, CancellationToken ct = default)
    {
        var user = await users.ByLoginAsync(username, ct);
        var check = passwords.Verify(user?.PasswordHash, password);
        if (user is null || check == PasswordCheck.Wrong)
        {
            return new Unauthenticated(WrongCredentials);
        }

        if (check == PasswordCheck.RightRehash)
        {
            await users.RehashAsync(user.Id, user.PasswordHash!, passwords.Hash(password), ct);
        }

        var caller = await resolver.ResolveAsync(new TokenSubject(PrincipalKind.User, user.Id, null, null), ct);
        return caller.IsOk
            ? (user, caller.Value)
            : new Unauthenticated(caller.Error.Message.Replace("of this token ", "", StringComparison.Ordinal));
    }
}

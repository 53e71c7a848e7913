using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Tenancy.Server.Clients;
using Tenancy.Server.Users;

namespace Tenancy.Server.Auth;

/// <summary>Checks an API client's id and secret (token endpoint, HTTP Basic) and whether it may act now.</summary>
public sealed class ClientAuthenticator(ClientStore clients, CallerResolver resolver, Passwords passwords)
{
    private const string BadCredentials = "The client id or secret is wrong.";

    public async Task<Result<(ApiClient Client, Caller Caller)>> AuthenticateAsync(
        string clientId, string secret, CancellationToken ct = default)
    {
        if (Ids.Normalize(clientId) is not { } id || await clients.GetAsync(id, ct) is not { } client
            || passwords.Verify(client.SecretHash, secret) == PasswordCheck.Wrong)
        {
            return new Unauthenticated(BadCredentials);
        }

        var caller = await resolver.ResolveClientAsync(client.Id, ct);
        return caller.IsOk ? (client, caller.Value) : caller.Error;
    }

    /// <summary>
    /// Reads "Authorization: Basic" credentials. RFC 6749 2.3.1: id and secret are form-urlencoded
    /// before they are joined and base64-encoded.
    /// </summary>
    public static (string Id, string Secret)? ParseBasic(string? header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value)
            || !value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (WebUtility.UrlDecode(decoded[..colon]), WebUtility.UrlDecode(decoded[(colon + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

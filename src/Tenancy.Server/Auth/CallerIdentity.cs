using System.Security.Claims;

namespace Tenancy.Server.Auth;

/// <summary>
/// The identity authentication produces: the claims the credentials carried (a token's, or the client
/// id of HTTP Basic) and the <see cref="Auth.Caller"/> the store confirmed for them in this request.
/// Handlers bind <see cref="Auth.Caller"/> from it; nothing reads the store a second time.
/// </summary>
public sealed class CallerIdentity : ClaimsIdentity
{
    public CallerIdentity(Caller caller, ClaimsIdentity credentials) : base(credentials) => Caller = caller;

    private CallerIdentity(CallerIdentity other) : base(other) => Caller = other.Caller;

    public Caller Caller { get; }

    /// <summary>The caller of an authenticated request, or null for an anonymous one.</summary>
    public static Caller? Of(ClaimsPrincipal? user) =>
        user?.Identities.OfType<CallerIdentity>().FirstOrDefault()?.Caller;

    public override ClaimsIdentity Clone() => new CallerIdentity(this);
}

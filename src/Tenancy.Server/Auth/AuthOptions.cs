namespace Tenancy.Server.Auth;

/// <summary>Bound from "Tenancy:Bootstrap": the admin API client created in the root tenant on first start.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Tenancy:Bootstrap";

    public string? ClientId { get; set; }
    public string? ClientSecret { get; set; }
}

/// <summary>Bound from "Tenancy:Auth".</summary>
public sealed class TokenOptions
{
    public const string Section = "Tenancy:Auth";

    /// <summary>Access and id tokens live this long (RFC 6749 expires_in).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A new signing key is made after this long; older keys keep verifying until their tokens expire.</summary>
    public TimeSpan KeyRotation { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The "iss" of issued tokens; when empty, the origin the request came to.</summary>
    public string? Issuer { get; set; }

    public const string Audience = "tenancy";
}

namespace Tenancy.Server.Sessions;

/// <summary>POST /api/2/idp/ott: whom the one-time token logs in as (login or user_id).</summary>
[RequestExample("""{"purpose": "user_login", "login": "ada", "audit_data": "support ticket 4711"}""")]
public sealed record OttRequest : JsonRequest<OttRequest>
{
    public const string UserLogin = "user_login";

    public string? Purpose { get; init; }
    public string? Login { get; init; }
    public string? UserId { get; init; }
    public string? ExternalId { get; init; }

    /// <summary>Free text for the audit trail (why the user is impersonated).</summary>
    public string? AuditData { get; init; }

    protected override Invalid? Validate() =>
        Required(Purpose, "purpose")
        ?? (Purpose != UserLogin ? new Invalid("purpose", $"purpose must be {UserLogin}.") : null)
        ?? (ExternalId is not null ? new Invalid("external_id", "external_id is not supported; name the user by login or user_id.") : null)
        ?? (Login is null && UserId is null ? new Invalid("login", "login or user_id is required.") : null)
        ?? NotBlank(Login, "login")
        ?? (AuditData is { Length: > 1000 } ? new Invalid("audit_data", "audit_data must be at most 1000 characters.") : null);
}

/// <summary>POST /api/2/idp/ott/login.</summary>
[RequestExample("""{"ott": "dGhpcyBpcyB0ZXN0IG9uZS10aW1lIHRva2Vu"}""")]
public sealed record OttLoginRequest : JsonRequest<OttLoginRequest>
{
    public string? Ott { get; init; }

    protected override Invalid? Validate() => Required(Ott, "ott") ?? NotBlank(Ott, "ott");
}

public sealed record OttJson(string Ott);

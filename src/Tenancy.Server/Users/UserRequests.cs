namespace Tenancy.Server.Users;

/// <summary>POST /api/2/users.</summary>
[RequestExample("""
    {"tenant_id": "7a2c3e4f-1b2d-4c5e-8f90-a1b2c3d4e5f6", "login": "ada", "contact": {"email": "ada@customer1.example"},
     "role": "admin", "language": "en"}
    """)]
public sealed record UserCreateRequest : JsonRequest<UserCreateRequest>
{
    public string? TenantId { get; init; }
    public string? Login { get; init; }
    public ContactRequest? Contact { get; init; }
    public bool? Enabled { get; init; }
    public string? Role { get; init; }
    public string? Language { get; init; }
    public string? ExternalId { get; init; }
    public IReadOnlyList<string>? Notifications { get; init; }

    protected override Invalid? Validate() =>
        Required(TenantId, "tenant_id") ?? Required(Login, "login")
        ?? (Contact is null ? new Invalid("contact.email", "contact.email is required.") : null);

    public NewUser ToNewUser() => new(
        TenantId!, Login!, Contact!.ToContact(), Enabled ?? true, Role ?? Roles.Admin, Language, ExternalId, Notifications ?? []);
}

/// <summary>PUT /api/2/users/{id}: a partial update quoting the current version.</summary>
[RequestExample("""{"enabled": false, "version": 2}""")]
public sealed record UserUpdateRequest : JsonRequest<UserUpdateRequest>, IQuotesVersion<UserUpdateRequest>
{
    public UserUpdateRequest WithVersion(long version) => this with { Version = version };

    public long? Version { get; init; }
    public Optional<string> Login { get; init; }
    public ContactRequest? Contact { get; init; }
    public Optional<bool> Enabled { get; init; }
    public Optional<string> Role { get; init; }
    public Optional<string> Language { get; init; }
    public Optional<string?> ExternalId { get; init; }
    public Optional<IReadOnlyList<string>> Notifications { get; init; }

    protected override Invalid? Validate() =>
        Version is null ? new Invalid("version", "version is required: quote the user's current version.") : null;

    public UserChanges ToChanges() => new(
        Login, Contact is null ? default : Optional<Contact>.Of(Contact.ToContact()), Enabled, Role, Language, ExternalId, Notifications);
}

/// <summary>POST /api/2/users/{id}/password.</summary>
[RequestExample("""{"password": "correct-Horse-battery-9"}""")]
public sealed record PasswordRequest : JsonRequest<PasswordRequest>
{
    public string? Password { get; init; }

    protected override Invalid? Validate() => Required(Password, "password");
}

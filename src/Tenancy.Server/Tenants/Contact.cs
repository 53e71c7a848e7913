namespace Tenancy.Server.Tenants;

/// <summary>A tenant's primary contact (the published "contact" object).</summary>
public sealed record Contact
{
    public string Id { get; init; } = "";
    public string? CreatedAt { get; init; }
    public string? UpdatedAt { get; init; }
    public IReadOnlyList<string> Types { get; init; } = [];
    public string Email { get; init; } = "";
    public string? Address1 { get; init; }
    public string? Address2 { get; init; }
    public string? Country { get; init; }
    public string? State { get; init; }
    public string? City { get; init; }
    public string? Zipcode { get; init; }
    public string? Phone { get; init; }
    public string? Firstname { get; init; }
    public string? Lastname { get; init; }
    public string? Title { get; init; }
    public string? Website { get; init; }
    public string? Industry { get; init; }
    public string? OrganizationSize { get; init; }
    public bool? EmailConfirmed { get; init; }
    public string? Aan { get; init; }
    public string? Fax { get; init; }
    public string? Language { get; init; }

    public static readonly IReadOnlyList<string> AllowedTypes = ["legal", "primary", "billing", "technical", "management"];
}

namespace Tenancy.Server.Users;

/// <summary>A person who logs in with a login and password. Belongs to one tenant; holds a role there.</summary>
public sealed class User
{
    public required string Id { get; init; }
    public long TenantSeq { get; init; }
    public required string TenantId { get; init; }
    public required string Login { get; init; }

    /// <summary>The login upper-cased: the installation-wide unique key.</summary>
    public required string LoginKey { get; init; }

    /// <summary>The contact as JSON (see <see cref="ContactJson"/>).</summary>
    public required string Contact { get; init; }
    public bool Enabled { get; init; }
    public required string Role { get; init; }
    public string Language { get; init; } = "en";
    public string? ExternalId { get; init; }

    /// <summary>Notification kinds as a JSON array.</summary>
    public string Notifications { get; init; } = "[]";
    public string? PasswordHash { get; init; }
    public long TokenGeneration { get; init; }
    public long Version { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>When the user was deleted (restorable within the window); null while live.</summary>
    public long? DeletedAt { get; init; }

    /// <summary>The path of the user's tenant (read through a join).</summary>
    public string TenantPath { get; init; } = "";

    public static string KeyOf(string login) => login.ToUpperInvariant();
}

/// <summary>A user to create.</summary>
public sealed record NewUser(
    string TenantId, string Login, Contact Contact, bool Enabled, string Role, string? Language, string? ExternalId,
    IReadOnlyList<string> Notifications);

/// <summary>A partial update of a user; absent fields keep their value.</summary>
public sealed record UserChanges(
    Errors.Optional<string> Login, Errors.Optional<Contact> Contact, Errors.Optional<bool> Enabled, Errors.Optional<string> Role,
    Errors.Optional<string> Language, Errors.Optional<string?> ExternalId, Errors.Optional<IReadOnlyList<string>> Notifications);

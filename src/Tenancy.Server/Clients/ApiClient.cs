namespace Tenancy.Server.Clients;

/// <summary>An API client (OAuth2 client credentials). Its secret is stored only as a salted hash.</summary>
public sealed class ApiClient
{
    public required string Id { get; init; }
    public long TenantSeq { get; init; }
    public required string TenantId { get; init; }
    public string Type { get; init; } = "api_client";
    public string TokenEndpointAuthMethod { get; init; } = "client_secret_basic";

    /// <summary>Free-form client data as JSON (for example client_name).</summary>
    public string Data { get; init; } = "{}";
    public string Status { get; init; } = "enabled";

    /// <summary>admin or viewer, on the client's tenant and its subtree.</summary>
    public string Role { get; init; } = "admin";

    /// <summary>Written into the client's tokens; bumped by a secret reset or a disable to refuse older tokens.</summary>
    public long TokenGeneration { get; init; }

    /// <summary>Bumped by every change of the client (status, data, secret): its ETag.</summary>
    public long Version { get; init; } = 1;
    public required string SecretHash { get; init; }
    public long CreatedAt { get; init; }
    public required string CreatedBy { get; init; }
    public long? LastAccessAt { get; init; }
    public string? LastAccessFromIp { get; init; }

    /// <summary>The path of the client's tenant (read through a join, not stored with the client).</summary>
    public string TenantPath { get; init; } = "";

    public bool IsEnabled => Status == "enabled";
}

using System.Text.Json;

namespace Tenancy.Server.Clients;

/// <summary>POST /api/2/clients.</summary>
[RequestExample("""
    {"type": "api_client", "tenant_id": "7a2c3e4f-1b2d-4c5e-8f90-a1b2c3d4e5f6",
     "token_endpoint_auth_method": "client_secret_basic", "data": {"client_name": "billing sync"}, "role": "admin"}
    """)]
public sealed record ClientCreateRequest : JsonRequest<ClientCreateRequest>
{
    public string? Type { get; init; }
    public string? TenantId { get; init; }
    public string? TokenEndpointAuthMethod { get; init; }
    public JsonElement? Data { get; init; }
    public string? Role { get; init; }

    protected override Invalid? Validate() =>
        Required(Type, "type") ?? Required(TenantId, "tenant_id") ?? Required(TokenEndpointAuthMethod, "token_endpoint_auth_method")
        ?? ClientData.MustBeAnObject(Data);
}

/// <summary>PUT /api/2/clients/{id}: status (enabled or disabled) and data change when present.</summary>
[RequestExample("""{"status": "disabled"}""")]
public sealed record ClientUpdateRequest : JsonRequest<ClientUpdateRequest>, IQuotesVersion<ClientUpdateRequest>
{
    /// <summary>Not part of the dialect: a client that quotes it (or If-Match) gets a conditional write on that version.</summary>
    public long? Version { get; init; }

    public ClientUpdateRequest WithVersion(long version) => this with { Version = version };

    public string? Status { get; init; }
    public JsonElement? Data { get; init; }

    protected override Invalid? Validate() => ClientData.MustBeAnObject(Data);
}

/// <summary>The free-form "data" object of an API client (its name and notes).</summary>
public static class ClientData
{
    public static Invalid? MustBeAnObject(JsonElement? data) =>
        data is { ValueKind: not JsonValueKind.Object } ? new Invalid("data", "data must be an object.") : null;
}

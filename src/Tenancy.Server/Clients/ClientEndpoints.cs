using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Tenancy.Server.Idempotency;

namespace Tenancy.Server.Clients;

/// <summary>The /api/2 API clients head.</summary>
public static class ClientEndpoints
{
    public static RouteGroupBuilder MapClients(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/clients").WithTags("API clients").RequireAuthorization().SpeaksAcronis().WithETags();
        group.MapPost("/", Create).RequireAuthorization(Policies.Create).KeepsAnswer(AnswerKept.WithoutBody).WithSummary("Create an API client; its secret is returned this once");
        group.MapGet("/", List).WithSummary("List API clients of a tenant (tenant_id) or by id (uuids)");
        group.MapGet("/{clientId}", Get).WithSummary("Fetch an API client (tells its tenant_id)");
        group.MapPut("/{clientId}", Update).RequireAuthorization(Policies.Change).WithSummary("Enable or disable an API client, or change its data");
        group.MapPost("/{clientId}/secret", ResetSecret).RequireAuthorization(Policies.ResetCredential).KeepsAnswer(AnswerKept.Nothing)
            .WithSummary("Give an API client a new secret (returned this once); the old secret and its tokens stop working at once");
        group.MapDelete("/{clientId}", Delete).RequireAuthorization(Policies.Delete).WithSummary("Delete an API client; its tokens stop working at once");
        return group;
    }

    public sealed record ClientJson(
        string ClientId, string TenantId, long ClientSecretExpiresAt, string Type, JsonElement Data,
        string TokenEndpointAuthMethod, string? CreatedAt, string CreatedBy, string? LastAccessAt,
        string? LastAccessFromIp, string Status, IReadOnlyList<string> RedirectUris, string Role) : IHasETag
    {
        /// <summary>The client's version: not a field of the dialect's client object, so it travels as the ETag only.</summary>
        [JsonIgnore]
        public long Version { get; init; }

        long? IHasETag.ETagVersion => Version;

        public static ClientJson From(ApiClient c) => new(
            c.Id, c.TenantId, 0, c.Type, JsonDocument.Parse(c.Data).RootElement.Clone(), c.TokenEndpointAuthMethod,
            Timestamps.Format(c.CreatedAt), c.CreatedBy, c.LastAccessAt is { } at ? Timestamps.Format(at) : null,
            c.LastAccessFromIp, c.Status, [], c.Role) { Version = c.Version };
    }

    public sealed record ClientPostResultJson(
        string ClientId, string TenantId, long ClientSecretExpiresAt, string Type, JsonElement Data,
        string TokenEndpointAuthMethod, string ClientSecret, string RegistrationAccessToken, string CreatedAt,
        string CreatedBy, string Status, IReadOnlyList<string> RedirectUris, string Role);

    public sealed record ClientSecretJson(string ClientId, string ClientSecret);

    public sealed record ClientBatchJson(IReadOnlyList<ClientJson> Items);

    public sealed record ListQuery(
        [property: FromQuery(Name = "tenant_id")] string? TenantId, [property: FromQuery(Name = "uuids")] string? Uuids);

    private static async Task<Results<Created<ClientPostResultJson>, JsonHttpResult<AcronisErrorBody>>> Create(
        ClientCreateRequest body, Caller caller, ClientService clients, CancellationToken ct)
    {
        var result = await clients.CreateAsync(caller, new NewClient(
            body.TenantId!, body.Type!, body.TokenEndpointAuthMethod!, body.Data?.GetRawText() ?? "{}", body.Role ?? Roles.Admin), ct);
        if (!result.IsOk)
        {
            return AcronisErrors.ToResult(result.Error);
        }

        var c = result.Value.Client;
        var json = new ClientPostResultJson(
            c.Id, c.TenantId, 0, c.Type, JsonDocument.Parse(c.Data).RootElement.Clone(), c.TokenEndpointAuthMethod,
            result.Value.Secret, "", Timestamps.Format(c.CreatedAt), c.CreatedBy, c.Status, [], c.Role);
        return TypedResults.Created($"/api/2/clients/{c.Id}", json);
    }

    private static async Task<Results<Ok<ClientJson>, JsonHttpResult<AcronisErrorBody>>> Get(
        string clientId, Caller caller, ClientService clients, CancellationToken ct)
    {
        var result = await clients.GetAsync(caller, clientId, ct);
        return result.IsOk ? TypedResults.Ok(ClientJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ClientBatchJson>, JsonHttpResult<AcronisErrorBody>>> List(
        [AsParameters] ListQuery q, Caller caller, ClientService clients, CancellationToken ct)
    {
        List<string>? ids = null;
        if (q.Uuids is not null)
        {
            ids = [.. q.Uuids.Split(',', StringSplitOptions.TrimEntries).Select(Ids.Normalize).OfType<string>()];
            if (ids.Count != q.Uuids.Split(',').Length)
            {
                return AcronisErrors.ToResult(new Invalid("uuids", "uuids must be a comma-separated list of UUIDs."));
            }
        }

        var result = await clients.ListAsync(caller, q.TenantId, ids, ct);
        return result.IsOk
            ? TypedResults.Ok(new ClientBatchJson([.. result.Value.Select(ClientJson.From)]))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ClientJson>, JsonHttpResult<AcronisErrorBody>>> Update(
        string clientId, ClientUpdateRequest body, Caller caller, ClientService clients, CancellationToken ct)
    {
        var result = await clients.UpdateAsync(caller, clientId, body.Status, body.Data?.GetRawText(), body.Version, ct);
        return result.IsOk ? TypedResults.Ok(ClientJson.From(result.Value)) : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<Ok<ClientSecretJson>, JsonHttpResult<AcronisErrorBody>>> ResetSecret(
        string clientId, Caller caller, ClientService clients, CancellationToken ct)
    {
        var result = await clients.ResetSecretAsync(caller, clientId, ct);
        return result.IsOk
            ? TypedResults.Ok(new ClientSecretJson(result.Value.Client.Id, result.Value.Secret))
            : AcronisErrors.ToResult(result.Error);
    }

    private static async Task<Results<NoContent, JsonHttpResult<AcronisErrorBody>>> Delete(
        string clientId, string? version, HttpContext http, Caller caller, ClientService clients, CancellationToken ct)
    {
        var v = VersionQuery.Optional(http, version);
        if (!v.IsOk)
        {
            return AcronisErrors.ToResult(v.Error);
        }

        var result = await clients.DeleteAsync(caller, clientId, v.Value, ct);
        return result.IsOk ? TypedResults.NoContent() : AcronisErrors.ToResult(result.Error);
    }
}

using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Tenancy.Server.Search;

/// <summary>The /api/2 search head: GET /api/2/search (the published "global_search" answer).</summary>
public static class SearchEndpoints
{
    public const int DefaultLimit = 10;

    public static RouteGroupBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2/search").WithTags("Search").RequireAuthorization().SpeaksAcronis();
        group.MapGet("/", Search).WithSummary(
            "Find tenants (name, customer_id, contact names and email) and users (login, contact email and names) in a subtree, best matches first");
        return group;
    }

    public sealed record SearchQuery(
        [property: FromQuery(Name = "tenant")] string? Tenant,
        [property: FromQuery(Name = "text")] string? Text,
        [property: FromQuery(Name = "limit")] string? Limit,
        [property: FromQuery(Name = "allow_deleted")] string? AllowDeleted);

    public sealed record SearchJson(IReadOnlyList<SearchItemJson> Items);

    /// <summary>One found object; kind and name for tenants, login for users.</summary>
    public sealed record SearchItemJson(
        string ObjType,
        string Id,
        string ParentId,
        IReadOnlyList<string> Path,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kind,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Login,
        string? FirstName,
        string? LastName,
        string? DeletedAt)
    {
        public static SearchItemJson From(SearchResult r)
        {
            var h = r.Hit;
            var tenant = h.ObjType == "tenant";
            var contact = ContactJson.Deserialize(tenant ? h.TenantContact : h.UserContact);
            return new SearchItemJson(
                h.ObjType, h.ObjId, tenant ? h.TenantParentId : h.TenantId, r.Path,
                tenant ? h.TenantKind : null, tenant ? h.TenantName : null, tenant ? null : h.UserLogin,
                contact?.Firstname, contact?.Lastname, null);
        }
    }

    private static async Task<Results<Ok<SearchJson>, JsonHttpResult<AcronisErrorBody>>> Search(
        [AsParameters] SearchQuery q, Caller caller, SearchService search, CancellationToken ct)
    {
        // Deleted tenants and users (restorable until purged) are not searched: allow_deleted is accepted and finds none more.
        var limit = QueryValues.Limit(q.Limit, DefaultLimit, SearchService.MaxLimit);
        var allowDeleted = QueryValues.Flag(q.AllowDeleted, "allow_deleted");
        Error? invalid = string.IsNullOrEmpty(q.Tenant) ? new Invalid("tenant", "tenant (the id of the tenant to search in) is required.")
            : Ids.Normalize(q.Tenant) is null ? new Invalid("tenant", "tenant must be a UUID.")
            : q.Text is null ? new Invalid("text", "text is required.")
            : limit.Error ?? allowDeleted.Error;
        if (invalid is not null)
        {
            return AcronisErrors.ToResult(invalid);
        }

        var result = await search.SearchAsync(caller, q.Tenant!, q.Text!, limit.Value, ct);
        return result.IsOk
            ? TypedResults.Ok(new SearchJson([.. result.Value.Select(SearchItemJson.From)]))
            : AcronisErrors.ToResult(result.Error);
    }
}

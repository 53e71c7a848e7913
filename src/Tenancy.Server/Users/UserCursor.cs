using System.Buffers.Text;
using System.Text.Json;

namespace Tenancy.Server.Users;

/// <summary>
/// What GET /api/2/users selects, and the opaque "after" cursor of its pages: the cursor carries every
/// filter, so the next page needs only the cursor. The selector's tenant is looked up (and its reach
/// checked) again on every page. Pages are in (tenant path, user id) order.
/// </summary>
/// <param name="Mode">"uuids", "tenant" (a tenant's own users) or "subtree".</param>
/// <param name="TenantId">Tenant and subtree modes: the tenant.</param>
/// <param name="Ids">Uuids mode: the users' ids.</param>
/// <param name="ExternalIds">Tenant mode: only users with one of these external ids.</param>
/// <param name="OriginId">Only users of this origin (users made here have none).</param>
/// <param name="UpdatedSince">Only users updated after this time (unix microseconds).</param>
/// <param name="Limit">The page size.</param>
/// <param name="AfterPath">The last listed user's tenant path ("" on the first page).</param>
/// <param name="AfterId">The last listed user's id.</param>
public sealed record UserCursor(
    string Mode, string? TenantId, IReadOnlyList<string>? Ids, IReadOnlyList<string>? ExternalIds, string? OriginId,
    long? UpdatedSince, int Limit, string AfterPath = "", string AfterId = "")
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static UserCursor? Decode(string value)
    {
        try
        {
            var cursor = JsonSerializer.Deserialize<UserCursor>(Base64Url.DecodeFromChars(value));
            return cursor is { Mode: "uuids" or "tenant" or "subtree", Limit: > 0, AfterPath: not null, AfterId: not null }
                && (cursor.Mode == "uuids" ? cursor.Ids is not null : cursor.TenantId is not null)
                ? cursor
                : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}

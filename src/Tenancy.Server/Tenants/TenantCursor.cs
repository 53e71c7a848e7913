using System.Buffers.Text;
using System.Text.Json;

namespace Tenancy.Server.Tenants;

/// <summary>
/// The opaque "after" cursor of tenant lists. It carries the selector, so the next page needs only
/// the cursor; the selector's tenant is looked up (and its reach checked) again on every page.
/// </summary>
/// <param name="Mode">"parent", "subtree" or "ids".</param>
/// <param name="Key">The parent or subtree-root id.</param>
/// <param name="Level">Subtree mode: the level the last item was on.</param>
/// <param name="Path">Subtree mode: the last item's path.</param>
/// <param name="Seq">Parent mode: the last item's internal key.</param>
/// <param name="Limit">The page size of the first request.</param>
public sealed record TenantCursor(string Mode, string Key, int Level, string Path, long Seq, int Limit)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this));

    public static TenantCursor? Decode(string value)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(value);
            var cursor = JsonSerializer.Deserialize<TenantCursor>(bytes);
            return cursor is { Mode: "parent" or "subtree", Key: not null, Path: not null, Limit: > 0 } ? cursor : null;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return null;
        }
    }
}

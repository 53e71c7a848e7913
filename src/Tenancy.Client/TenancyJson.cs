using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenancy.Client;

/// <summary>The wire format of both dialects: snake_case names; absent (null) fields are not sent.</summary>
public static class TenancyJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

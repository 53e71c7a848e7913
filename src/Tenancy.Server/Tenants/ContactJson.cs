using System.Text.Json;

namespace Tenancy.Server.Tenants;

/// <summary>The stored form of a contact (a JSON column).</summary>
public static class ContactJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    public static string Serialize(Contact contact) => JsonSerializer.Serialize(contact, Options);

    public static Contact? Deserialize(string? json) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<Contact>(json, Options);

    /// <summary>Gives a contact its identity and timestamps: kept from <paramref name="previous"/>, new otherwise.</summary>
    public static Contact Stamp(Contact contact, Contact? previous, long now)
    {
        var at = Timestamps.Format(now);
        return contact with
        {
            Id = previous?.Id is { Length: > 0 } id ? id : Ids.New(),
            CreatedAt = previous?.CreatedAt ?? at,
            UpdatedAt = at,
        };
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tenancy.Server.Catalog;

/// <summary>The catalog file's settings: <c>Tenancy:Catalog:Path</c>.</summary>
public sealed class CatalogOptions
{
    public const string Section = "Tenancy:Catalog";

    /// <summary>The catalog file; relative paths are taken from the server's directory. The sample ships as catalog.json.</summary>
    public string Path { get; set; } = "catalog.json";
}

/// <summary>A catalog file that cannot be used; the message names the file, and the line or the field at fault.</summary>
public sealed class CatalogException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads and checks the catalog file (format: docs/catalog.md). Every problem stops the server at start
/// with a message naming the file and the line (for JSON that cannot be read) or the field (for a rule
/// the content breaks), so a provider never runs with half a catalog.
/// </summary>
public static class CatalogFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The file named by <paramref name="options"/>, relative to <paramref name="baseDirectory"/> unless absolute.</summary>
    public static ServiceCatalog Load(CatalogOptions options, string baseDirectory) =>
        Load(System.IO.Path.GetFullPath(options.Path, baseDirectory));

    public static ServiceCatalog Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CatalogException($"Catalog file {path} cannot be read: {e.Message} (set Tenancy:Catalog:Path to the catalog file).", e);
        }

        return Parse(text, path);
    }

    /// <summary>Reads a catalog from its text; <paramref name="source"/> names it in errors.</summary>
    public static ServiceCatalog Parse(string text, string source)
    {
        FileDto? file;
        try
        {
            file = JsonSerializer.Deserialize<FileDto>(text, Json);
        }
        catch (JsonException e)
        {
            // LineNumber and BytePositionInLine are zero-based.
            var where = e.LineNumber is { } line ? $"line {line + 1}, position {(e.BytePositionInLine ?? 0) + 1}" : "an unknown line";
            throw new CatalogException($"Catalog file {source} is not valid at {where}: {Explain(e)}", e);
        }

        var applications = Check(file ?? throw new CatalogException($"Catalog file {source} is empty (null)."), source);
        return new ServiceCatalog(applications);
    }

    /// <summary>The serializer's own words without its "Path: ... | LineNumber: ..." tail, which is said better above.</summary>
    private static string Explain(JsonException e)
    {
        var message = e.Message;
        var tail = message.IndexOf(" Path: ", StringComparison.Ordinal);
        var text = tail > 0 ? message[..tail] : message;
        return e.Path is { Length: > 1 } path ? $"{text} (at {path})" : text;
    }

    private static List<Application> Check(FileDto file, string source)
    {
        var problem = (string field, string what) => new CatalogException($"Catalog file {source}: {field} {what}");
        if (file.Applications is not { Count: > 0 } apps)
        {
            throw problem("applications", "must list at least the platform application.");
        }

        var result = new List<Application>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < apps.Count; i++)
        {
            var a = apps[i] ?? throw problem($"applications[{i}]", "must be an object.");
            var at = $"applications[{i}]";
            var id = Ids.Normalize(a.Id ?? "") ?? throw problem($"{at}.id", $"must be a UUID (got '{a.Id}').");
            if (!ids.Add(id))
            {
                throw problem($"{at}.id", $"{id} is used by two applications.");
            }

            var name = Text(a.Name, $"{at}.name", problem);
            if (a.Type is null || !ApplicationTypes.All.Contains(a.Type))
            {
                throw problem($"{at}.type", $"must be one of {string.Join(", ", ApplicationTypes.All)} (got '{a.Type}').");
            }

            var editions = new List<Edition>();
            foreach (var (e, j) in (a.Editions ?? []).Select((e, j) => (e, j)))
            {
                var edition = e ?? throw problem($"{at}.editions[{j}]", "must be an object.");
                var editionName = Text(edition.Name, $"{at}.editions[{j}].name", problem);
                if (editions.Any(x => x.Name == editionName))
                {
                    throw problem($"{at}.editions[{j}].name", $"'{editionName}' is listed twice.");
                }

                editions.Add(new Edition(editionName, edition.Title ?? editionName));
            }

            var items = new List<OfferingItem>();
            foreach (var (o, j) in (a.OfferingItems ?? []).Select((o, j) => (o, j)))
            {
                var oat = $"{at}.offering_items[{j}]";
                var item = o ?? throw problem(oat, "must be an object.");
                var itemName = Text(item.Name, $"{oat}.name", problem);
                if (items.Any(x => x.Name == itemName))
                {
                    throw problem($"{oat}.name", $"'{itemName}' is used by two offering items of {name}.");
                }

                if (item.Type is null || !OfferingItemTypes.All.Contains(item.Type))
                {
                    throw problem($"{oat}.type", $"must be one of {string.Join(", ", OfferingItemTypes.All)} (got '{item.Type}').");
                }

                if (item.MeasurementUnit is null || !OfferingItemTypes.MeasurementUnits.Contains(item.MeasurementUnit))
                {
                    throw problem($"{oat}.measurement_unit", $"must be one of {string.Join(", ", OfferingItemTypes.MeasurementUnits)} (got '{item.MeasurementUnit}').");
                }

                if (item.Edition is not null && editions.All(e => e.Name != item.Edition))
                {
                    throw problem($"{oat}.edition", $"'{item.Edition}' is not an edition of {name} (its editions: {string.Join(", ", editions.Select(e => e.Name))}).");
                }

                string? infra = null;
                if (item.Type == OfferingItemTypes.Infra)
                {
                    infra = Ids.Normalize(item.InfraId ?? "") ?? throw problem($"{oat}.infra_id", $"must be the UUID of the location or storage (got '{item.InfraId}').");
                }
                else if (item.InfraId is not null)
                {
                    throw problem($"{oat}.infra_id", "is only for offering items of type infra.");
                }

                items.Add(new OfferingItem(itemName, item.UsageName ?? itemName, item.Type, item.MeasurementUnit, item.Edition, infra));
            }

            result.Add(new Application(id, name, a.Type, a.ApiBaseUrl ?? $"/{a.Type}/", editions, items));
        }

        var platforms = result.Count(a => a.Type == ApplicationTypes.Platform);
        return platforms == 1 ? result
            : throw problem("applications", $"must hold exactly one application of type platform (found {platforms}).");
    }

    private static string Text(string? value, string field, Func<string, string, CatalogException> problem) =>
        string.IsNullOrWhiteSpace(value) ? throw problem(field, "is required (a non-empty string).") : value.Trim();

    private sealed record FileDto(List<ApplicationDto?>? Applications);

    private sealed record ApplicationDto(
        string? Id, string? Name, string? Type, string? ApiBaseUrl, List<EditionDto?>? Editions, List<OfferingItemDto?>? OfferingItems);

    private sealed record EditionDto(string? Name, string? Title);

    private sealed record OfferingItemDto(string? Name, string? UsageName, string? Type, string? MeasurementUnit, string? Edition, string? InfraId);
}

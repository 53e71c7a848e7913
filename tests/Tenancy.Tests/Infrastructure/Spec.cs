using System.Text.Json.Nodes;
using Json.Schema;

namespace Tenancy.Tests.Infrastructure;

/// <summary>
/// Validates responses against the published OpenAPI document of the /api/2 dialect
/// (../shared/specs/acronis-tenants-subset.json). OpenAPI 3.0 "nullable" is rewritten to JSON Schema.
/// </summary>
public static class Spec
{
    private static readonly Uri Base = new("https://tenancy.test/acronis-spec");

    /// <summary>The whole published document, for the schemas the subset does not carry (e.g. userBatch).</summary>
    private static readonly Uri FullBase = new("https://tenancy.test/acronis-spec-full");
    private static readonly Lazy<HashSet<string>> Registered = new(Register);

    public static string SpecsDirectory { get; } = FindSpecs();

    /// <summary>Against the subset's schema of that name, or the whole document's when the subset lacks it.</summary>
    public static void AssertValid(string schemaName, JsonElement instance) =>
        AssertValid(Registered.Value.Contains(schemaName) ? Base : FullBase, schemaName, instance);

    /// <summary>Against a schema of the whole Account Management API document (acronis-account-management-v2-openapi.json).</summary>
    public static void AssertValidFull(string schemaName, JsonElement instance)
    {
        _ = Registered.Value;
        AssertValid(FullBase, schemaName, instance);
    }

    private static void AssertValid(Uri document, string schemaName, JsonElement instance)
    {
        var schema = JsonSchema.FromText($$"""{"$ref": "{{document}}#/$defs/{{schemaName}}"}""");
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            var problems = result.Details
                .Where(d => d.HasErrors)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
                .Take(20);
            Assert.Fail($"response does not match schema '{schemaName}':\n{string.Join("\n", problems)}\n{instance}");
        }
    }

    /// <summary>Registers the subset and the whole document; returns the names of the subset's schemas.</summary>
    private static HashSet<string> Register()
    {
        var subset = RegisterDocument("acronis-tenants-subset.json", Base);
        RegisterDocument("acronis-account-management-v2-openapi.json", FullBase);
        return subset;
    }

    private static HashSet<string> RegisterDocument(string file, Uri id)
    {
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(SpecsDirectory, file)))!;
        var schemas = document["components"]!["schemas"]!.AsObject();
        var converted = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = id.ToString(),
            ["$defs"] = Convert(schemas.DeepClone()),
        };
        SchemaRegistry.Global.Register(JsonSchema.FromText(converted.ToJsonString()));
        return [.. schemas.Select(p => p.Key)];
    }

    /// <summary>OpenAPI 3.0 to JSON Schema: nullable becomes anyOf null, refs point into the registered document.</summary>
    private static JsonNode Convert(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (key is "example" or "examples" or "discriminator" or "xml" or "externalDocs")
                    {
                        obj.Remove(key);
                    }
                }

                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value is JsonValue v && v.GetValue<string>().StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        obj["$ref"] = "#/$defs/" + v.GetValue<string>()["#/components/schemas/".Length..];
                    }
                    else if (value is not null)
                    {
                        obj[key] = Convert(value.DeepClone());
                    }
                }

                if (obj["nullable"] is JsonValue n && n.GetValue<bool>())
                {
                    obj.Remove("nullable");
                    return new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, obj.DeepClone()) };
                }

                obj.Remove("nullable");
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item)
                    {
                        array[i] = Convert(item.DeepClone());
                    }
                }

                return array;
            default:
                return node;
        }
    }

    /// <summary>shared/specs lies beside the repository (../shared/specs from its root).</summary>
    private static string FindSpecs()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "specs");
            if (File.Exists(Path.Combine(candidate, "acronis-tenants-subset.json")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("../shared/specs was not found above the test binaries.");
    }
}

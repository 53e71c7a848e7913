using System.Reflection;
using System.Text.Json.Serialization;
using Tenancy.Client;

namespace Tenancy.Tests.Client;

/// <summary>
/// The client and the served OpenAPI document agree: every route the client sends (Routes.All) is in
/// /openapi/v1.json with its method and query parameters, and every field of every model the client
/// writes or reads is a property of the schema that the route's body or answer refers to.
/// </summary>
public sealed class OpenApiAgreementTests : IAsyncLifetime
{
    private TenancyServer _server = null!;

    public ValueTask InitializeAsync()
    {
        _server = TenancyServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EveryRouteAndFieldTheClientUses_IsInTheServedDocument()
    {
        using var http = _server.Anonymous();
        var document = await http.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken).ExpectAsync(HttpStatusCode.OK);
        var problems = new List<string>();

        foreach (var route in Routes.All)
        {
            var name = $"{route.Method} {route.Template}";
            if (!document.GetProperty("paths").TryGetProperty(route.Template, out var path)
                || !path.TryGetProperty(route.Method.ToLowerInvariant(), out var operation))
            {
                if (route.Pending is null)
                {
                    problems.Add($"{name}: not in the document");
                }

                continue;
            }

            var parameters = operation.TryGetProperty("parameters", out var ps)
                ? ps.EnumerateArray().Select(p => p.Str("name")).ToHashSet()
                : [];
            var missing = route.Query.Where(q => !parameters.Contains(q)).ToList();
            if (missing.Count > 0 && route.Pending is null)
            {
                problems.Add($"{name}: query parameters not in the document: {string.Join(", ", missing)}");
            }

            if (missing.Count > 0)
            {
                continue;
            }

            if (route.Body is { } body)
            {
                var request = operation.GetProperty("requestBody");
                Check(document, name + " body", body, Reachable(document, request), problems);
            }

            if (route.Answer is { } answer)
            {
                var responses = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')).Select(r => r.Value);
                Check(document, name + " answer", answer, [.. responses.SelectMany(r => Reachable(document, r))], problems);
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>
    /// Checks a model (or the schema models inside a wrapper such as the v2.1 envelope) against the schemas
    /// reachable from an operation. A model nested in another must name a schema of the document; where the
    /// document leaves a list's items untyped (tenant lists give items at several levels of detail), it need
    /// not be reachable from the operation.
    /// </summary>
    private static void Check(JsonElement document, string where, Type model, HashSet<string> reachable, List<string> problems)
    {
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var type in SchemaModels(model))
        {
            var schemaName = type.GetCustomAttribute<SchemaAttribute>()!.Name;
            var outer = type == model;
            if (!schemas.TryGetProperty(schemaName, out var schema) || (outer && !reachable.Contains(schemaName)))
            {
                problems.Add($"{where}: {type.Name} reads schema {schemaName}, which the operation does not use");
                continue;
            }

            var properties = schema.GetProperty("properties");
            foreach (var property in type.GetProperties())
            {
                var json = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? TenancyJson.Options.PropertyNamingPolicy!.ConvertName(property.Name);
                if (!properties.TryGetProperty(json, out _))
                {
                    problems.Add($"{where}: {type.Name}.{property.Name} is \"{json}\", not a property of {schemaName}");
                }
            }
        }
    }

    /// <summary>The models with a [Schema] in a type: itself, or those its properties hold (through lists and generic wrappers), recursively.</summary>
    private static IEnumerable<Type> SchemaModels(Type type, HashSet<Type>? seen = null)
    {
        seen ??= [];
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!seen.Add(type) || type.Namespace != typeof(Route).Namespace && !type.IsGenericType)
        {
            yield break;
        }

        if (type.GetCustomAttribute<SchemaAttribute>() is not null)
        {
            yield return type;
        }

        var inner = type.IsGenericType ? type.GetGenericArguments() : [];
        foreach (var t in inner.Concat(type.Namespace == typeof(Route).Namespace ? type.GetProperties().Select(p => p.PropertyType) : []))
        {
            foreach (var model in SchemaModels(t, seen))
            {
                yield return model;
            }
        }
    }

    /// <summary>The names of the schemas an element refers to, directly or through other schemas.</summary>
    private static HashSet<string> Reachable(JsonElement document, JsonElement from)
    {
        var names = new HashSet<string>();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        var pending = new Stack<JsonElement>([from]);
        while (pending.TryPop(out var e))
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name == "$ref" && p.Value.GetString() is { } r && r.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                    {
                        var name = r["#/components/schemas/".Length..];
                        if (names.Add(name))
                        {
                            pending.Push(schemas.GetProperty(name));
                        }
                    }
                    else
                    {
                        pending.Push(p.Value);
                    }
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    pending.Push(item);
                }
            }
        }

        return names;
    }
}

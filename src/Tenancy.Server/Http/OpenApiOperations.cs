using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Tenancy.Server.Http;

/// <summary>
/// What the generated OpenAPI document cannot know from the handlers alone: the 4xx answers of each
/// operation in its dialect's envelope, the form bodies of the OAuth endpoints, example request bodies,
/// snake_case parameter names, and partial-update fields shown as the values they take.
/// </summary>
public static class OpenApiOperations
{
    private const string Json = "application/json";
    private const string Form = "application/x-www-form-urlencoded";

    private static readonly Dictionary<int, string> Meanings = new()
    {
        [400] = "The request is not valid: the error names the field or parameter and what is wrong with it.",
        [401] = "No valid credentials were sent.",
        [403] = "The target is outside the caller's reach, update-locked, or the caller has the viewer role.",
        [404] = "No such object (or none the caller may know of).",
        [409] = "The version quoted is not the current one (the error tells the current version), or a unique value is taken.",
        [412] = "If-Match quotes a version that is no longer the current one (or, on a /api/v2.1 DELETE, the tenant still has sub-tenants).",
        [413] = "The request body is larger than 1 MiB.",
        [415] = "The request body was not sent as application/json.",
        [422] = "The Idempotency-Key was first used with another request (another body or query).",
        [429] = "Too many requests; retry after the number of seconds in Retry-After.",
    };

    /// <summary>The OAuth endpoints take forms (RFC 6749 4.4, 4.3; RFC 7662 2.1; RFC 7009 2.1).</summary>
    private static readonly Dictionary<string, (string[] Fields, string[] Required, string Example)> Forms = new(StringComparer.Ordinal)
    {
        [TokenEndpoints.Path] = (["grant_type", "client_id", "client_secret", "username", "password"], ["grant_type"],
            "grant_type=client_credentials&client_id=8d2f0a1e-6c1b-4f7e-9a43-2b5c7d9e0f11&client_secret=s3cr3t"),
        ["/api/2/idp/introspect_token"] = (["token"], ["token"], "token=eyJhbGciOiJSUzI1NiJ9..."),
        ["/api/2/idp/revoke_token"] = (["token", "token_type_hint"], ["token"], "token=eyJhbGciOiJSUzI1NiJ9..."),
    };

    public static async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var description = context.Description;
        var path = "/" + (description.RelativePath ?? "").Split('?')[0].TrimEnd('/');
        var method = description.HttpMethod ?? "GET";
        var oauth = method == "POST" && Forms.ContainsKey(path);
        if (oauth && operation.RequestBody is null)
        {
            operation.RequestBody = FormBody(Forms[path]);
        }

        AddExample(operation, description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type);

        var envelope = oauth ? typeof(TokenEndpoints.OAuthErrorJson)
            : path.StartsWith("/api/v2.1/", StringComparison.Ordinal) ? typeof(NseErrorBody)
            : path.StartsWith("/api/", StringComparison.Ordinal) ? typeof(AcronisErrorBody)
            : null;
        if (envelope is null || context.Document is not { } document)
        {
            return;
        }

        var schema = await context.GetOrCreateSchemaAsync(envelope, null, ct);
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas.TryAdd(envelope.Name, schema);
        operation.Responses ??= [];
        await OneOfAnswersAsync(operation, context, document, ct);
        foreach (var status in Statuses(description, operation, path, method, oauth))
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = Meanings[status],
                Content = new Dictionary<string, OpenApiMediaType> { [Json] = new() { Schema = new OpenApiSchemaReference(envelope.Name, document) } },
            });
        }
    }

    /// <summary>
    /// An operation that answers 200 with one of several bodies (a write and its dry run: PUT /api/2/tenants/{id}
    /// answers the tenant, or with dry_run=true what the change would do) says so with oneOf; by itself the
    /// document would keep only one of them.
    /// </summary>
    private static async Task OneOfAnswersAsync(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, OpenApiDocument document, CancellationToken ct)
    {
        var types = context.Description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
            .Where(m => m.StatusCode == 200 && m.Type is not null && m.Type != typeof(void))
            .Select(m => m.Type!).Distinct().ToList();
        if (types.Count < 2 || operation.Responses?.TryGetValue("200", out var answer) != true
            || answer!.Content?.TryGetValue(Json, out var media) != true || media is null)
        {
            return;
        }

        var alternatives = new List<IOpenApiSchema>();
        foreach (var type in types)
        {
            document.Components!.Schemas!.TryAdd(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct));
            alternatives.Add(new OpenApiSchemaReference(type.Name, document));
        }

        media.Schema = new OpenApiSchema { OneOf = alternatives };
    }

    /// <summary>The 4xx statuses an operation can answer, from what it takes and who may call it.</summary>
    private static IEnumerable<int> Statuses(
        Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description, OpenApiOperation operation, string path, string method, bool oauth)
    {
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var authorized = metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any();
        var json = operation.RequestBody?.Content?.ContainsKey(Json) == true;
        var pathParameters = description.ParameterDescriptions.Any(p => p.Source == BindingSource.Path);
        var writes = method is "POST" or "PUT" or "DELETE";
        if (json || oauth || pathParameters || description.ParameterDescriptions.Any(p => p.Source == BindingSource.Query))
        {
            yield return 400;
        }

        if (authorized || oauth)
        {
            yield return 401;
        }

        if (authorized)
        {
            yield return 403;
        }

        if (authorized && pathParameters)
        {
            yield return 404;
        }

        if (authorized && ((writes && (json || method != "POST") && !NeverConflicts(path)) || path.EndsWith("/check_login", StringComparison.Ordinal)))
        {
            yield return 409;
        }

        if (authorized && ((method == "DELETE" && path.StartsWith("/api/v2.1/", StringComparison.Ordinal)) || (writes && pathParameters && TakesIfMatch(path))))
        {
            yield return 412;
        }

        if (authorized && writes)
        {
            yield return 422;
        }

        if (json)
        {
            yield return 413;
            yield return 415;
        }

        if ((authorized && writes) || oauth)
        {
            yield return 429;
        }
    }

    /// <summary>The objects whose writes take If-Match (see <see cref="Preconditions"/>).</summary>
    private static bool TakesIfMatch(string path) =>
        path.StartsWith("/api/2/tenants/{tenantId}", StringComparison.Ordinal) && path.Count(c => c == '/') == 4
        || path.StartsWith("/api/2/users/{userId}", StringComparison.Ordinal) && path.Count(c => c == '/') == 4
        || path.StartsWith("/api/2/clients/{clientId}", StringComparison.Ordinal) && path.Count(c => c == '/') == 4
        || path == "/api/v2.1/tenants/{tenantId}";

    /// <summary>API clients carry no version and no unique field of their own; usage and passwords overwrite.</summary>
    private static bool NeverConflicts(string path) =>
        path.StartsWith("/api/2/clients", StringComparison.Ordinal) || path == "/api/2/usage" || path.EndsWith("/password", StringComparison.Ordinal);

    private static OpenApiRequestBody FormBody((string[] Fields, string[] Required, string Example) form) => new()
    {
        Required = true,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [Form] = new()
            {
                Schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = form.Fields.ToDictionary(f => f, IOpenApiSchema (_) => new OpenApiSchema { Type = JsonSchemaType.String }),
                    Required = new HashSet<string>(form.Required),
                },
                Example = JsonValue.Create(form.Example),
            },
        },
    };

    private static void AddExample(OpenApiOperation operation, Type? bodyType)
    {
        if (bodyType?.GetCustomAttribute<RequestExampleAttribute>() is { } example
            && operation.RequestBody?.Content?.TryGetValue(Json, out var media) == true)
        {
            media.Example = JsonNode.Parse(example.Json);
        }
    }

    /// <summary>
    /// Parameter names as sent: query keys in snake_case (ASP.NET Core matches them without regard to case)
    /// and route placeholders in snake_case too ({tenantId} is {tenant_id}: the address is the same).
    /// </summary>
    public static Task SnakeCaseParametersAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var paths = new OpenApiPaths();
        foreach (var (template, item) in document.Paths)
        {
            foreach (var parameter in (item.Operations ?? []).Values.SelectMany(o => o.Parameters ?? []).OfType<OpenApiParameter>())
            {
                parameter.Name = SnakeCase(parameter.Name);
            }

            paths[string.Join('/', template.Split('/').Select(s => s.StartsWith('{') ? SnakeCase(s) : s))] = item;
        }

        document.Paths = paths;
        return Task.CompletedTask;
    }

    private static string SnakeCase(string? name) => JsonNamingPolicy.SnakeCaseLower.ConvertName(name ?? "");

    /// <summary>An Optional&lt;T&gt; field of a partial update is, on the wire, just a T that may be left out.</summary>
    public static async Task OptionalAsValueAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        if (OptionalOf(context.JsonTypeInfo.Type) is not { } inner)
        {
            return;
        }

        var value = await context.GetOrCreateSchemaAsync(inner, null, ct);
        schema.Type = value.Type;
        schema.Format = value.Format;
        schema.Pattern = value.Pattern;
        schema.Items = value.Items;
        schema.Properties = null;
        schema.Required = null;
    }

    public static Type? OptionalOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>) ? type.GetGenericArguments()[0] : null;
}

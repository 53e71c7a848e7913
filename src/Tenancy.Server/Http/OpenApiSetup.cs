using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Tenancy.Server.Http;

/// <summary>The served OpenAPI document: title, and how its operations authenticate.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddTenancyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Tenancy";
                doc.Info.Description = "Tenant tree, lifecycle and billing: the /api/2 and /api/v2.1 dialects. " +
                    "Get a bearer token from POST /api/2/idp/token (grant_type=client_credentials).";
                doc.Components ??= new OpenApiComponents();
                doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                doc.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Access token from POST /api/2/idp/token.",
                };
                doc.Components.SecuritySchemes["basic"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = "An API client's id and secret (/api/v2.1 only).",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
                {
                    var requirement = new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [],
                    };
                    operation.Security = [requirement];
                    if (context.Description.RelativePath?.StartsWith("api/v2.1", StringComparison.Ordinal) == true)
                    {
                        operation.Security.Add(new OpenApiSecurityRequirement
                        {
                            [new OpenApiSecuritySchemeReference("basic", context.Document)] = [],
                        });
                    }
                }

                return Task.CompletedTask;
            });
            o.AddOperationTransformer(OpenApiOperations.TransformAsync);
            o.AddDocumentTransformer(OpenApiOperations.SnakeCaseParametersAsync);
            o.AddSchemaTransformer(OpenApiOperations.OptionalAsValueAsync);
            // Partial-update fields are inlined as their values, not shared as "OptionalOfstring" components.
            o.CreateSchemaReferenceId = type =>
                OpenApiOperations.OptionalOf(type.Type) is null ? OpenApiOptions.CreateDefaultSchemaReferenceId(type) : null;
        });

    /// <summary>The document at /openapi/v1.json, its reference page at /docs.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", ConfigureReference);
        return app;
    }

    /// <summary>
    /// A self-hosted install talks to nobody else: no hosted API client, developer toolbar (deploy and share to
    /// scalar.com), AI agent, MCP, telemetry or CDN fonts; "Test request" still calls this server directly.
    /// </summary>
    public static void ConfigureReference(ScalarOptions options) => options
        .WithTitle("Tenancy API")
        .HideClientButton()
        .HideDeveloperTools()
        .DisableAgent()
        .DisableMcp()
        .DisableTelemetry()
        .DisableDefaultFonts();
}

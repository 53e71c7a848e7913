using System.Net.Mime;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Tenancy.Server.Http;

/// <summary>
/// A request record bound from a JSON body. Minimal APIs bind it through <see cref="BindAsync"/>, so a
/// handler takes the record as a parameter; a body that cannot be read or breaks <see cref="Validate"/>
/// binds to null and leaves its error on the request, where the group's <see cref="DialectFilter"/>
/// answers it in the dialect's envelope before the handler runs. The endpoint declares the record as its
/// JSON request body, which is what the OpenAPI document shows.
/// </summary>
public abstract record JsonRequest<TSelf> : IEndpointParameterMetadataProvider
    where TSelf : JsonRequest<TSelf>
{
    public static async ValueTask<TSelf?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var body = await RequestJson.ReadAsync<TSelf>(context.Request, context.RequestAborted);
        if (body.IsOk && body.Value is IQuotesVersion<TSelf> quoting)
        {
            // If-Match may quote the version in place of the body, or with it when they agree.
            var quoted = Preconditions.Quoted(context, quoting.Version);
            body = !quoted.IsOk ? quoted.Error : quoted.Value is { } v ? quoting.WithVersion(v) : body;
        }

        var error = body.IsOk ? body.Value.Validate() : body.Error;
        if (error is null)
        {
            return body.Value;
        }

        DialectFilter.SetBindingError(context, error);
        return null;
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata([MediaTypeNames.Application.Json], typeof(TSelf)));

    /// <summary>Required fields and rules across fields, checked once the types fit; the first problem names its field.</summary>
    protected virtual Invalid? Validate() => null;

    protected static Invalid? Required(object? value, string field) =>
        value is null ? new Invalid(field, $"{field} is required.") : null;

    protected static Invalid? NotBlank(string? value, string field) =>
        value is not null && string.IsNullOrWhiteSpace(value) ? new Invalid(field, $"{field} must be a non-empty string.") : null;
}

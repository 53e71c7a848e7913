using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.Unicode;

namespace Tenancy.Server.Http;

/// <summary>
/// Reads JSON request bodies into request records with System.Text.Json, turning every client mistake
/// into an error value that names the field as sent. Unknown keys are ignored; numbers and booleans may
/// come as strings, as the original clients send them.
/// </summary>
public static class RequestJson
{
    public const int MaxBytes = 1 << 20;
    public const int MaxDepth = 32;

    /// <summary>The options request bodies are read with: snake_case names, matched exactly, and the loose converters.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Reads the body of <paramref name="request"/> as a <typeparamref name="T"/>.</summary>
    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, CancellationToken ct)
    {
        var bytes = await ReadBytesAsync(request, ct);
        if (!bytes.IsOk)
        {
            return bytes.Error;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes.Value, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            // The reader's message names its internals; the position is what helps a client find the mistake.
            return new Invalid("body", e.LineNumber is { } line && e.BytePositionInLine is { } at
                ? $"The request body is not valid JSON (line {line + 1}, byte {at + 1})."
                : "The request body is not valid JSON.");
        }

        using (doc)
        {
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? Bind<T>(doc.RootElement)
                : new Invalid("body", "The request body must be a JSON object.");
        }
    }

    /// <summary>Binds one JSON object; the first value that does not fit its field is the error.</summary>
    public static Result<T> Bind<T>(JsonElement obj)
    {
        try
        {
            return Result<T>.Ok(obj.Deserialize<T>(Options)!);
        }
        catch (JsonException e)
        {
            var field = FieldOf(e.Path);
            if (field.Length == 0)
            {
                return new Invalid("body", "The request body must be a JSON object.");
            }

            var problem = e is FieldProblem ? e.Message : $"must be {Expected(typeof(T), field)}";
            return new Invalid(field, $"{field} {problem}.");
        }
    }

    private static async Task<Result<byte[]>> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        if (!IsJson(request.ContentType))
        {
            return new UnsupportedMediaType("The request body must be sent with Content-Type: application/json.");
        }

        if (request.ContentLength > MaxBytes)
        {
            return TooLarge();
        }

        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    return TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }

            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }
        catch (BadHttpRequestException)
        {
            // The body ended before its Content-Length (the client went away or sent less): a client's mistake.
            return new Invalid("body", "The request body ended before the length it announced.");
        }

        // The parser checks the structure but not the bytes inside strings; reading such a string later
        // would throw, so invalid UTF-8 (RFC 8259 section 8.1) is refused here, as bad input.
        return Utf8.IsValid(bytes) ? bytes : new Invalid("body", "The request body is not valid UTF-8.");
    }

    private static PayloadTooLarge TooLarge() => new($"The request body must not exceed {MaxBytes} bytes.");

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>"$.contact.email" is contact.email, "$.notifications[2]" is notifications; "$" is the body itself.</summary>
    private static string FieldOf(string? path)
    {
        var names = (path ?? "$").Split('.').Skip(1).Select(s => s.Split('[')[0]).Where(s => s.Length > 0);
        return string.Join('.', names);
    }

    /// <summary>What the field at <paramref name="field"/> takes, in words, for a value of the wrong JSON type.</summary>
    private static string Expected(Type root, string field)
    {
        var type = root;
        foreach (var name in field.Split('.'))
        {
            var property = Options.GetTypeInfo(type).Properties.FirstOrDefault(p => p.Name == name);
            if (property is null)
            {
                break;
            }

            type = Unwrap(property.PropertyType);
        }

        return type == typeof(string) ? "a string"
            : type == typeof(bool) ? "true or false"
            : type == typeof(long) ? "a non-negative integer"
            : type == typeof(double) ? "a non-negative number"
            : Options.GetTypeInfo(type).Kind == JsonTypeInfoKind.Enumerable ? "an array"
            : "an object";
    }

    private static Type Unwrap(Type type) =>
        type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Optional<>) || type.GetGenericTypeDefinition() == typeof(Nullable<>))
            ? Unwrap(type.GetGenericArguments()[0])
            : type;

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            MaxDepth = MaxDepth,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { RefuseNullWhereNotDeclared } },
        };
        options.Converters.Add(new StrictStringConverter());
        options.Converters.Add(new StringListConverter());
        options.Converters.Add(new LooseBooleanConverter());
        options.Converters.Add(new LooseNumberConverter<long>(NumberStyles.AllowLeadingSign, "must be a non-negative integer"));
        options.Converters.Add(new LooseNumberConverter<double>(NumberStyles.Float, "must be a non-negative number"));
        options.Converters.Add(new OptionalConverterFactory());
        options.MakeReadOnly(populateMissingResolver: false);
        return options;
    }

    /// <summary>
    /// An Optional&lt;string&gt; property takes no null (a name cannot be unset); Optional&lt;string?&gt; does. Both are
    /// one type at run time, so the property's declared nullability decides.
    /// </summary>
    private static void RefuseNullWhereNotDeclared(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var nullability = new NullabilityInfoContext();
        foreach (var property in info.Properties)
        {
            var type = property.PropertyType;
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>) && !type.GetGenericArguments()[0].IsValueType
                && property.AttributeProvider is PropertyInfo declared
                && nullability.Create(declared).GenericTypeArguments[0].ReadState == NullabilityState.NotNull)
            {
                property.CustomConverter = OptionalConverterFactory.Create(type.GetGenericArguments()[0], allowNull: false);
            }
        }
    }
}

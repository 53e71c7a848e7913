using System.Text.Json;
using System.Text.Unicode;
using Tenancy.Server.Errors;

namespace Tenancy.Server.Http;

/// <summary>Reads a request body as a JSON object, turning every client mistake into an error value.</summary>
public static class JsonBody
{
    public const int MaxBytes = 1 << 20;
    public const int MaxDepth = 32;

    public static async Task<Result<JsonElement>> ReadObjectAsync(HttpRequest request, CancellationToken ct)
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

        // JsonDocument checks the structure but not the bytes inside strings; reading such a string later
        // would throw, so invalid UTF-8 (RFC 8259 section 8.1) is refused here, as bad input.
        if (!Utf8.IsValid(bytes))
        {
            return new Invalid("body", "The request body is not valid UTF-8.");
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth });
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? doc.RootElement.Clone()
                : new Invalid("body", "The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            return new Invalid("body", $"The request body is not valid JSON: {e.Message}");
        }
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
}

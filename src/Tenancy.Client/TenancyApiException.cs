using System.Net;
using System.Text.Json;

namespace Tenancy.Client;

/// <summary>
/// The server refused a request: its HTTP status and, from the dialect's error envelope, the error code
/// (1001 version mismatch, 1005 not found, ...), the message and, for a version conflict, the current version.
/// </summary>
public sealed class TenancyApiException : Exception
{
    public TenancyApiException(HttpStatusCode status, int code, string message, long? currentVersion = null, string? body = null)
        : base(message)
    {
        Status = status;
        Code = code;
        CurrentVersion = currentVersion;
        Body = body;
    }

    public TenancyApiException()
    {
    }

    public TenancyApiException(string message) : base(message)
    {
    }

    public TenancyApiException(string message, Exception innerException) : base(message, innerException)
    {
    }

    public HttpStatusCode Status { get; }

    /// <summary>The error code of the envelope (the HTTP status when the body names none).</summary>
    public int Code { get; }

    /// <summary>For a version conflict (409, 1001): the version the server holds now.</summary>
    public long? CurrentVersion { get; }

    /// <summary>The response body as received.</summary>
    public string? Body { get; }

    /// <summary>Reads the error of either dialect: {"error":{"code","message","context"}} or {"status":{"code","user_message","verbose_message"}}.</summary>
    internal static TenancyApiException From(HttpStatusCode status, string body)
    {
        var code = (int)status;
        var message = $"The server answered {(int)status} {status}.";
        long? current = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("error", out var e) || root.TryGetProperty("status", out e))
                && e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("code", out var c) && c.TryGetInt32(out var n))
                {
                    code = n;
                }

                if (e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString()!;
                }
                else if (e.TryGetProperty("user_message", out var u) && u.ValueKind == JsonValueKind.String)
                {
                    // The /api/v2.1 envelope: user_message, and verbose_message with the detail.
                    message = e.TryGetProperty("verbose_message", out var v2) && v2.ValueKind == JsonValueKind.String
                        ? $"{u.GetString()} {v2.GetString()}"
                        : u.GetString()!;
                }

                if (e.TryGetProperty("context", out var ctx) && ctx.ValueKind == JsonValueKind.Object
                    && ctx.TryGetProperty("current_version", out var v) && v.TryGetInt64(out var cv))
                {
                    current = cv;
                }
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error_description", out var d))
            {
                // The token endpoint speaks OAuth 2.0 (RFC 6749 5.2).
                message = d.GetString() ?? message;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, say): the status says enough.
        }

        return new TenancyApiException(status, code, message, current, body);
    }
}

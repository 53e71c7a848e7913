namespace Tenancy.Tests.Hardening;

/// <summary>Which error shape a response should have, and whether it has it.</summary>
public static class Envelopes
{
    public enum Shape
    {
        /// <summary>Not an API path: any error body will do.</summary>
        None,
        Acronis,
        Nse,
        OAuth,
    }

    public static Shape Expected(string method, string path)
    {
        if (method == "POST" && Tenancy.Server.Http.Dialect.OAuthPaths.Contains(path.Split('?')[0].TrimEnd('/'), StringComparer.OrdinalIgnoreCase))
        {
            return Shape.OAuth;
        }

        return path.StartsWith("/api/v2.1", StringComparison.OrdinalIgnoreCase) && (path.Length == 9 || path[9] == '/')
            ? Shape.Nse
            : path.StartsWith("/api", StringComparison.OrdinalIgnoreCase) && (path.Length == 4 || path[4] == '/')
                ? Shape.Acronis
                : Shape.None;
    }

    /// <summary>Null when <paramref name="body"/> is the expected error shape for <paramref name="status"/>, else what is wrong.</summary>
    public static string? Problem(Shape shape, HttpStatusCode status, string? contentType, string body)
    {
        if (shape == Shape.None)
        {
            return null;
        }

        if (contentType is null || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return $"content type {contentType ?? "(none)"}";
        }

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return "body is not JSON";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return "body is not an object";
        }

        return shape switch
        {
            Shape.OAuth => Is(root, "error", JsonValueKind.String) && Is(root, "error_description", JsonValueKind.String)
                ? null : "not an OAuth error",
            Shape.Nse => root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object
                && Is(s, "user_message", JsonValueKind.String) && Is(s, "verbose_message", JsonValueKind.String)
                && s.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number && code.GetInt32() == (int)status
                && Is(root, "result", JsonValueKind.Object)
                ? null : "not a /api/v2.1 status envelope",
            _ => root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                && Is(e, "code", JsonValueKind.Number) && Is(e, "message", JsonValueKind.String)
                && Is(e, "details", JsonValueKind.Object) && Is(e, "domain", JsonValueKind.String) && Is(e, "context", JsonValueKind.Object)
                ? null : "not a /api/2 error envelope",
        };
    }

    private static bool Is(JsonElement obj, string name, JsonValueKind kind) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == kind;
}

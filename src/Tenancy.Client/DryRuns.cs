using System.Text.Json;

namespace Tenancy.Client;

/// <summary>Reads a dry-run answer of either dialect (/api/v2.1 wraps it in {"status","result"}).</summary>
internal static class DryRuns
{
    /// <summary>The dry run, or null when the body is not one (the server did the request instead of previewing it).</summary>
    public static DryRun? Read(JsonElement body)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("result", out var inner))
        {
            body = inner;
        }

        return body.ValueKind == JsonValueKind.Object && body.TryGetProperty("dry_run", out var flag) && flag.ValueKind == JsonValueKind.True
            ? body.Deserialize<DryRun>(TenancyJson.Options)
            : null;
    }
}

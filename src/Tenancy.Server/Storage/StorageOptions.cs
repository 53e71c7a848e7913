namespace Tenancy.Server.Storage;

/// <summary>Bound from the "Tenancy:Storage" configuration section.</summary>
public sealed class StorageOptions
{
    public const string Section = "Tenancy:Storage";

    /// <summary>"sqlite" (default, embedded) or "postgres".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>Default: a SQLite file under ./data.</summary>
    public string? ConnectionString { get; set; }
}

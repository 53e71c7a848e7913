using System.Text.Json;
using System.Text.Json.Serialization;
using Tenancy.Client;

namespace Tenancy.Cli;

/// <summary>A server and the credentials to use there.</summary>
public sealed record Profile
{
    public required string Url { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }

    /// <summary>The tenant the credentials belong to: the default root of `tenants tree` and parent of `tenants create`.</summary>
    public string? TenantId { get; init; }

    public TenancyClientOptions ToOptions() => new()
    {
        BaseAddress = new Uri(Url),
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        Username = Username,
        Password = Password,
    };
}

/// <summary>The profiles file: {"default_profile": "...", "profiles": {"name": {...}}}. Created readable by its owner only (0600): it holds secrets.</summary>
public sealed class ProfilesFile
{
    public const string DefaultName = "default";

    public string DefaultProfile { get; set; } = DefaultName;

    public Dictionary<string, Profile> Profiles { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public static ProfilesFile Load(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize<ProfilesFile>(File.ReadAllText(path), Json) ?? new() : new();

    /// <summary>Writes the file through a new 0600 file moved into place, in a 0700 directory.</summary>
    public void Save(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var file = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(file, this, Json);
        }

        if (!OperatingSystem.IsWindows())
        {
            // An existing .new file keeps its mode on FileMode.Create: set it again.
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

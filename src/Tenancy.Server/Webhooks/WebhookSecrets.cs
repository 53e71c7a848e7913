using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Tenancy.Server.Webhooks;

/// <summary>
/// Webhook signing secrets: made here ("whsec_" + 32 random bytes in base64, as Standard Webhooks shows
/// them), shown once, and stored encrypted with ASP.NET Core Data Protection (authenticated encryption with
/// keys that rotate). A hash would not do: the server needs the secret itself to sign every delivery.
/// The keys live in the store (table protection_keys) unless Tenancy:Webhooks:KeyDirectory names a directory,
/// so every instance can sign; see docs/events.md for what that protects against.
/// </summary>
public sealed class WebhookSecrets(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Tenancy.Webhooks.Secret");

    public static string New() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string stored) => _protector.Unprotect(stored);

    public static void AddTo(IServiceCollection services, IConfiguration configuration)
    {
        var builder = services.AddDataProtection().SetApplicationName("Tenancy");
        if (configuration[$"{WebhookOptions.Section}:{nameof(WebhookOptions.KeyDirectory)}"] is { Length: > 0 } directory)
        {
            builder.PersistKeysToFileSystem(new DirectoryInfo(directory));
        }
        else
        {
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
                new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new ProtectionKeyStore(sp.GetRequiredService<Database>())));
        }

        services.AddSingleton<WebhookSecrets>();
    }
}

/// <summary>The Data Protection key ring in the store, shared by every instance (migration 0016).</summary>
public sealed class ProtectionKeyStore(Database db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = db.OpenAsync().GetAwaiter().GetResult();
        return [.. c.Query<string>("SELECT xml FROM protection_keys ORDER BY name").Select(x => XElement.Parse(x))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var c = db.OpenWriteAsync().GetAwaiter().GetResult();
        c.Execute("INSERT INTO protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}

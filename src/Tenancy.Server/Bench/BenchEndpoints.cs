using Microsoft.AspNetCore.Http.HttpResults;
namespace Tenancy.Server.Bench;

/// <summary>
/// The benchmark's ceiling: what this server binary answers when a request costs nothing but routing
/// and serializing a tenant. Mapped only with Tenancy:Bench:Enabled=true (bench/run.sh sets it).
/// </summary>
public static class BenchEndpoints
{
    public const string EnabledKey = "Tenancy:Bench:Enabled";

    public const string CeilingPath = "/bench/ceiling";

    /// <summary>A customer shaped like the seeded ones, so the body has the size and shape of a GET /api/2/tenants/{id}.</summary>
    private static readonly TenantView Sample = new(
        new Tenant
        {
            Seq = 123_456,
            Id = "0f3c2b1a-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
            ParentSeq = 1_234,
            ParentId = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
            Path = "/1/2/1234/123456/",
            Level = 3,
            Kind = TenantKinds.Customer,
            Name = "Customer 000123456",
            Enabled = true,
            Version = 1,
            CreatedAt = 1_735_689_600_000_000,
            UpdatedAt = 1_735_689_600_000_000,
            BrandUuid = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e",
            DefaultIdpId = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f",
        },
        HasChildren: true,
        DisabledBy: null);

    public static IEndpointRouteBuilder MapBench(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>(EnabledKey))
        {
            app.MapGet(CeilingPath, Ceiling).AllowAnonymous().ExcludeFromDescription();
        }

        return app;
    }

    private static Ok<TenantJson> Ceiling() => TypedResults.Ok(TenantJson.From(Sample));
}

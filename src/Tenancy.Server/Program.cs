using System.Text.Json;
using Scalar.AspNetCore;
using Tenancy.Server.Auth;
using Tenancy.Server.Bench;
using Tenancy.Server.Clients;
using Tenancy.Server.Http;
using Tenancy.Server.Nse;
using Tenancy.Server.Storage;
using Tenancy.Server.Tenants;
using Tenancy.Server.Usage;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

builder.WebHost.ConfigureKestrel(o =>
{
    o.AddServerHeader = false;
    // JSON bodies are capped at 1 MiB by JsonBody, with an answer in the dialect's envelope. Kestrel's own
    // cap is higher so that it can still read and discard a refused body and the client gets that answer
    // instead of a reset connection.
    o.Limits.MaxRequestBodySize = 8 * JsonBody.MaxBytes;
});

builder.Services.Configure<StorageOptions>(builder.Configuration.GetSection(StorageOptions.Section));
builder.Services.Configure<BootstrapOptions>(builder.Configuration.GetSection(BootstrapOptions.Section));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<Database>();
builder.Services.AddSingleton<StoreInitializer>();
builder.Services.AddSingleton<TenantStore>();
builder.Services.AddSingleton<TenantService>();
builder.Services.AddSingleton<ClientStore>();
builder.Services.AddSingleton<ClientService>();
builder.Services.AddSingleton<BillingStore>();
builder.Services.AddSingleton<UsageStore>();
builder.Services.AddSingleton<UsageService>();
builder.Services.AddSingleton<NseTenantStore>();
builder.Services.AddTenancyAuth(builder.Configuration);
builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "Tenancy";
    doc.Info.Description = "Tenant tree, lifecycle and billing: the /api/2 and /api/v2.1 dialects.";
    return Task.CompletedTask;
}));

var app = builder.Build();
if (args.FirstOrDefault() == "migrate")
{
    // `Tenancy.Server migrate`: apply the migrations and exit, for deployments that migrate explicitly.
    await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync(migrateOnly: true);
    return;
}

await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync();

app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = Faults.HandleAsync });
app.UseStatusCodePages(Faults.StatusCodeAsync);
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi();
app.MapScalarApiReference("/docs");
app.MapHealth();
app.MapIdp();
app.MapTenants();
app.MapClients();
app.MapSubscriptions();
app.MapUsage();
app.MapNse();
app.MapBench();

app.Run();

/// <summary>Entry point, visible to the HTTP-level tests.</summary>
public partial class Program;

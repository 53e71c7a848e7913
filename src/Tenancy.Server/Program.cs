using System.Text.Json;
using Microsoft.Extensions.Options;
using Tenancy.Server.Activation;
using Tenancy.Server.Bench;
using Tenancy.Server.Catalog;
using Tenancy.Server.Idempotency;
using Tenancy.Server.Lifecycle;
using Tenancy.Server.Clients;
using Tenancy.Server.Demo;
using Tenancy.Server.Deletions;
using Tenancy.Server.Events;
using Tenancy.Server.Nse;
using Tenancy.Server.OfferingItems;
using Tenancy.Server.Pricing;
using Tenancy.Server.Reports;
using Tenancy.Server.Sessions;
using Tenancy.Server.Search;
using Tenancy.Server.Storage.Caching;
using Tenancy.Server.Usage;
using Tenancy.Server.Users;
using Tenancy.Server.WebConsole;
using Tenancy.Server.Webhooks;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

builder.WebHost.ConfigureKestrel(RequestLimits.ConfigureKestrel);
builder.AddTenancyLogging();

builder.Services.Configure<StorageOptions>(builder.Configuration.GetSection(StorageOptions.Section));
builder.Services.Configure<BootstrapOptions>(builder.Configuration.GetSection(BootstrapOptions.Section));
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddSingleton(TimeProvider.System);

builder.Services.Configure<CatalogOptions>(builder.Configuration.GetSection(CatalogOptions.Section));
builder.Services.AddSingleton(sp => CatalogFile.Load(sp.GetRequiredService<IOptions<CatalogOptions>>().Value, AppContext.BaseDirectory));
builder.Services.AddSingleton<Database>();
builder.Services.AddSingleton<StoreInitializer>();
builder.Services.AddSingleton<DemoSeed>();
builder.Services.AddSingleton<TenantStore>();
builder.Services.AddSingleton<TenantWriter>();
builder.Services.AddSingleton<TenantService>();
builder.Services.AddSingleton<ImpactStore>();
builder.Services.AddSingleton<DryRuns>();
builder.Services.Configure<DeletionOptions>(builder.Configuration.GetSection(DeletionOptions.Section));
builder.Services.AddSingleton<DeletionStore>();
builder.Services.AddSingleton<DeletionPlanner>();
builder.Services.AddSingleton<DeletionService>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<DeletionWorker>());
builder.Services.AddSingleton<DeletionWorker>();
builder.Services.AddSingleton<ClientStore>();
builder.Services.AddSingleton<ClientService>();
builder.Services.AddSingleton<AuditStore>();
builder.Services.AddSingleton<BillingStore>();
builder.Services.AddSingleton<UsageStore>();
builder.Services.AddSingleton<UsageService>();
builder.Services.AddSingleton<ItemUsageStore>();
builder.Services.AddSingleton<ItemUsageService>();
// Quotas of tenants' offering items, for the usage checks of item usage (Usage/Quotas.cs).
builder.Services.AddSingleton<IQuotaSource, OfferingItemQuotas>();
builder.Services.AddSingleton<NseTenantStore>();
builder.Services.Configure<PasswordOptions>(builder.Configuration.GetSection(PasswordOptions.Section));
builder.Services.AddSingleton<Passwords>();
builder.Services.AddSingleton<UserStore>();
builder.Services.AddSingleton<GrantStore>();
builder.Services.AddSingleton<GrantService>();
builder.Services.AddSingleton<UserService>();
builder.Services.AddSingleton<UserListService>();
builder.Services.AddSingleton<SearchStore>();
builder.Services.AddSingleton<SearchService>();
builder.Services.AddSingleton<ApplicationStore>();
builder.Services.AddSingleton<ApplicationService>();
builder.Services.AddSingleton<PricingStore>();
builder.Services.AddSingleton<PricingService>();
builder.Services.AddSingleton<OfferingItemStore>();
builder.Services.AddSingleton<OfferingItemService>();
builder.Services.AddSingleton<EditionService>();
builder.Services.Configure<ReportOptions>(builder.Configuration.GetSection(ReportOptions.Section));
builder.Services.AddSingleton<ReportStore>();
builder.Services.AddSingleton<ReportService>();
builder.Services.AddSingleton<ReportSignal>();
builder.Services.AddSingleton<ReportScope>();
builder.Services.AddSingleton<UsageSource>();
builder.Services.AddHostedService<ReportWorker>();
builder.Services.Configure<EmailOptions>(builder.Configuration.GetSection(EmailOptions.Section));
builder.Services.Configure<EmailOptions>(o => o.PublicUrl = builder.Configuration[EmailOptions.PublicUrlKey]);
builder.Services.AddSingleton<ActivationStore>();
builder.Services.AddSingleton<ActivationSignal>();
builder.Services.AddSingleton<ActivationService>();
builder.Services.AddHostedService<ActivationSender>();
builder.Services.Configure<EventOptions>(builder.Configuration.GetSection(EventOptions.Section));
builder.Services.AddSingleton<EventStore>();
builder.Services.AddSingleton<EventFeed>();
builder.Services.AddSingleton<CloudEventJson>();
builder.Services.AddWebhooks(builder.Configuration);
builder.Services.AddHotCache(builder.Configuration);
builder.Services.AddTenancyAuth(builder.Configuration);
builder.Services.AddTenancyRateLimits(builder.Configuration);
builder.Services.AddTenancyIdempotency(builder.Configuration);
builder.Services.AddTenancyOpenApi();
builder.Services.AddTenancyHealth();

var app = builder.Build();
try
{
    // The catalog is read and checked once, before anything else: a bad file stops the start, naming its line.
    app.Services.GetRequiredService<ServiceCatalog>();
}
catch (CatalogException e)
{
    Console.Error.WriteLine(e.Message);
    Environment.ExitCode = 1;
    return;
}

if (args.FirstOrDefault() == "migrate")
{
    // `Tenancy.Server migrate`: apply the migrations and exit, for deployments that migrate explicitly.
    await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync(migrateOnly: true);
    return;
}

await app.Services.GetRequiredService<StoreInitializer>().InitializeAsync();

if (args.FirstOrDefault() == "demo")
{
    // `Tenancy.Server demo`: fill an empty store with a small example tree (docs/deployment.md), then exit.
    Environment.ExitCode = await app.Services.GetRequiredService<DemoSeed>().RunAsync(Console.Out);
    return;
}

app.UseHttpLogging();
app.UseSecurityHeaders();
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    ExceptionHandler = Faults.HandleAsync,
    // An unavailable store is logged once, as a warning, by Faults; only bugs are logged as unhandled errors.
    SuppressDiagnosticsCallback = c => Faults.IsExpected(c.Exception),
});
app.UseStatusCodePages(Faults.StatusCodeAsync);
app.UseRequestLimits();
app.UseHotCache();
app.UseAuthentication();
app.UseSessionCsrf();
app.UseTenancyRateLimits();
app.UseAuthorization();
app.UseIdempotency();

app.MapApiDocs();
app.MapConsole();
app.MapHealth();
app.MapIdp();
app.MapSessions();
app.MapTenants();
app.MapDeletions();
app.MapClients();
app.MapAudit();
app.MapUsers();
app.MapActivation();
app.MapSearch();
app.MapSubscriptions();
app.MapUsage();
app.MapItemUsage();
app.MapApplications();
app.MapPricing();
app.MapOfferingItems();
app.MapReports();
app.MapEvents();
app.MapWebhooks();
app.MapNse();
app.MapBench();

app.Run();

/// <summary>Entry point, visible to the HTTP-level tests.</summary>
public partial class Program;

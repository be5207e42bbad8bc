using Microsoft.AspNetCore.Authorization;
using Declarative.Auth;
using Declarative.Auth.OpenApi;
using Declarative.Auth.Sample;
using Declarative.Auth.Sample.Endpoints;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddControllers();
// The OpenAPI document carries the bearer scheme and each operation's permissions (GET /openapi/v1.json).
builder.Services.AddOpenApi(o => o.AddDeclarativeAuth());
// Keys live in one SQLite file next to the app (only hashes); KeysDb overrides the path.
var keysDb = builder.Configuration["KeysDb"] ?? "keys.db";
builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "sample")
    .UseSqliteStore(keysDb);

var app = builder.Build();

app.UseDeclarativeAuth();

app.MapOpenApi().AllowAnonymous();

app.MapGet("/", [AllowAnonymous] (HttpRequest request) => Results.Text(DemoKeys.Usage($"{request.Scheme}://{request.Host}{request.PathBase}"), "text/plain"));
app.MapGet("/health", () => Results.Ok(new { status = "ok" })).AllowAnonymous();

// Event ingestion (Krenalis-style): API keys with write:events, and event write keys (one source connection each).
app.MapPost("/v1/events", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (EventBatch batch) =>
    Results.Accepted(value: new { accepted = batch.Events.Count }));
app.MapGet("/v1/events/stats", [RequiresKey(KeyType.Read, Scope = "events")] () =>
    Results.Ok(new { received = 0 }));

// Monitors (Kener-style) as a route group: the group's declaration covers its endpoints,
// a handler's own [RequiresKey] replaces it.
var monitors = app.MapGroup("/api/monitors").RequireKey(KeyType.Read, "monitors");
monitors.MapGet("/", MonitorHandlers.List);
monitors.MapGet("/{id}", MonitorHandlers.Get);
monitors.MapPost("/", MonitorHandlers.Create);
monitors.MapDelete("/{id}", MonitorHandlers.Delete);

// Incidents are mapped by an extension method; their declarations sit on the handlers.
app.MapIncidents();

// Reports (FloKit-style) and workspace settings are controllers.
app.MapControllers();

// Key management over HTTP for admin keys: POST/GET /auth/keys, /auth/keys/{id}/revoke|rotate|expire.
app.MapApiKeyManagement();
// The key console page at /auth/console (public HTML; every call it makes needs an admin key).
app.MapKeyConsole();

// Demo keys are made before the first request; what to try is printed once the address is known (--urls too).
var demo = await DemoKeys.CreateIfEmptyAsync(app);
app.Lifetime.ApplicationStarted.Register(() => DemoKeys.Print(app, demo, keysDb, Console.Out));
app.Run();

/// <summary>The sample's entry point, visible to its tests.</summary>
public partial class Program;

using Declarative.Auth;
using Declarative.Auth.OpenApi;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "consumer")
    .UseSqliteStore(builder.Configuration["KeysDb"] ?? "keys.db");
// The app's own OpenAPI code (its Microsoft.OpenApi version) next to ours.
builder.Services.AddOpenApi(o => o.AddDeclarativeAuth().AddDocumentTransformer((document, _, _) =>
{
    document.Info = new OpenApiInfo { Title = "Consumer", Version = "v1" };
    return Task.CompletedTask;
}));
var app = builder.Build();
app.UseDeclarativeAuth();

app.MapGet("/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "events");
app.MapGet("/health", [AllowAnonymous] () => "ok");
app.MapGet("/forgotten", () => "no declaration"); // DAUTH001 expected on this line (line 20)
app.MapGet("/manifest", [AllowAnonymous] () =>
    string.Join("\n", Declarative.Auth.Generated.DeclarativeAuthManifest.Instance.Endpoints.Select(e => $"{string.Join(",", e.HttpMethods)} {e.Route} {e.Access} [{string.Join(",", e.Permissions)}]")));
app.MapOpenApi().AllowAnonymous();

app.Run();

public partial class Program;

using Declarative.Auth;
using Microsoft.AspNetCore.Authorization;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "consumer")
    .UseSqliteStore(builder.Configuration["KeysDb"] ?? "keys.db");
var app = builder.Build();
app.UseDeclarativeAuth();

app.MapGet("/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "events");
app.MapGet("/health", [AllowAnonymous] () => "ok");
app.MapGet("/forgotten", () => "no declaration"); // DAUTH001 expected on this line (line 12)
app.MapGet("/manifest", [AllowAnonymous] () =>
    string.Join("\n", Declarative.Auth.Generated.DeclarativeAuthManifest.Instance.Endpoints.Select(e => $"{string.Join(",", e.HttpMethods)} {e.Route} {e.Access} [{string.Join(",", e.Permissions)}]")));

app.Run();

public partial class Program;

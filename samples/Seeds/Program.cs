using Declarative.Auth;
using Declarative.Auth.Seeds;
using Declarative.Auth.Seeds.Apps;
using Microsoft.AspNetCore.Authorization;

// Four APIs whose public auth pages are reproduced with declarations and options alone (no middleware of
// our own): `dotnet run --project samples/Seeds -- kener`, or the App setting (--App kener, App=kener).
var builder = WebApplication.CreateBuilder(args);
var name = (args.FirstOrDefault(a => !a.StartsWith('-') && !a.Contains('=')) ?? builder.Configuration["App"] ?? "").ToLowerInvariant();
var seed = SeedApp.All.FirstOrDefault(a => a.Name == name)
    ?? throw new InvalidOperationException($"Choose an app: {string.Join(", ", SeedApp.All.Select(a => a.Name))} " +
                                           $"(first argument or the App setting), e.g. dotnet run --project samples/Seeds -- kener. Got '{name}'.");

// Keys live in one SQLite file per app (hashes only); the KeysDb setting overrides the path. Options also
// bind from the DeclarativeAuth section, e.g. --DeclarativeAuth:KeyEnvironment=Test.
var auth = builder.Services.AddDeclarativeAuth(o =>
{
    o.KeyPrefix = seed.Name;
    seed.Configure(o);
});
seed.ConfigureAuth(auth);
auth.UseSqliteStore(builder.Configuration["KeysDb"] ?? $"keys-{seed.Name}.db");

var app = builder.Build();
app.UseDeclarativeAuth();
app.MapGet("/", [AllowAnonymous] () => Results.Text(
    $"The {seed.Name} seed API. Its demo keys were printed to the console when its key database was created (secrets are shown once, " +
    "then only their hashes exist); delete the database to get new ones. See samples/Seeds/README.md.", "text/plain"));
seed.Map(app);

// After start-up, so the endpoints are built when the first key is checked against the app's permissions.
app.Lifetime.ApplicationStarted.Register(() => DemoKeys.CreateIfEmptyAsync(app, seed).GetAwaiter().GetResult());
app.Run();

/// <summary>The seeds' entry point, visible to their tests.</summary>
public partial class Program;

namespace Declarative.Auth.Seeds
{
    /// <summary>One seed API: its auth options, its endpoints, and the demo keys printed on first run.</summary>
    internal sealed record SeedApp(
        string Name,
        Action<DeclarativeAuthOptions> Configure,
        Action<DeclarativeAuthBuilder> ConfigureAuth,
        Action<WebApplication> Map,
        Func<ApiKeyService, Task<string>> CreateDemoKeys)
    {
        public static readonly SeedApp[] All = [KrenalisApp.App, KaneoApp.App, KenerApp.App, FloKitApp.App];
    }

    /// <summary>When the store has no keys yet, the app creates its demo keys and prints them once (only hashes are stored).</summary>
    internal static class DemoKeys
    {
        public static async Task CreateIfEmptyAsync(WebApplication app, SeedApp seed)
        {
            var keys = app.Services.GetRequiredService<ApiKeyService>();
            if ((await keys.ListAsync()).Count > 0)
                return;
            Console.WriteLine(await seed.CreateDemoKeys(keys));
        }
    }
}

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
var keysDb = builder.Configuration["KeysDb"] ?? $"keys-{seed.Name}.db";
auth.UseSqliteStore(keysDb);

var app = builder.Build();
app.UseDeclarativeAuth();
app.MapGet("/", [AllowAnonymous] () => Results.Text(
    $"The {seed.Name} seed API. Its demo keys were printed to the console when its key database was created (secrets are shown once, " +
    "then only their hashes exist); delete the database to get new ones. See samples/Seeds/README.md.", "text/plain"));
seed.Map(app);

// After start-up, so the endpoints are built when the first key is checked against the app's permissions.
app.Lifetime.ApplicationStarted.Register(() => DemoKeys.CreateIfEmptyAsync(app, seed, keysDb).GetAwaiter().GetResult());
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
        Func<ApiKeyService, string, Task<string>> CreateDemoKeys)
    {
        public static readonly SeedApp[] All = [KrenalisApp.App, KaneoApp.App, KenerApp.App, FloKitApp.App];

        /// <summary>Where every seed app serves the key console: its "Settings > API keys" page.</summary>
        public const string ConsolePath = "/settings/api-keys";
    }

    /// <summary>
    /// When the store has no keys yet, the app creates its demo keys and prints them once (only hashes are stored),
    /// with curl lines for the address it listens on; on later runs it prints the CLI command that makes a key.
    /// </summary>
    internal static class DemoKeys
    {
        public static async Task CreateIfEmptyAsync(WebApplication app, SeedApp seed, string keysDb)
        {
            var keys = app.Services.GetRequiredService<ApiKeyService>();
            var url = ListeningAddress(app);
            if ((await keys.ListAsync()).Count > 0)
            {
                Console.WriteLine($"""
                    The {seed.Name} seed API on {url}. Its keys were printed when {keysDb} was created (only hashes are kept). A new admin key:
                      dotnet run --project src/Cli -- keys create --sqlite {Path.GetFullPath(keysDb)} --prefix {keys.Format.Prefix} --env {ApiKeyFormat.EnvironmentName(keys.Format.Environment)} --name me --permission admin
                    """);
                return;
            }
            Console.WriteLine(await seed.CreateDemoKeys(keys, url));
        }

        /// <summary>The first address the server listens on, with a wildcard host (--urls http://+:8080) as localhost.</summary>
        internal static string ListeningAddress(WebApplication app)
        {
            var addresses = app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
            var first = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
            if (first is null || !Uri.TryCreate(first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri))
                return "http://localhost:5000";
            var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
            return $"{uri.Scheme}://{host}:{uri.Port}";
        }
    }
}

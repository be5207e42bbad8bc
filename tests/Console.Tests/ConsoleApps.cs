using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Console.Tests;

/// <summary>The sample (which maps the console) on a temporary SQLite key file; in memory (TestServer) unless <see cref="OnKestrel"/>.</summary>
public class SampleApp : WebApplicationFactory<Program>
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-console-").FullName;

    public string KeysDb => Path.Combine(_dir, "keys.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
        => builder.UseSetting("KeysDb", KeysDb).UseSetting("Logging:LogLevel:Default", "Warning");

    public async Task<string> CreateKeyAsync(string name, params string[] permissions)
        => (await Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest { Name = name, Permissions = permissions })).Secret;

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// The sample on a real Kestrel port on 127.0.0.1 (a browser cannot reach a TestServer), with an admin key
/// made through <see cref="ApiKeyService"/>. Shared by the browser tests of one class.
/// </summary>
public sealed class KestrelSample : IAsyncLifetime
{
    private readonly SampleApp _app = new();

    public Uri BaseAddress { get; private set; } = null!;

    public string AdminKey { get; private set; } = "";

    public SampleApp App => _app;

    public async Task InitializeAsync()
    {
        _app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        AdminKey = await _app.CreateKeyAsync("console-admin", "admin");
    }

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>A small app that maps the management API but not the console.</summary>
internal static class AppWithoutConsole
{
    public static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "plain").UseInMemoryStore();
        var app = builder.Build();
        app.UseDeclarativeAuth();
        app.MapApiKeyManagement();
        await app.StartAsync();
        return app;
    }

    /// <summary>The console and management API mapped at custom paths, behind a path base (as behind a proxy).</summary>
    public static async Task<WebApplication> StartWithConsoleAsync(string pathBase, string console, string management)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "plain").UseInMemoryStore();
        var app = builder.Build();
        app.UsePathBase(pathBase);
        app.UseDeclarativeAuth();
        app.MapApiKeyManagement(management);
        app.MapKeyConsole(console, management);
        await app.StartAsync();
        return app;
    }
}

/// <summary>
/// A small app with the console and the management API but no event-ingestion endpoint, on a real Kestrel port:
/// the console must not offer event write keys there.
/// </summary>
public sealed class KestrelPlainApp : IAsyncLifetime
{
    private WebApplication _app = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public string AdminKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "plain").UseInMemoryStore();
        _app = builder.Build();
        _app.UseDeclarativeAuth();
        _app.MapGet("/things", [RequiresKey(KeyType.Read, Scope = "things")] () => "ok");
        _app.MapApiKeyManagement();
        _app.MapKeyConsole();
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.Single());
        AdminKey = (await _app.Services.GetRequiredService<ApiKeyService>().CreateAsync(new CreateApiKeyRequest { Name = "plain-admin", Permissions = ["admin"] })).Secret;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();
}

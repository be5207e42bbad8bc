using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>
/// One seed app (the App setting) over its real host, on a temporary SQLite key database and a clock the test
/// moves (2024-01-01T00:00:00Z, the date of Kener's /me example).
/// </summary>
public abstract class SeedFactory(string app, params (string Key, string Value)[] settings) : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory($"dauth-seeds-{app}-").FullName;

    public ManualClock Clock { get; } = new(Start);

    public ApiKeyService Keys => Services.GetRequiredService<ApiKeyService>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("App", app);
        builder.UseSetting("KeysDb", Path.Combine(_dir, "keys.db"));
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A client sending <c>Authorization: Bearer <paramref name="key"/></c> (none when null).</summary>
    public HttpClient Client(string? key = null)
    {
        var client = CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Creates a key in the app's store and returns its secret.</summary>
    public async Task<string> KeyAsync(CreateApiKeyRequest request)
    {
        _ = Server; // start the host
        return (await Keys.CreateAsync(request)).Secret;
    }

    public Task<string> KeyAsync(params string[] permissions)
        => KeyAsync(new CreateApiKeyRequest { Name = string.Join("+", permissions), Permissions = permissions });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class KrenalisFactory() : SeedFactory("krenalis");

public sealed class KaneoFactory() : SeedFactory("kaneo");

public sealed class KenerFactory() : SeedFactory("kener");

public sealed class FloKitFactory() : SeedFactory("flokit");

/// <summary>FloKit in production: it accepts live keys only.</summary>
public sealed class FloKitLiveFactory() : SeedFactory("flokit", ("DeclarativeAuth:KeyEnvironment", "Live"));

/// <summary>A clock that moves only when told to.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

/// <summary>Tests that set process environment variables run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariables
{
    public const string Name = "environment variables";
}

internal static class Http
{
    public static HttpRequestMessage Request(HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public static async Task<string> BodyAsync(this HttpResponseMessage response) => await response.Content.ReadAsStringAsync();

    public static string Header(this HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"No {name} header.");
}

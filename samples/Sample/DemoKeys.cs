using Declarative.Auth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Declarative.Auth.Sample;

/// <summary>
/// When the store has no keys yet, creates two demo keys and prints them once to the operator's console (stdout),
/// so the sample can be called right away. Only their hashes are stored, and no HTTP page ever shows them: anyone
/// who can reach the app could otherwise read the admin key and mint keys of their own.
/// </summary>
internal static class DemoKeys
{
    /// <summary>What <c>GET /</c> answers: how to call the sample at <paramref name="url"/> (the address it was reached at), with placeholders where the keys go.</summary>
    public static string Usage(string url) => $"""
        Declarative.Auth sample.

        Keys are never shown here. On its first start the sample printed two demo keys (admin and read-only) once,
        to the console it runs in; or create one:
          dotnet run --project src/Cli -- keys create --sqlite samples/Sample/keys.db --prefix sample --env test \
              --name me --permission read:monitors

        Try (with READ_KEY and ADMIN_KEY set to those keys):
          curl -i {url}/api/monitors                                          # 401 UNAUTHORIZED
          curl -i -H "Authorization: Bearer $READ_KEY" {url}/api/monitors     # 200
          curl -i -X POST -H "Authorization: Bearer $READ_KEY" -H "Content-Type: application/json" \
               -d '{"{"}"id":"x","url":"https://x","status":"up"{"}"}' {url}/api/monitors  # 403 FORBIDDEN (needs write:monitors)
          curl -i -H "Authorization: Bearer $ADMIN_KEY" {url}/v1/workspace    # 200
        """;

    /// <summary>The demo keys made now (the store was empty), or null when the store already had keys.</summary>
    public static async Task<(CreatedApiKey Admin, CreatedApiKey Reader)?> CreateIfEmptyAsync(WebApplication app)
    {
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        if ((await keys.ListAsync()).Count > 0)
            return null;
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = "demo-admin", Permissions = ["admin"] });
        var reader = await keys.CreateAsync(new CreateApiKeyRequest
        {
            Name = "demo-read-only",
            Permissions = ["read:events", "read:incidents", "read:monitors", "read:reports"],
        });
        return (admin, reader);
    }

    /// <summary>
    /// Prints, once the server listens: on the first run the demo keys and curl lines for the address it listens
    /// on; on later runs the full CLI command that makes a key for this very database, prefix and environment.
    /// </summary>
    public static void Print(WebApplication app, (CreatedApiKey Admin, CreatedApiKey Reader)? demo, string keysDb, TextWriter console)
    {
        var url = ListeningAddress(app.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses);
        var format = app.Services.GetRequiredService<ApiKeyService>().Format;
        console.WriteLine(demo is { } keys ? FirstRun(keys.Admin.Secret, keys.Reader.Secret, url) : LaterRun(url, keysDb, format));
    }

    internal static string FirstRun(string adminKey, string readKey, string url) => $"""
        Declarative.Auth sample on {url}. Two demo keys were created; they are shown this once, here, and stored only as hashes:
          export ADMIN_KEY={adminKey}
          export READ_KEY={readKey}

          curl -i {url}/api/monitors                                          # 401 UNAUTHORIZED
          curl -i -H "Authorization: Bearer $READ_KEY" {url}/api/monitors     # 200
          curl -i -H "Authorization: Bearer $ADMIN_KEY" {url}/v1/workspace    # 200
          key console: {url}/auth/console (connect with $ADMIN_KEY)
        """;

    internal static string LaterRun(string url, string keysDb, ApiKeyFormat format) => $"""
        Declarative.Auth sample on {url}. The demo keys were printed when {keysDb} was created (only their hashes are kept). A new key:
          dotnet run --project src/Cli -- keys create --sqlite {Path.GetFullPath(keysDb)} --prefix {format.Prefix} --env {ApiKeyFormat.EnvironmentName(format.Environment)} --name me --permission admin
          curl -i -H "Authorization: Bearer <the key>" {url}/v1/workspace    # 200
        """;

    /// <summary>The first http address the server listens on; a wildcard host (http://+:8080, 0.0.0.0, [::]) as localhost.</summary>
    internal static string ListeningAddress(IEnumerable<string>? addresses)
    {
        var all = addresses?.ToArray() ?? [];
        var first = all.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? all.FirstOrDefault();
        if (first is null)
            return "http://localhost:5000";
        var normalized = first.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri))
            return first;
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }
}

using Declarative.Auth;

namespace Declarative.Auth.Sample;

/// <summary>
/// When the store has no keys yet, creates two demo keys and prints them once to the operator's console (stdout),
/// so the sample can be called right away. Only their hashes are stored, and no HTTP page ever shows them: anyone
/// who can reach the app could otherwise read the admin key and mint keys of their own.
/// </summary>
internal static class DemoKeys
{
    /// <summary>What <c>GET /</c> answers: how to call the sample, with placeholders where the keys go.</summary>
    public const string Usage = """
        Declarative.Auth sample.

        Keys are never shown here. On its first start the sample printed two demo keys (admin and read-only) once,
        to the console it runs in; or create one:
          dotnet run --project src/Cli -- keys create --sqlite samples/Sample/keys.db --prefix sample --env test \
              --name me --permission read:monitors

        Try (with READ_KEY and ADMIN_KEY set to those keys):
          curl -i http://localhost:5000/api/monitors                                          # 401 UNAUTHORIZED
          curl -i -H "Authorization: Bearer $READ_KEY" http://localhost:5000/api/monitors     # 200
          curl -i -X POST -H "Authorization: Bearer $READ_KEY" -H "Content-Type: application/json" \
               -d '{"id":"x","url":"https://x","status":"up"}' http://localhost:5000/api/monitors  # 403 FORBIDDEN (needs write:monitors)
          curl -i -H "Authorization: Bearer $ADMIN_KEY" http://localhost:5000/v1/workspace    # 200
        """;

    public static async Task CreateIfEmptyAsync(WebApplication app, TextWriter console)
    {
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        if ((await keys.ListAsync()).Count > 0)
            return;
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = "demo-admin", Permissions = ["admin"] });
        var reader = await keys.CreateAsync(new CreateApiKeyRequest
        {
            Name = "demo-read-only",
            Permissions = ["read:events", "read:incidents", "read:monitors", "read:reports"],
        });
        await console.WriteLineAsync($"""
            Declarative.Auth sample. Two demo keys were created; they are shown this once, here, and stored only as hashes:
              ADMIN_KEY={admin.Secret}
              READ_KEY={reader.Secret}
            See GET / for what to try.
            """);
    }
}

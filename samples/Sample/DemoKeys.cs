using Declarative.Auth;

namespace Declarative.Auth.Sample;

/// <summary>
/// When the store has no keys yet, creates two demo keys and prints them once to the console, so the sample
/// can be called right away. Only their hashes are stored.
/// </summary>
internal static class DemoKeys
{
    private static string s_usage = "Create a key: dotnet run --project src/Cli -- keys create --help";

    public static async Task CreateIfEmptyAsync(WebApplication app)
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
        s_usage = $"""
            Declarative.Auth sample. Two demo keys were created (shown once, stored only as hashes):
              admin      {admin.Secret}
              read-only  {reader.Secret}

            Try:
              curl -i http://localhost:5000/api/monitors                                  # 401 UNAUTHORIZED
              curl -i -H "Authorization: Bearer {reader.Secret}" http://localhost:5000/api/monitors      # 200
              curl -i -X POST -H "Authorization: Bearer {reader.Secret}" -H "Content-Type: application/json" \
                   -d '{"{"}"id":"x","url":"https://x","status":"up"{"}"}' http://localhost:5000/api/monitors  # 403 FORBIDDEN (needs write:monitors)
              curl -i -H "Authorization: Bearer {admin.Secret}" http://localhost:5000/v1/workspace        # 200
            """;
        Console.WriteLine(s_usage);
    }

    public static string Usage() => s_usage;
}

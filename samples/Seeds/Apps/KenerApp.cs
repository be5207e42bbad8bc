namespace Declarative.Auth.Seeds.Apps;

/// <summary>
/// Kener (a status page): permissions <c>read:monitors</c>, <c>write:monitors</c>, <c>delete:monitors</c>,
/// <c>read:incidents</c>, <c>write:incidents</c>, <c>admin</c>; the <c>{"success":false,"error":{...}}</c> error
/// envelope; 100 requests a minute per key with <c>X-RateLimit-*</c> headers; and <c>GET /api/me</c>.
/// </summary>
internal static class KenerApp
{
    public static readonly SeedApp App = new("kener", Configure,
        auth => auth.UseErrorWriter(new EnvelopeAuthErrorWriter()), Map, CreateDemoKeysAsync);

    /// <summary>The page's one message for a bad key, whatever is wrong with it.</summary>
    public const string InvalidKeyMessage = "Invalid API key provided";

    private static void Configure(DeclarativeAuthOptions o)
    {
        o.RateLimits.RequestsPerMinute = 100;
        // Our default names the reason (bad checksum, wrong prefix, other environment); Kener promises one message.
        o.InvalidKeyMessage = InvalidKeyMessage;
    }

    private sealed record Monitor(string Tag, string Name, string Url, string Status);

    private sealed record Incident(string Id, string Title, string State);

    private static readonly Monitor[] Monitors =
    [
        new("api", "API", "https://api.example.com/health", "UP"),
        new("website", "Website", "https://example.com", "DEGRADED"),
    ];

    private static readonly Incident[] Incidents = [new("inc_1", "Slow responses on the website", "INVESTIGATING")];

    // Kener answers in the same envelope it uses for errors.
    private static IResult Ok(object data) => Results.Json(new { success = true, data });

    private static void Map(WebApplication app)
    {
        app.MapGet("/api/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => Ok(Monitors));
        app.MapGet("/api/monitors/{tag}", [RequiresKey(KeyType.Read, Scope = "monitors")] (string tag) =>
            Monitors.FirstOrDefault(m => m.Tag == tag) is { } m ? Ok(m) : Results.NotFound());
        app.MapPost("/api/monitors", [RequiresKey(KeyType.Write, Scope = "monitors")] (Monitor monitor) =>
            Results.Json(new { success = true, data = monitor }, statusCode: StatusCodes.Status201Created));
        app.MapPatch("/api/monitors/{tag}", [RequiresKey(KeyType.Write, Scope = "monitors")] (string tag, Monitor monitor) => Ok(monitor with { Tag = tag }));
        app.MapDelete("/api/monitors/{tag}", [RequiresKey(KeyType.Delete, Scope = "monitors")] (string tag) => Ok(new { tag, deleted = true }));

        app.MapGet("/api/incidents", [RequiresKey(KeyType.Read, Scope = "incidents")] () => Ok(Incidents));
        app.MapPost("/api/incidents", [RequiresKey(KeyType.Write, Scope = "incidents")] (Incident incident) =>
            Results.Json(new { success = true, data = incident }, statusCode: StatusCodes.Status201Created));

        // "Testing Authentication": any valid key, in the page's exact shape.
        app.MapGet("/api/me", [RequiresAnyKey] (HttpContext context) =>
        {
            var me = KeyIntrospectionEndpoint.Describe(context);
            return Ok(new
            {
                key_name = me.Name,
                permissions = me.Permissions,
                created_at = me.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            });
        });

        // Settings > API Keys: generate (name, permissions, optional expiry; shown once), list, revoke. Admin keys only.
        app.MapApiKeyManagement("/api/keys");
        app.MapKeyConsole(SeedApp.ConsolePath, "/api/keys");
    }

    private static async Task<string> CreateDemoKeysAsync(ApiKeyService keys, string url)
    {
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = "admin", Permissions = ["admin"] });
        var service = await keys.CreateAsync(new CreateApiKeyRequest { Name = "monitoring-service", Permissions = ["read:monitors", "write:incidents"] });
        return $"""
            Kener. Demo keys (shown once, stored only as hashes):
              admin               {admin.Secret}
              monitoring-service  {service.Secret}   (read:monitors, write:incidents)

              export KENER_API_KEY="{service.Secret}"
              curl -i -X GET {url}/api/monitors -H "Authorization: Bearer $KENER_API_KEY"
              curl -X GET {url}/api/me -H "Authorization: Bearer $KENER_API_KEY"
              curl -X DELETE {url}/api/monitors/api -H "Authorization: Bearer $KENER_API_KEY"   # 403 FORBIDDEN
              Settings > API Keys: {url}{SeedApp.ConsolePath} (connect with the admin key)
            """;
    }
}

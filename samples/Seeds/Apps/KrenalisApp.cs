using System.Text.Json;

namespace Declarative.Auth.Seeds.Apps;

/// <summary>
/// Krenalis (an event platform): API keys with the workspace in the <c>Krenalis-Workspace</c> header,
/// restricted keys bound to one workspace, event write keys tied to one source connection and accepted only by
/// the ingestion endpoints (which answer CORS), and the organizations key from <c>KRENALIS_ORGANIZATIONS_KEY</c>.
/// </summary>
internal static class KrenalisApp
{
    public const string OrganizationsKeyVariable = "KRENALIS_ORGANIZATIONS_KEY";

    public static readonly SeedApp App = new("krenalis", Configure, _ => { }, Map, CreateDemoKeysAsync);

    public const string KeysPath = "/v1/api-keys";

    private sealed record Connection(string Id, string Workspace, string Type, string Name);

    private static readonly Connection[] Connections =
    [
        new("src_javascript", "ws_marketing", "sdk", "Website (JavaScript SDK)"),
        new("src_webhook", "ws_marketing", "webhook", "Checkout webhook"),
        new("dst_postgres", "ws_marketing", "destination", "Warehouse"),
        new("src_android", "ws_sales", "sdk", "Sales app (Android SDK)"),
    ];

    private static void Configure(DeclarativeAuthOptions o)
    {
        o.Workspace.FromHeader("Krenalis-Workspace");
        o.OrganizationsKey.EnvironmentVariable = OrganizationsKeyVariable; // absent: /v1/organizations is 404
    }

    private static void Map(WebApplication app)
    {
        // Resources within a workspace: Krenalis-Workspace names it; a restricted key needs no header.
        app.MapGet("/v1/connections", [RequiresKey(KeyType.Read, Scope = "connections")][RequiresWorkspace] (HttpContext context) =>
        {
            var workspace = context.GetWorkspace();
            return Results.Ok(new { workspace, connections = Connections.Where(c => c.Workspace == workspace) });
        });

        // The event write keys API: an API key creates the key of one SDK or webhook source connection.
        app.MapPost("/v1/connections/{connection}/event-write-keys", [RequiresKey(KeyType.Write, Scope = "connections")][RequiresWorkspace]
            async (string connection, HttpContext context, ApiKeyService keys) =>
            {
                var workspace = context.GetWorkspace();
                if (SourceIn(connection, workspace) is not { } source)
                    return Results.NotFound(new { error = $"No SDK or webhook source connection '{connection}' in workspace '{workspace}'." });
                var created = await keys.CreateAsync(new CreateApiKeyRequest
                {
                    Name = $"{source.Name} event write key",
                    Kind = ApiKeyKind.EventWrite,
                    SourceConnection = source.Id,
                    Workspace = workspace,
                }, context.RequestAborted);
                // The secret is in this response and nowhere else, ever.
                return Results.Created($"/v1/connections/{source.Id}/event-write-keys/{created.Key.Id}",
                    new { id = created.Key.Id, connection = source.Id, key = created.Secret });
            });

        // The rest of the event write keys API: list a source connection's keys (never their secrets), revoke one.
        app.MapGet("/v1/connections/{connection}/event-write-keys", [RequiresKey(KeyType.Read, Scope = "connections")][RequiresWorkspace]
            async (string connection, HttpContext context, ApiKeyService keys) =>
            {
                var workspace = context.GetWorkspace();
                if (SourceIn(connection, workspace) is not { } source)
                    return Results.NotFound(new { error = $"No SDK or webhook source connection '{connection}' in workspace '{workspace}'." });
                var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
                var list = (await keys.ListAsync(context.RequestAborted)).Where(k => IsWriteKeyOf(k, source, workspace))
                    .OrderBy(k => k.CreatedAt).Select(k => WriteKeyView(k, now));
                return Results.Ok(new { connection = source.Id, keys = list });
            });
        app.MapDelete("/v1/connections/{connection}/event-write-keys/{id}", [RequiresKey(KeyType.Write, Scope = "connections")][RequiresWorkspace]
            async (string connection, string id, HttpContext context, ApiKeyService keys) =>
            {
                var workspace = context.GetWorkspace();
                // Another connection's key, another workspace's, or an API key: all "not found" here.
                if (SourceIn(connection, workspace) is not { } source || await keys.GetAsync(id, context.RequestAborted) is not { } key || !IsWriteKeyOf(key, source, workspace))
                    return Results.NotFound(new { error = $"No event write key '{id}' for source connection '{connection}' in workspace '{workspace}'." });
                var revoked = await keys.RevokeAsync(id, context.RequestAborted);
                return Results.Ok(WriteKeyView(revoked, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()));
            });

        // Event ingestion: event write keys (and API keys holding write:events); CORS for browser SDKs.
        app.MapPost("/v1/events", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (HttpContext context, EventBatch? body) =>
            Results.Accepted(value: new { accepted = body?.Batch?.Count ?? 0, connection = SourceOf(context) }));
        app.MapPost("/v1/event", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (HttpContext context, JsonElement? body) =>
            Results.Accepted(value: new { accepted = body is null ? 0 : 1, connection = SourceOf(context) }));

        // The Organizations API: only the organizations key from the environment; 404 when it is not set.
        // Admin console → API keys: every key of the installation (API keys and event write keys), admin keys only.
        app.MapApiKeyManagement(KeysPath);
        app.MapKeyConsole(SeedApp.ConsolePath, KeysPath);

        app.MapGet("/v1/organizations", [RequiresOrganizationsKey] () =>
            Results.Ok(new { organizations = new[] { new { id = "org_acme", name = "Acme", workspaces = new[] { "ws_marketing", "ws_sales" } } } }));
    }

    private static Connection? SourceIn(string connection, string? workspace)
        => Connections.FirstOrDefault(c => c.Id == connection && c.Workspace == workspace) is { Type: "sdk" or "webhook" } source ? source : null;

    private static bool IsWriteKeyOf(ApiKey key, Connection source, string? workspace)
        => key.Kind == ApiKeyKind.EventWrite && key.SourceConnection == source.Id && key.Workspace == workspace;

    private static object WriteKeyView(ApiKey key, DateTimeOffset now)
        => new { id = key.Id, name = key.Name, key = key.DisplayPart, createdAt = key.CreatedAt, revokedAt = key.RevokedAt, status = key.StatusAt(now) };

    private static string? SourceOf(HttpContext context) => context.Features.Get<IApiKeyFeature>()?.Key.SourceConnection;

    private sealed record EventBatch(IReadOnlyList<JsonElement>? Batch);

    private static async Task<string> CreateDemoKeysAsync(ApiKeyService keys, string url)
    {
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = "admin", Permissions = ["admin"] });
        string[] permissions = ["write:connections", "write:events"];
        var apiKey = await keys.CreateAsync(new CreateApiKeyRequest { Name = "admin-console", Permissions = permissions });
        var restricted = await keys.CreateAsync(new CreateApiKeyRequest { Name = "marketing-only", Permissions = permissions, Workspace = "ws_marketing" });
        var writeKey = await keys.CreateAsync(new CreateApiKeyRequest
        {
            Name = "Website event write key", Kind = ApiKeyKind.EventWrite, SourceConnection = "src_javascript", Workspace = "ws_marketing",
        });
        return $"""
            Krenalis. Demo keys (shown once, stored only as hashes):
              API key (any workspace)             {apiKey.Secret}
              restricted key (ws_marketing)       {restricted.Secret}
              event write key (src_javascript)    {writeKey.Secret}
              admin key (Admin console)           {admin.Secret}   ({url}{SeedApp.ConsolePath})

              curl {url}/v1/connections -H "Authorization: Bearer {restricted.Secret}"
              curl {url}/v1/connections -H "Authorization: Bearer {apiKey.Secret}" -H "Krenalis-Workspace: ws_sales"
              curl -X POST {url}/v1/events -H "Authorization: Bearer {writeKey.Secret}"
              curl {url}/v1/connections/src_javascript/event-write-keys -H "Authorization: Bearer {restricted.Secret}"
              curl {url}/v1/organizations -H "Authorization: Bearer $KRENALIS_ORGANIZATIONS_KEY"
            The Organizations API answers 404 unless {OrganizationsKeyVariable} held a key ('org_' + 43 letters or digits) at start-up.
            """;
    }
}

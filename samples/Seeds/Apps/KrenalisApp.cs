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
                if (Connections.FirstOrDefault(c => c.Id == connection && c.Workspace == workspace) is not { Type: "sdk" or "webhook" } source)
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

        // Event ingestion: event write keys (and API keys holding write:events); CORS for browser SDKs.
        app.MapPost("/v1/events", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (HttpContext context, EventBatch? body) =>
            Results.Accepted(value: new { accepted = body?.Batch?.Count ?? 0, connection = SourceOf(context) }));
        app.MapPost("/v1/event", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (HttpContext context, JsonElement? body) =>
            Results.Accepted(value: new { accepted = body is null ? 0 : 1, connection = SourceOf(context) }));

        // The Organizations API: only the organizations key from the environment; 404 when it is not set.
        app.MapGet("/v1/organizations", [RequiresOrganizationsKey] () =>
            Results.Ok(new { organizations = new[] { new { id = "org_acme", name = "Acme", workspaces = new[] { "ws_marketing", "ws_sales" } } } }));
    }

    private static string? SourceOf(HttpContext context) => context.Features.Get<IApiKeyFeature>()?.Key.SourceConnection;

    private sealed record EventBatch(IReadOnlyList<JsonElement>? Batch);

    private static async Task<string> CreateDemoKeysAsync(ApiKeyService keys)
    {
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

              curl http://localhost:5000/v1/connections -H "Authorization: Bearer {restricted.Secret}"
              curl http://localhost:5000/v1/connections -H "Authorization: Bearer {apiKey.Secret}" -H "Krenalis-Workspace: ws_sales"
              curl -X POST http://localhost:5000/v1/events -H "Authorization: Bearer {writeKey.Secret}"
              curl http://localhost:5000/v1/organizations -H "Authorization: Bearer $KRENALIS_ORGANIZATIONS_KEY"
            The Organizations API answers 404 unless {OrganizationsKeyVariable} held a key ('org_' + 43 letters or digits) at start-up.
            """;
    }
}

namespace Declarative.Auth.Seeds.Apps;

/// <summary>
/// FloKit (an automation service): workspace-scoped read-only and read-write keys, separate live and test keys,
/// and flat errors <c>{"error":"unauthorized","message":"Invalid or missing API key"}</c> /
/// <c>{"error":"forbidden","message":"This operation requires a read-write key"}</c>.
/// </summary>
internal static class FloKitApp
{
    public static readonly SeedApp App = new("flokit", Configure, auth => auth.UseErrorWriter(new FlatAuthErrorWriter(Messages, codes: DocumentedCodes)), Map, CreateDemoKeysAsync);

    private static readonly Dictionary<string, string> Messages = new()
    {
        [AuthErrorCodes.Unauthorized] = "Invalid or missing API key",
        [AuthErrorCodes.Forbidden] = "This operation requires a read-write key",
    };

    /// <summary>
    /// FloKit documents one 401 body. Our default tells a revoked or expired key apart (<c>key_revoked</c>,
    /// <c>key_expired</c>); the writer's <c>codes</c> option folds them into the documented <c>unauthorized</c> body.
    /// </summary>
    private static readonly Dictionary<string, string> DocumentedCodes = new()
    {
        [AuthErrorCodes.KeyRevoked] = AuthErrorCodes.Unauthorized,
        [AuthErrorCodes.KeyExpired] = AuthErrorCodes.Unauthorized,
    };

    // "Keys are workspace-scoped": the management API and the console refuse a key without a workspace.
    private static void Configure(DeclarativeAuthOptions o) => o.Workspace.RequiredForKeys = true;

    /// <summary>The two key types as permissions (write implies read on the same resource).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> KeyTypes = new Dictionary<string, string[]>
    {
        // Access reports, inspect events, list integrations (and see pending actions).
        ["read-only"] = ["read:actions", "read:events", "read:integrations", "read:reports"],
        // All of that, plus: send events, trigger syncs, approve and reject actions.
        ["read-write"] = ["read:reports", "write:actions", "write:events", "write:integrations"],
    };

    /// <summary>Keys are workspace-scoped: every FloKit key is created restricted to its workspace.</summary>
    public static Task<CreatedApiKey> CreateKeyAsync(ApiKeyService keys, string name, string type, string workspace)
        => keys.CreateAsync(new CreateApiKeyRequest { Name = name, Permissions = KeyTypes[type], Workspace = workspace });

    private static void Map(WebApplication app)
    {
        // Any valid key: the workspace it belongs to.
        app.MapGet("/v1/workspace", [RequiresAnyKey] (HttpContext context) =>
            Results.Ok(new { id = context.GetWorkspace(), name = "Acme Automation", environment = ApiKeyFormat.EnvironmentName(Key(context).Environment) }));

        app.MapGet("/v1/reports", [RequiresKey(KeyType.Read, Scope = "reports")] (HttpContext context) =>
            Results.Ok(new { workspace = context.GetWorkspace(), reports = new[] { new { id = "rep_weekly", name = "Weekly pipeline" } } }));
        app.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () =>
            Results.Ok(new { events = new[] { new { id = "evt_1", type = "lead.created" } } }));
        // Send events: read-write keys. Krenalis, hosted by the same assembly, maps POST /v1/events with these same
        // declarations (DAUTH007: one route, one requirement), so FloKit's browser callers get CORS too.
        app.MapPost("/v1/events", [EventIngestion][RequiresKey(KeyType.Write, Scope = "events")] (HttpContext context) =>
            Results.Accepted(value: new { accepted = true, workspace = context.GetWorkspace() }));
        app.MapGet("/v1/integrations", [RequiresKey(KeyType.Read, Scope = "integrations")] () =>
            Results.Ok(new { integrations = new[] { new { id = "int_hubspot", name = "HubSpot" } } }));
        app.MapPost("/v1/integrations/{id}/sync", [RequiresKey(KeyType.Write, Scope = "integrations")] (string id) =>
            Results.Accepted(value: new { integration = id, sync = "queued" }));
        app.MapGet("/v1/actions", [RequiresKey(KeyType.Read, Scope = "actions")] () =>
            Results.Ok(new { actions = new[] { new { id = "act_1", status = "pending" } } }));
        app.MapPost("/v1/actions/{id}/approve", [RequiresKey(KeyType.Write, Scope = "actions")] (string id) => Results.Ok(new { id, status = "approved" }));
        app.MapPost("/v1/actions/{id}/reject", [RequiresKey(KeyType.Write, Scope = "actions")] (string id) => Results.Ok(new { id, status = "rejected" }));

        // FloKit → Settings → API Keys. Admin keys only, and restricted to their workspace like every FloKit key.
        app.MapApiKeyManagement(KeysPath);
        app.MapKeyConsole(SeedApp.ConsolePath, KeysPath);
    }

    public const string KeysPath = "/v1/api-keys";

    private static ApiKey Key(HttpContext context) => context.Features.Get<IApiKeyFeature>()!.Key;

    private static async Task<string> CreateDemoKeysAsync(ApiKeyService keys, string url)
    {
        var reader = await CreateKeyAsync(keys, "dashboard", "read-only", "ws_acme");
        var writer = await CreateKeyAsync(keys, "server", "read-write", "ws_acme");
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = "settings", Permissions = ["admin"], Workspace = "ws_acme" });
        var environment = ApiKeyFormat.EnvironmentName(keys.Format.Environment);
        return $"""
            FloKit ({environment} keys; --DeclarativeAuth:KeyEnvironment=Test|Live picks the other). Demo keys (shown once, stored only as hashes):
              read-only   {reader.Secret}
              read-write  {writer.Secret}
              admin       {admin.Secret}   (Settings > API Keys: {url}{SeedApp.ConsolePath})

              export FLOKIT_API_KEY="{reader.Secret}"
              curl -H "Authorization: Bearer $FLOKIT_API_KEY" {url}/v1/workspace
              curl -X POST -H "Authorization: Bearer $FLOKIT_API_KEY" {url}/v1/events   # 403: needs a read-write key
            """;
    }
}

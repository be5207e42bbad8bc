namespace Declarative.Auth.Seeds.Apps;

/// <summary>
/// Kaneo (a project tracker): a named API key, shown once, sent as a Bearer token; resources are read inside
/// the workspace named by the <c>workspaceId</c> query parameter.
/// </summary>
internal static class KaneoApp
{
    public static readonly SeedApp App = new("kaneo", Configure, _ => { }, Map, CreateDemoKeysAsync);

    /// <summary>What a key created with just a name may do: the user's work (tasks, projects), not managing keys.</summary>
    public static readonly string[] DefaultPermissions = ["read:projects", "write:tasks"];

    private static void Configure(DeclarativeAuthOptions o)
    {
        o.Workspace.FromQuery("workspaceId");
        // "You'll be prompted to provide a name": a key created with only a name gets these (our default: 400).
        o.DefaultKeyPermissions.AddRange(DefaultPermissions);
    }

    private sealed record TaskItem(string Id, string WorkspaceId, string ProjectId, string Title, string Status);

    private sealed record NewTask(string? ProjectId, string? Title);

    private static readonly TaskItem[] Tasks =
    [
        new("task_1", "ws_kaneo", "proj_web", "Ship the landing page", "in-progress"),
        new("task_2", "ws_kaneo", "proj_web", "Fix the signup form", "to-do"),
        new("task_3", "ws_other", "proj_ops", "Rotate the database password", "done"),
    ];

    private static void Map(WebApplication app)
    {
        // GET /api/task?workspaceId=...: the workspace comes from the query string; without it, 400 saying so.
        app.MapGet("/api/task", [RequiresKey(KeyType.Read, Scope = "tasks")][RequiresWorkspace] (HttpContext context) =>
            Results.Ok(Tasks.Where(t => t.WorkspaceId == context.GetWorkspace())));

        app.MapPost("/api/task", [RequiresKey(KeyType.Write, Scope = "tasks")][RequiresWorkspace] (HttpContext context, NewTask task) =>
            Results.Created("/api/task/task_new", new TaskItem("task_new", context.GetWorkspace()!, task.ProjectId ?? "proj_web", task.Title ?? "Untitled", "to-do")));

        app.MapGet("/api/project", [RequiresKey(KeyType.Read, Scope = "projects")][RequiresWorkspace] (HttpContext context) =>
            Results.Ok(Tasks.Where(t => t.WorkspaceId == context.GetWorkspace()).Select(t => t.ProjectId).Distinct().Select(id => new { id })));

        // Settings > Account > API Keys: create (the key is in the response once), list, revoke. Admin keys only.
        app.MapApiKeyManagement("/api/api-keys");
        app.MapKeyConsole(SeedApp.ConsolePath, "/api/api-keys");
    }

    private static async Task<string> CreateDemoKeysAsync(ApiKeyService keys, string url)
    {
        // A Kaneo key acts for its user: everything the user may do.
        var key = await keys.CreateAsync(new CreateApiKeyRequest { Name = "Production Script", Permissions = ["admin"] });
        return $"""
            Kaneo. Demo key "Production Script" (shown once, stored only as a hash):
              {key.Secret}

              curl -X GET "{url}/api/task?workspaceId=ws_kaneo" -H "Authorization: Bearer {key.Secret}" -H "Content-Type: application/json"
              curl -X POST {url}/api/api-keys -H "Authorization: Bearer {key.Secret}" -H "Content-Type: application/json" \
                   -d '{"{"}"name":"Development Testing"{"}"}'   # just a name: {string.Join(", ", DefaultPermissions)}
              Settings > API keys: {url}{SeedApp.ConsolePath} (connect with the key above)
            """;
    }
}

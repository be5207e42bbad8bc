namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// A realistic multi-file app (UserApp/**/*.cs.txt: Program.cs with groups and extension methods, endpoint
/// files, controllers with base classes) gets DAUTH001 on exactly the endpoints marked in it.
/// </summary>
public class UserAppTests
{
    private static (string Path, string Markup)[] LoadApp(string folder = "UserApp")
    {
        var root = Path.Combine(AppContext.BaseDirectory, folder);
        return Directory.GetFiles(root, "*.cs.txt", SearchOption.AllDirectories)
            .OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(root, f)[..^".txt".Length].Replace('\\', '/'), File.ReadAllText(f)))
            .ToArray();
    }

    [Fact]
    public async Task The_user_app_gets_DAUTH001_on_exactly_its_undeclared_endpoints()
    {
        var files = LoadApp();
        Assert.Equal(6, files.Length);

        var reported = await Verify.FilesAsync(files);

        Assert.Equal(10, reported.Count);
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'ANY /v1/pages/{slug}/subscribe' ", StringComparison.Ordinal));
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'GET /v1/pages/' ", StringComparison.Ordinal));
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'OPTIONS /v1/events/' ", StringComparison.Ordinal));
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'GET /api/v1/regions (RegionsController.List)' ", StringComparison.Ordinal)
                                      && d.Message.Contains("Scope = \"regions\"", StringComparison.Ordinal));
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'DELETE /api/v1/subscribers/{id} (SubscribersController.Unsubscribe)' ", StringComparison.Ordinal)
                                      && d.Message.Contains("KeyType.Delete", StringComparison.Ordinal));
    }

    /// <summary>
    /// ScopedApp/**: an app that declares a scope catalog and has misspelt scopes and contradictory declarations
    /// among correct ones. Every analyzer runs; DAUTH002 and DAUTH003 fire on exactly the marked spans and
    /// nothing else fires anywhere.
    /// </summary>
    [Fact]
    public async Task The_scoped_app_gets_DAUTH002_and_DAUTH003_on_exactly_its_wrong_declarations()
    {
        var files = LoadApp("ScopedApp");
        Assert.Equal(4, files.Length);

        var reported = await Verify.WithAsync(Verify.AllAnalyzers(), files);

        Assert.Equal(5, reported.Count(d => d.Id == "DAUTH002"));
        Assert.Equal(5, reported.Count(d => d.Id == "DAUTH003"));
        Assert.Equal(10, reported.Count);
        Assert.Contains(reported, d => d is { Id: "DAUTH002", Path: "Program.cs", Line: 15 } && d.Message.EndsWith("did you mean 'events'?", StringComparison.Ordinal));
        Assert.Contains(reported, d => d is { Id: "DAUTH002", Path: "Program.cs", Line: 21 } && d.Message.EndsWith("did you mean 'sources'?", StringComparison.Ordinal));
        Assert.Contains(reported, d => d is { Id: "DAUTH002", Path: "Controllers/WorkspacesController.cs", Line: 11 }
                                      && d.Message == "Scope 'work-spaces' is not in the app's permission catalog ('destinations', 'events', 'sources', 'workspaces'); did you mean 'workspaces'?");
        Assert.Contains(reported, d => d is { Id: "DAUTH003", Path: "Program.cs", Line: 19 } && d.Message.Contains("the later AllowAnonymous applies at run time", StringComparison.Ordinal));
        Assert.Contains(reported, d => d is { Id: "DAUTH003", Path: "Program.cs", Line: 25 } && d.Message.Contains("on the endpoint's handler", StringComparison.Ordinal));
        Assert.Contains(reported, d => d is { Id: "DAUTH003", Path: "Controllers/WorkspacesController.cs", Line: 23 } && d.Message.Contains("on the same class 'MembersController'", StringComparison.Ordinal));
    }
}

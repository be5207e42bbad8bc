namespace Declarative.Auth.Analyzers.Tests;

/// <summary>
/// A realistic multi-file app (UserApp/**/*.cs.txt: Program.cs with groups and extension methods, endpoint
/// files, controllers with base classes) gets DAUTH001 on exactly the endpoints marked in it.
/// </summary>
public class UserAppTests
{
    private static (string Path, string Markup)[] LoadApp()
    {
        var root = Path.Combine(AppContext.BaseDirectory, "UserApp");
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
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'GET /v1/pages' ", StringComparison.Ordinal));
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'OPTIONS /v1/events' ", StringComparison.Ordinal));
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'GET /api/v1/regions (RegionsController.List)' ", StringComparison.Ordinal)
                                      && d.Message.Contains("Scope = \"regions\"", StringComparison.Ordinal));
        Assert.Contains(reported, d => d.Message.StartsWith("Endpoint 'DELETE /api/v1/subscribers/{id} (SubscribersController.Unsubscribe)' ", StringComparison.Ordinal)
                                      && d.Message.Contains("KeyType.Delete", StringComparison.Ordinal));
    }
}

using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Verifier;

/// <summary>
/// The generated route table is text the runtime reads (ManifestText). A table from a generator of another format, or
/// one damaged on disk, stops start-up with a message naming the assembly, never a half-read table.
/// </summary>
[Collection(ProcessWideManifests.Name)]
public sealed class ManifestTableTests
{
    [Theory]
    [InlineData("2\nGET\t/x\t\tPublic\tlambda\tProgram.cs\t1\t0\n", "format \"2\"")]
    [InlineData("1\nGET\t/x\t\tPublic\n", "row 1 of the route table is malformed")]
    [InlineData("1\nGET\t/x\t\tPublic\tlambda\tProgram.cs\tseven\t0\n", "row 1 of the route table is malformed")]
    [InlineData("1\nGET\t/x\t\tSuperuser\tlambda\tProgram.cs\t1\t0\n", "Superuser")]
    [InlineData("1\nGET\t/x\t\t7\tlambda\tProgram.cs\t1\t0\n", "\"7\" is not an endpoint access")]
    [InlineData("1\nGET\t/x\t\tKey, Public\tlambda\tProgram.cs\t1\t0\n", "\"Key, Public\" is not an endpoint access")]
    public async Task A_table_this_runtime_cannot_read_stops_start_up_naming_the_assembly(string table, string reason)
    {
        AuthManifestRegistry.Register(new AuthManifest("ManifestTableTests.Foreign", [], table));
        using var unregister = new Unregister("ManifestTableTests.Foreign");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(a => a.MapGet("/x", () => "x").AllowAnonymous()));
        Assert.Contains("'ManifestTableTests.Foreign'", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Contains("Rebuild", error.Message);
    }

    [Fact]
    public void Rows_read_back_as_written_whatever_the_strings_hold()
    {
        var text = Rules.ManifestText.Begin();
        string[] hostile = ["\\", "\\0", "\t", "\n", "\u001F", "\\t\\n\\u", "caf\u00e9 \u2028"];
        foreach (var s in hostile)
            Rules.ManifestText.Append(text, [s, "GET"], "/r" + s, ["read:" + s], "Key", "h" + s, "f" + s + ".cs", 3, 5);
        Rules.ManifestText.Append(text, [], null, [], "Undeclared", "lambda", "Program.cs", 9, 0);

        var manifest = new AuthManifest("ManifestTableTests.RoundTrip", [], text.ToString());
        Assert.Equal(hostile.Length + 1, manifest.Endpoints.Count);
        for (var i = 0; i < hostile.Length; i++)
        {
            var row = manifest.Endpoints[i];
            Assert.Equal([hostile[i], "GET"], row.HttpMethods);
            Assert.Equal("/r" + hostile[i], row.Route);
            Assert.Equal(["read:" + hostile[i]], row.Permissions);
            Assert.Equal(("h" + hostile[i], "f" + hostile[i] + ".cs", 3), (row.Handler, row.SourceFile, row.Line));
            Assert.True(row.OrAuthorization);
            Assert.False(row.EventIngestion);
            Assert.True(row.Workspace);
        }
        var last = manifest.Endpoints[^1];
        Assert.Null(last.Route);
        Assert.Empty(last.HttpMethods);
        Assert.Equal(EndpointAccess.Undeclared, last.Access);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Sample.Tests;

/// <summary>The sample over its real host: the behaviours the README's quick start promises.</summary>
public sealed class SampleApiTests(SampleFactory factory) : IClassFixture<SampleFactory>
{
    private HttpClient Client(params string[] permissions)
    {
        var client = factory.CreateClient();
        if (permissions.Length > 0)
        {
            var created = factory.Services.GetRequiredService<ApiKeyService>()
                .CreateAsync(new CreateApiKeyRequest { Name = string.Join("+", permissions), Permissions = permissions }).GetAwaiter().GetResult();
            Assert.StartsWith("sample_test_", created.Secret);
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);
        }
        return client;
    }

    private static async Task<string> Code(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;
    }

    [Theory]
    [InlineData("GET", "/api/monitors")]
    [InlineData("GET", "/api/incidents")]
    [InlineData("GET", "/v1/events/stats")]
    [InlineData("GET", "/v1/reports")]
    [InlineData("GET", "/v1/workspace")]
    public async Task Every_protected_endpoint_refuses_a_request_without_a_key(string method, string path)
    {
        var response = await Client().SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", await Code(response));
    }

    [Fact]
    public async Task Read_only_key_reads_and_is_refused_writes_naming_the_permission()
    {
        var reader = Client("read:monitors", "read:reports");
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/monitors")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/monitors/api")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/v1/reports")).StatusCode);

        var create = await reader.PostAsJsonAsync("/api/monitors", new { id = "x", url = "https://x", status = "up" });
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Contains("write:monitors", await create.Content.ReadAsStringAsync());

        var sync = await reader.PostAsync("/v1/reports/sync", null);
        Assert.Equal(HttpStatusCode.Forbidden, sync.StatusCode);
        Assert.Equal("FORBIDDEN", await Code(sync));
    }

    [Fact]
    public async Task Read_write_key_does_both()
    {
        var writer = Client("write:reports", "write:events");
        Assert.Equal(HttpStatusCode.OK, (await writer.GetAsync("/v1/reports")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await writer.PostAsync("/v1/reports/sync", null)).StatusCode);
        var events = await writer.PostAsJsonAsync("/v1/events", new { events = new[] { new { type = "track" } } });
        Assert.Equal(HttpStatusCode.Accepted, events.StatusCode);
    }

    [Fact]
    public async Task Method_group_handlers_and_local_functions_enforce_their_own_declarations()
    {
        var deleter = Client("delete:monitors");
        Assert.Equal(HttpStatusCode.NoContent, (await deleter.DeleteAsync("/api/monitors/api")).StatusCode);
        var incidents = Client("write:incidents");
        Assert.Equal(HttpStatusCode.OK, (await incidents.PutAsync("/api/incidents/inc-1/resolve", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client("read:incidents").PostAsync("/api/incidents/inc-1/resolve", null)).StatusCode);
    }

    [Fact]
    public async Task Admin_reaches_admin_only_controllers_and_others_do_not()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client("admin").GetAsync("/v1/workspace")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client("write:reports").GetAsync("/v1/workspace")).StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/health")]
    [InlineData("/v1/workspace/status")]
    public async Task Public_endpoints_answer_without_a_key(string path)
        => Assert.Equal(HttpStatusCode.OK, (await Client().GetAsync(path)).StatusCode);

    [Fact]
    public async Task The_build_registered_the_sample_manifest_with_every_declared_route()
    {
        await Client().GetAsync("/health"); // start the host, which loads the sample assembly
        var manifest = Assert.Single(AuthManifestRegistry.Manifests, m => m.AssemblyName == "Declarative.Auth.Sample");
        var routes = manifest.Endpoints.Select(e => $"{string.Join(",", e.HttpMethods)} {e.Route} [{string.Join(",", e.Permissions)}]").ToArray();
        Assert.Contains("POST /v1/events [write:events]", routes);
        Assert.Contains("GET /api/monitors/ [read:monitors]", routes);
        Assert.Contains("POST /api/monitors/ [write:monitors]", routes);
        Assert.Contains("GET /v1/reports [read:reports]", routes);
        Assert.Contains("POST /v1/reports/sync [write:reports]", routes);
        Assert.Contains("GET /v1/workspace [admin]", routes);
        Assert.DoesNotContain(manifest.Endpoints, e => e.Access == EndpointAccess.Undeclared);
        Assert.Contains("write:events", manifest.Permissions);
    }
}

/// <summary>The sample on a temporary key database, so tests never touch samples/Sample/keys.db.</summary>
public sealed class SampleFactory : WebApplicationFactory<Program>
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-sample-").FullName;

    public string KeysDb => Path.Combine(_dir, "keys.db");

    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        => builder.UseSetting("KeysDb", KeysDb);

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Issue 16.1: the demo keys are shown once, on the operator's console, never on an HTTP page.</summary>
public sealed class DemoKeyTests(SampleFactory factory) : IClassFixture<SampleFactory>
{
    [Fact]
    public async Task The_public_home_page_never_shows_a_key_even_in_the_first_process()
    {
        var client = factory.CreateClient(); // first start on an empty database: the demo keys are made now
        var home = await client.GetAsync("/");
        Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
        var text = await home.Content.ReadAsStringAsync();

        var demo = (await factory.Services.GetRequiredService<ApiKeyService>().ListAsync()).Where(k => k.Name.StartsWith("demo-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, demo.Length); // they were created in this very process
        Assert.DoesNotContain("sample_test_", text);
        Assert.DoesNotContain("sample_live_", text);
        foreach (var key in demo)
            Assert.DoesNotContain(key.DisplayPart.TrimEnd('…'), text);
        Assert.Contains("$READ_KEY", text);
        Assert.Contains("never shown here", text);
    }
}

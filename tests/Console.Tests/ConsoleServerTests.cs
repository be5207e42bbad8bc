using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Console.Tests;

/// <summary>The console's server side, without a browser: what is served, with which headers, to whom.</summary>
public sealed class ConsoleServerTests(ConsoleServerTests.Fixture fixture) : IClassFixture<ConsoleServerTests.Fixture>
{
    public sealed class Fixture : SampleApp;

    private HttpClient Client(string? key = null)
    {
        var client = fixture.CreateClient();
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Theory]
    [InlineData("/auth/console", "text/html")]
    [InlineData("/auth/console/", "text/html")]
    [InlineData("/auth/console/console.css", "text/css")]
    [InlineData("/auth/console/console.js", "text/javascript")]
    public async Task Page_and_assets_are_served_without_a_key_with_the_security_headers(string path, string mediaType)
    {
        var response = await Client().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(response);
        Assert.NotEmpty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Page_has_no_inline_script_or_style_and_nothing_from_another_origin()
    {
        var html = await Client().GetStringAsync("/auth/console");
        Assert.Contains("<script src=\"/auth/console/console.js\" defer></script>", html);
        Assert.Contains("<link rel=\"stylesheet\" href=\"/auth/console/console.css\">", html);
        Assert.Contains("<meta name=\"dauth-management\" content=\"/auth/keys\">", html);
        Assert.Equal(1, CountOf(html, "<script"));
        Assert.DoesNotContain("<style", html);
        Assert.DoesNotContain(" style=", html);
        Assert.DoesNotMatch(@"<[^>]*\son[a-z]+\s*=", html); // no inline event handlers
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.Contains("Copy the key now — it won't be shown again.", html);
    }

    [Fact]
    public async Task Script_keeps_the_admin_key_in_session_storage_only()
    {
        var js = await Client().GetStringAsync("/auth/console/console.js");
        Assert.Contains("sessionStorage", js);
        Assert.DoesNotContain("localStorage.", js);
        Assert.DoesNotContain("document.cookie", js);
        Assert.DoesNotContain("innerHTML", js);
        Assert.DoesNotContain("eval(", js);
    }

    [Fact]
    public async Task Catalog_is_401_without_a_key()
    {
        var response = await Client().GetAsync("/auth/keys/catalog");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHORIZED", await Code(response));
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Catalog_is_403_with_a_key_that_is_not_admin()
    {
        var reader = await fixture.CreateKeyAsync("catalog-reader", "read:monitors", "write:events");
        var response = await Client(reader).GetAsync("/auth/keys/catalog");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("FORBIDDEN", await Code(response));
        Assert.Contains("admin", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Catalog_gives_an_admin_the_scopes_with_descriptions_and_the_endpoint_table()
    {
        var admin = await fixture.CreateKeyAsync("catalog-admin", "admin");
        var response = await Client(admin).GetAsync("/auth/keys/catalog");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("test", root.GetProperty("environment").GetString());
        Assert.Equal("sample_test_", root.GetProperty("keyPrefix").GetString());
        Assert.Equal("admin", root.GetProperty("admin").GetProperty("name").GetString());
        // Issue 18.11: the app's name, the key the page is connected with, and whether event write keys have a use here.
        Assert.Equal("Declarative.Auth.Sample", root.GetProperty("appName").GetString());
        var me = (await fixture.Services.GetRequiredService<ApiKeyService>().ListAsync()).Single(k => k.Name == "catalog-admin");
        Assert.Equal(me.Id, root.GetProperty("connectedKeyId").GetString());
        Assert.True(root.GetProperty("acceptsEventWriteKeys").GetBoolean());

        var scopes = root.GetProperty("scopes").EnumerateArray().ToDictionary(s => s.GetProperty("scope").GetString()!);
        Assert.Contains("monitors", scopes.Keys);
        Assert.Contains("events", scopes.Keys);
        var monitors = scopes["monitors"].GetProperty("permissions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("description").GetString()!);
        Assert.Equal(["read:monitors", "write:monitors", "delete:monitors"], monitors.Keys);
        Assert.Equal("Read monitors.", monitors["read:monitors"]);
        Assert.Contains("includes read:monitors", monitors["write:monitors"]);

        var rows = root.GetProperty("endpoints").EnumerateArray()
            .Select(e => $"{string.Join(",", e.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))} {e.GetProperty("route").GetString()} {e.GetProperty("access").GetString()} [{string.Join(",", e.GetProperty("permissions").EnumerateArray().Select(m => m.GetString()))}]")
            .ToArray();
        Assert.Contains("POST /v1/events Key [write:events]", rows);
        Assert.Contains("GET /v1/workspace Key [admin]", rows);
        Assert.Contains("GET /health Public []", rows);
        // The library's own endpoints, which no generated table lists, are there from the live policy.
        Assert.Contains("GET /auth/keys/catalog Key [admin]", rows);
        Assert.Contains("POST /auth/keys/{id}/revoke Key [admin]", rows);
        Assert.Contains("GET /auth/console Public []", rows);
        Assert.DoesNotContain(rows, r => r.Contains(" Undeclared ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_MapKeyConsole_there_is_no_page_and_no_catalog()
    {
        await using var app = await AppWithoutConsole.StartAsync();
        var client = app.GetTestClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/auth/console")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/auth/console/console.js")).StatusCode);

        // /auth/keys/catalog is only GET /auth/keys/{id} here: an admin gets "no such key".
        var admin = await app.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest { Name = "a", Permissions = ["admin"] });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Secret);
        var catalog = await client.GetAsync("/auth/keys/catalog");
        Assert.Equal(HttpStatusCode.NotFound, catalog.StatusCode);
        Assert.Equal("NOT_FOUND", await Code(catalog));
    }

    [Fact]
    public async Task Custom_paths_and_a_path_base_reach_the_page_its_assets_and_its_catalog()
    {
        await using var app = await AppWithoutConsole.StartWithConsoleAsync("/ops", "admin/keys-ui", "/admin/api/keys/");
        var client = app.GetTestClient();
        var html = await client.GetStringAsync("/ops/admin/keys-ui");
        Assert.Contains("<script src=\"/ops/admin/keys-ui/console.js\" defer></script>", html);
        Assert.Contains("<meta name=\"dauth-management\" content=\"/ops/admin/api/keys\">", html);
        AssertSecurityHeaders(await client.GetAsync("/ops/admin/keys-ui/console.js"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/ops/admin/api/keys/catalog")).StatusCode);
        var admin = await app.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest { Name = "a", Permissions = ["admin"] });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", admin.Secret);
        var catalog = await client.GetAsync("/ops/admin/api/keys/catalog");
        Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        Assert.Equal("plain_live_", JsonDocument.Parse(await catalog.Content.ReadAsStringAsync()).RootElement.GetProperty("keyPrefix").GetString());
    }

    [Fact]
    public void Assets_are_embedded_in_the_runtime_assembly()
    {
        var names = typeof(ApiKeyService).Assembly.GetManifestResourceNames();
        Assert.Contains("DeclarativeAuth.Console.console.html", names);
        Assert.Contains("DeclarativeAuth.Console.console.css", names);
        Assert.Contains("DeclarativeAuth.Console.console.js", names);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    private static async Task<string> Code(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;
}

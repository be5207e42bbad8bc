using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>The Krenalis authentication page, replayed against <c>samples/Seeds -- krenalis</c>.</summary>
public sealed class KrenalisTests(KrenalisFactory krenalis) : IClassFixture<KrenalisFactory>
{
    private static readonly HttpMethod Get = HttpMethod.Get, Post = HttpMethod.Post;

    private Task<string> ApiKey(string? workspace = null) => krenalis.KeyAsync(new CreateApiKeyRequest
    {
        Name = "api", Permissions = ["write:connections", "write:events"], Workspace = workspace,
    });

    private Task<string> EventWriteKey(string source = "src_javascript") => krenalis.KeyAsync(new CreateApiKeyRequest
    {
        Name = "write key", Kind = ApiKeyKind.EventWrite, SourceConnection = source, Workspace = "ws_marketing",
    });

    private static async Task<JsonElement> Refusal(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = JsonDocument.Parse(await response.BodyAsync()).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        return body;
    }

    private static async Task<string> WorkspaceOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.BodyAsync()).RootElement.GetProperty("workspace").GetString()!;
    }

    // "A restricted key can only be used within the assigned workspace. In this case, you do not need to
    // include the Krenalis-Workspace header in your request."
    [Fact(DisplayName = "Krenalis: curl https://example.com/v1/connections -H \"Authorization: Bearer <YOUR_API_KEY>\" (restricted key: 200)")]
    public async Task Authenticated_request()
    {
        var response = await krenalis.Client(await ApiKey("ws_marketing")).GetAsync("/v1/connections");
        Assert.Equal("ws_marketing", await WorkspaceOf(response));
        Assert.Contains("src_javascript", await response.BodyAsync());
    }

    [Fact(DisplayName = "Krenalis: curl https://example.com/v1/connections -H \"Authorization: Bearer <YOUR_API_KEY>\" -H \"Krenalis-Workspace: <WORKSPACE_ID>\"")]
    public async Task Authenticated_request_with_explicit_workspace_id()
    {
        var response = await krenalis.Client(await ApiKey()).SendAsync(Http.Request(Get, "/v1/connections", ("Krenalis-Workspace", "ws_sales")));
        Assert.Equal("ws_sales", await WorkspaceOf(response));
        Assert.Contains("src_android", await response.BodyAsync());
    }

    // The page's curl shows only the header; ingesting events is a POST.
    [Fact(DisplayName = "Krenalis: curl https://example.com/v1/events -H \"Authorization: Bearer <YOUR_WRITE_KEY>\"")]
    public async Task Authenticated_request_with_an_event_write_key()
    {
        var response = await krenalis.Client(await EventWriteKey()).PostAsync("/v1/events", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("""{"accepted":0,"connection":"src_javascript"}""", await response.BodyAsync());
    }

    [Fact]
    public async Task Unrestricted_key_without_the_header_is_400_saying_to_pass_Krenalis_Workspace()
    {
        var body = await Refusal(await krenalis.Client(await ApiKey()).GetAsync("/v1/connections"), HttpStatusCode.BadRequest, "WORKSPACE_REQUIRED");
        Assert.Contains("'Krenalis-Workspace' header", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Restricted_key_without_header_200_own_workspace_200_other_workspace_403()
    {
        var client = krenalis.Client(await ApiKey("ws_marketing"));
        Assert.Equal("ws_marketing", await WorkspaceOf(await client.GetAsync("/v1/connections")));
        Assert.Equal("ws_marketing", await WorkspaceOf(await client.SendAsync(Http.Request(Get, "/v1/connections", ("Krenalis-Workspace", "ws_marketing")))));
        var other = await Refusal(await client.SendAsync(Http.Request(Get, "/v1/connections", ("Krenalis-Workspace", "ws_sales"))),
            HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Contains("restricted to workspace 'ws_marketing'", other.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Event_write_key_on_both_ingestion_endpoints_is_202_and_names_its_source_connection()
    {
        var client = krenalis.Client(await EventWriteKey("src_webhook"));
        var batch = await client.PostAsJsonAsync("/v1/events", new { batch = new[] { new { type = "track" }, new { type = "identify" } } });
        Assert.Equal(HttpStatusCode.Accepted, batch.StatusCode);
        Assert.Equal("""{"accepted":2,"connection":"src_webhook"}""", await batch.BodyAsync());
        var single = await client.PostAsJsonAsync("/v1/event", new { type = "track" });
        Assert.Equal(HttpStatusCode.Accepted, single.StatusCode);
        Assert.Equal("""{"accepted":1,"connection":"src_webhook"}""", await single.BodyAsync());
    }

    [Fact]
    public async Task Event_write_key_anywhere_else_is_403()
    {
        var client = krenalis.Client(await EventWriteKey());
        var body = await Refusal(await client.GetAsync("/v1/connections"), HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Contains("only by event ingestion endpoints", body.GetProperty("detail").GetString());
        await Refusal(await client.PostAsync("/v1/connections/src_webhook/event-write-keys", null), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Api_key_may_ingest_with_write_events_and_not_without()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await krenalis.Client(await ApiKey()).PostAsync("/v1/events", null)).StatusCode);
        var reader = await krenalis.KeyAsync("read:connections");
        await Refusal(await krenalis.Client(reader).PostAsync("/v1/event", null), HttpStatusCode.Forbidden, "FORBIDDEN");
    }

    [Fact]
    public async Task Event_write_keys_api_creates_a_key_for_one_source_connection_shown_once()
    {
        var client = krenalis.Client(await ApiKey("ws_marketing"));
        var created = await client.PostAsync("/v1/connections/src_webhook/event-write-keys", null);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = JsonDocument.Parse(await created.BodyAsync()).RootElement.GetProperty("key").GetString()!;
        Assert.StartsWith("krenalis_test_", secret);

        var ingest = await krenalis.Client(secret).PostAsync("/v1/events", null);
        Assert.Equal("""{"accepted":0,"connection":"src_webhook"}""", await ingest.BodyAsync());
        // only SDK and webhook sources have event write keys
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/v1/connections/dst_postgres/event-write-keys", null)).StatusCode);
    }

    [Theory]
    [InlineData("/v1/events")]
    [InlineData("/v1/event")]
    public async Task Cors_preflight_on_ingestion_is_allowed_without_credentials(string path)
    {
        var response = await krenalis.Client().SendAsync(Http.Request(HttpMethod.Options, path,
            ("Origin", "https://shop.example"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "authorization,content-type")));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
        Assert.Contains("authorization", response.Header("Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory(DisplayName = "Krenalis: the ingestion preflight allows only the methods the route maps (issue 18.4)")]
    [InlineData("/v1/events")]
    [InlineData("/v1/event")]
    public async Task Cors_preflight_allows_only_the_routes_methods(string path)
    {
        var response = await krenalis.Client().SendAsync(Http.Request(HttpMethod.Options, path,
            ("Origin", "https://shop.example"), ("Access-Control-Request-Method", "POST")));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var allowed = response.Header("Access-Control-Allow-Methods").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["POST"], allowed);

        // A method the route does not map is not allowed by the preflight either.
        var put = await krenalis.Client().SendAsync(Http.Request(HttpMethod.Options, path,
            ("Origin", "https://shop.example"), ("Access-Control-Request-Method", "PUT")));
        Assert.False(put.Headers.Contains("Access-Control-Allow-Methods") && put.Header("Access-Control-Allow-Methods").Contains("PUT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cors_browser_request_to_ingestion_gets_allow_origin()
    {
        var request = Http.Request(Post, "/v1/events", ("Origin", "https://shop.example"));
        var response = await krenalis.Client(await EventWriteKey()).SendAsync(request);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("*", response.Header("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Cors_preflight_elsewhere_is_not_allowed()
    {
        var response = await krenalis.Client().SendAsync(Http.Request(HttpMethod.Options, "/v1/connections",
            ("Origin", "https://shop.example"), ("Access-Control-Request-Method", "GET")));
        Assert.NotEqual(HttpStatusCode.NoContent, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Missing_key_is_401_with_WWW_Authenticate_Bearer()
    {
        var response = await krenalis.Client().GetAsync("/v1/connections");
        await Refusal(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }
}

/// <summary>The organizations API key, supplied by <c>KRENALIS_ORGANIZATIONS_KEY</c>: these tests set and unset it.</summary>
[Collection(EnvironmentVariables.Name)]
public sealed class KrenalisOrganizationsKeyTests
{
    private const string Variable = "KRENALIS_ORGANIZATIONS_KEY";

    // The page's generator: 'org_' + 43 random ASCII letters and digits.
    private static string NewOrgKey() =>
        "org_" + new string(System.Security.Cryptography.RandomNumberGenerator.GetItems<char>(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 43));

    private static async Task<T> WithVariable<T>(string? value, Func<Task<T>> test)
    {
        Environment.SetEnvironmentVariable(Variable, value);
        try
        {
            return await test();
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }

    [Fact(DisplayName = "Krenalis: curl https://example.com/v1/organizations -H \"Authorization: Bearer <YOUR_ORG_KEY>\"")]
    public Task Authenticated_request_with_an_organizations_api_key() => WithVariable(NewOrgKey(), async () =>
    {
        await using var krenalis = new KrenalisFactory();
        var response = await krenalis.Client(Environment.GetEnvironmentVariable(Variable)).GetAsync("/v1/organizations");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("org_acme", await response.BodyAsync());
        return 0;
    });

    [Fact]
    public Task Right_org_key_200_wrong_org_key_401_api_key_401() => WithVariable(NewOrgKey(), async () =>
    {
        await using var krenalis = new KrenalisFactory();
        var orgKey = Environment.GetEnvironmentVariable(Variable)!;
        Assert.Equal(HttpStatusCode.OK, (await krenalis.Client(orgKey).GetAsync("/v1/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await krenalis.Client(NewOrgKey()).GetAsync("/v1/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await krenalis.Client().GetAsync("/v1/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await krenalis.Client(await krenalis.KeyAsync("admin")).GetAsync("/v1/organizations")).StatusCode);
        // and the organizations key is not an API key
        Assert.Equal(HttpStatusCode.Unauthorized, (await krenalis.Client(orgKey).GetAsync("/v1/connections")).StatusCode);
        return 0;
    });

    [Fact]
    public Task Variable_absent_disables_the_organizations_api_with_404() => WithVariable(null, async () =>
    {
        await using var krenalis = new KrenalisFactory();
        Assert.Equal(HttpStatusCode.NotFound, (await krenalis.Client(NewOrgKey()).GetAsync("/v1/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await krenalis.Client().GetAsync("/v1/organizations")).StatusCode);
        return 0;
    });

    [Fact]
    public Task Malformed_org_key_fails_start_up_naming_the_variable_without_echoing_the_value() => WithVariable("org_tooShort_secret", async () =>
    {
        await using var krenalis = new KrenalisFactory();
        var ex = Assert.ThrowsAny<Exception>(() => krenalis.Client());
        Assert.Contains(Variable, ex.Message);
        Assert.Contains("'org_' followed by 43 ASCII letters or digits", ex.Message);
        Assert.DoesNotContain("org_tooShort_secret", ex.ToString());
        await Task.CompletedTask;
        return 0;
    });
}

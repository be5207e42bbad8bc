using System.Net;
using System.Net.Http.Headers;
using Declarative.Auth;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ConsumerApp.Tests;

/// <summary>The app built from the packages alone: the generated table is compiled in and keys work.</summary>
public sealed class ConsumerTests : IClassFixture<ConsumerTests.Factory>
{
    private readonly Factory _factory;

    public ConsumerTests(Factory factory) => _factory = factory;

    public sealed class Factory : WebApplicationFactory<Program>
    {
        private readonly string _db = Path.Combine(Path.GetTempPath(), $"consumer-{Guid.NewGuid():N}.db");

        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder) => builder.UseSetting("KeysDb", _db);
    }

    [Fact]
    public async Task A_request_with_a_key_is_200_and_without_is_401()
    {
        var client = _factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/events")).StatusCode);
        var created = await _factory.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest { Name = "consumer", Permissions = ["read:events"] });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", created.Secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/events")).StatusCode);
    }

    [Fact]
    public async Task The_generated_table_is_compiled_in()
    {
        var table = await _factory.CreateClient().GetStringAsync("/manifest");
        Assert.Contains("GET /events Key [read:events]", table);
        Assert.Contains("GET /forgotten Undeclared []", table);
        Assert.Contains("GET /health Public []", table);
    }

    [Fact]
    public async Task The_OpenAPI_document_has_the_key_scheme_and_the_apps_own_transformer_ran()
    {
        // Declarative.Auth.OpenApi restored next to the app's own Microsoft.AspNetCore.OpenApi (issue 15.8).
        var document = await _factory.CreateClient().GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"Consumer\"", document);
        Assert.Contains("\"bearer\"", document);
        Assert.Contains("x-required-permissions", document);
        Assert.Contains("read:events", document);
    }

    [Fact]
    public async Task The_undeclared_endpoint_is_refused()
        => Assert.Equal(HttpStatusCode.Forbidden, (await _factory.CreateClient().GetAsync("/forgotten")).StatusCode);
}

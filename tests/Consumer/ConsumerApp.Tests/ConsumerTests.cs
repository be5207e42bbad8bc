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
    public async Task The_undeclared_endpoint_is_refused()
        => Assert.Equal(HttpStatusCode.Forbidden, (await _factory.CreateClient().GetAsync("/forgotten")).StatusCode);
}

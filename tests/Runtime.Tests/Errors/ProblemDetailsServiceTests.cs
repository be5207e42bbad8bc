using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Declarative.Auth.Tests.Support;

namespace Declarative.Auth.Tests.Errors;

/// <summary>Issue 17.8: refusals go through the app's IProblemDetailsService by default, so its customization applies.</summary>
public sealed class ProblemDetailsServiceTests
{
    private static Task<TestApp> Start(Action<IServiceCollection>? services = null) => TestApp.StartAsync(
        a => a.MapGet("/x", [RequiresKey(KeyType.Read, Scope = "events")] () => "x"),
        services: s =>
        {
            s.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Extensions["instance"] = "eu-1");
            services?.Invoke(s);
        });

    [Fact]
    public async Task The_apps_CustomizeProblemDetails_applies_to_a_refusal_which_keeps_its_code()
    {
        await using var app = await Start();
        var forbidden = await app.Client(app.Key("read:other")).GetAsync("/x");

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await forbidden.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("eu-1", body.GetProperty("instance").GetString());
        Assert.Equal(AuthErrorCodes.Forbidden, body.GetProperty("code").GetString());
        Assert.Equal(403, body.GetProperty("status").GetInt32());
        Assert.Equal("read:events", body.GetProperty("requiredPermissions")[0].GetString());
        Assert.True(body.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task A_client_no_writer_of_the_app_accepts_still_gets_the_problem_details_body()
    {
        await using var app = await Start();
        var client = app.Client();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var missing = await client.GetAsync("/x");

        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        var body = JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(AuthErrorCodes.Unauthorized, body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_cached_writer_is_the_opt_in_fast_path_and_skips_the_service()
    {
        await using var app = await Start(s => new DeclarativeAuthBuilder(s).UseErrorWriter(new ProblemDetailsAuthErrorWriter()));
        var missing = await app.Client().GetAsync("/x");

        var body = JsonDocument.Parse(await missing.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(AuthErrorCodes.Unauthorized, body.GetProperty("code").GetString());
        Assert.False(body.TryGetProperty("instance", out _));
    }
}

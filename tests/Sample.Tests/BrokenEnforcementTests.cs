using Declarative.Auth.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Sample.Tests;

/// <summary>
/// The generated contract catches broken enforcement: in a variant of the sample, GET /api/monitors/{id} is answered
/// by its handler's stand-in before the verifier runs (its declaration bypassed at run time), and exactly that
/// endpoint's refusal cases fail, each naming the endpoint, the caller and what was expected.
/// </summary>
public sealed class BrokenEnforcementTests(BrokenEnforcementTests.BypassedFactory broken) : IClassFixture<BrokenEnforcementTests.BypassedFactory>
{
    private const string Bypassed = "/api/monitors/{id}";

    /// <summary>The sample, with a middleware in front that answers GET /api/monitors/&lt;id&gt; itself.</summary>
    public sealed class BypassedFactory : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
            => builder.ConfigureTestServices(s => s.AddTransient<IStartupFilter, BypassOneEndpoint>());
    }

    private sealed class BypassOneEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var path = context.Request.Path.Value ?? "";
                var bypassed = HttpMethods.IsGet(context.Request.Method) && path.StartsWith("/api/monitors/", StringComparison.Ordinal)
                    && path.Length > "/api/monitors/".Length && !path["/api/monitors/".Length..].Contains('/');
                return bypassed ? context.Response.WriteAsJsonAsync(new { id = path, status = "up" }) : nextMiddleware(context);
            });
            next(app);
        };
    }

    [Fact]
    public async Task The_contract_fails_exactly_the_bypassed_endpoints_refusal_cases()
    {
        var failures = new List<(AuthCase Case, AuthContractException Error)>();
        foreach (var @case in AuthContract.Cases<Program>().Select(row => (AuthCase)row[0]))
        {
            try
            {
                await broken.VerifyAsync(@case);
            }
            catch (AuthContractException error)
            {
                failures.Add((@case, error));
            }
        }

        Assert.Equal(
            [
                "GET /api/monitors/{id} · a key lacking read:monitors",
                "GET /api/monitors/{id} · a key of another workspace",
                "GET /api/monitors/{id} · an event write key",
                "GET /api/monitors/{id} · no key",
            ],
            failures.Select(f => f.Case.ToString()).Order(StringComparer.Ordinal));
        var noKey = failures.Single(f => f.Case.Caller == "no key").Error.Message;
        Assert.Contains("GET /api/monitors/1", noKey);
        Assert.Contains("MonitorHandlers.Get", noKey);
        Assert.Contains("expected 401 UNAUTHORIZED, got 200", noKey);
    }

    [Fact]
    public async Task The_same_case_passes_on_the_sample_as_built()
    {
        using var intact = new WebApplicationFactory<Program>();
        var noKey = AuthContract.Cases<Program>().Select(row => (AuthCase)row[0])
            .Single(c => c.Method == "GET" && c.Endpoint.Route == Bypassed && c.Caller == "no key");
        await intact.VerifyAsync(noKey);
        await Assert.ThrowsAsync<AuthContractException>(() => broken.VerifyAsync(noKey));
    }
}

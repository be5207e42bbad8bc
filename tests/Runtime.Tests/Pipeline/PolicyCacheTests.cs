using System.Net;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>Compiled policies follow the endpoints, as ASP.NET Core's AuthorizationPolicyCache does (issue 17 item 6).</summary>
public sealed class PolicyCacheTests
{
    /// <summary>Endpoints that change at run time and say so through their change token (like MVC's actions).</summary>
    internal sealed class ChangingSource : EndpointDataSource
    {
        private CancellationTokenSource _cts = new();
        private IReadOnlyList<Endpoint> _endpoints = [];

        public override IReadOnlyList<Endpoint> Endpoints => _endpoints;

        public override IChangeToken GetChangeToken() => new CancellationChangeToken(_cts.Token);

        public void Set(params Endpoint[] endpoints)
        {
            _endpoints = endpoints;
            var old = _cts;
            _cts = new CancellationTokenSource();
            old.Cancel();
        }
    }

    private static RouteEndpoint Endpoint(string route, string scope)
        => new(c => c.Response.WriteAsync(scope), RoutePatternFactory.Parse(route), 0,
            new EndpointMetadataCollection(new RequiresKeyAttribute(KeyType.Read) { Scope = scope }), route);

    [Fact]
    public async Task When_the_endpoints_change_the_old_policies_are_dropped_and_the_new_permissions_compiled()
    {
        var source = new ChangingSource();
        source.Set(Endpoint("/dyn", "alpha"));
        await using var app = await TestApp.StartAsync(a => ((IEndpointRouteBuilder)a).DataSources.Add(source));
        var state = app.App.Services.GetRequiredService<DeclarativeAuthState>();
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:alpha")).GetAsync("/dyn")).StatusCode);
        var before = state.CachedPolicyCount;

        source.Set(Endpoint("/dyn", "beta"));
        Assert.Equal(HttpStatusCode.OK, (await app.Client(app.Key("read:beta")).GetAsync("/dyn")).StatusCode);
        await (await app.Client(app.Key("read:alpha")).GetAsync("/dyn")).AssertRefusal(403, "FORBIDDEN");
        Assert.True(state.Catalog.IndexOf("read:beta") >= 0, "the new permission is compiled into the catalog");
        Assert.True(state.CachedPolicyCount <= before, "the replaced endpoint's policy is not kept");
    }
}

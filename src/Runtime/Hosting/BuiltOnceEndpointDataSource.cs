using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace Declarative.Auth;

/// <summary>
/// Keeps the endpoints a static data source builds, so every reader gets the same ones. Minimal-API data
/// sources (and route groups) build each endpoint again — request delegate, metadata inference, an expression
/// compile — every time they are enumerated, and each CompositeEndpointDataSource enumerates them once: routing
/// builds them, and the verifier's start-up (reading through the DI data source, as ApiExplorer does) built them
/// all a second time. Only sources whose change token can never call back are wrapped; sources that change
/// (MVC's actions) cache and signal by themselves. The token is still checked on each read.
/// </summary>
internal sealed class BuiltOnceEndpointDataSource(EndpointDataSource inner) : EndpointDataSource
{
    private readonly Lock _gate = new();
    private (IReadOnlyList<Endpoint> Endpoints, IChangeToken Token)? _built;

    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            if (_built is { } built && !built.Token.HasChanged)
                return built.Endpoints;
            lock (_gate)
            {
                if (_built is { } again && !again.Token.HasChanged)
                    return again.Endpoints;
                var token = inner.GetChangeToken();
                var endpoints = inner.Endpoints;
                _built = (endpoints, token);
                return endpoints;
            }
        }
    }

    public override IChangeToken GetChangeToken() => inner.GetChangeToken();

    // A group asks its sources with its own prefix and conventions: built per group context, not kept.
    public override IReadOnlyList<Endpoint> GetGroupedEndpoints(RouteGroupContext context) => inner.GetGroupedEndpoints(context);

    /// <summary>
    /// Wraps the static sources of <paramref name="routes"/> in place, before routing or anything else first reads
    /// them (the web host builds its pipeline, and copies the sources into RouteOptions, after this).
    /// </summary>
    public static void WrapStaticSources(IEndpointRouteBuilder routes)
    {
        var sources = routes.DataSources;
        if (sources.Count == 0 || sources.All(s => s is BuiltOnceEndpointDataSource || s.GetChangeToken().ActiveChangeCallbacks))
            return;
        var wrapped = sources.Select(s => s is BuiltOnceEndpointDataSource || s.GetChangeToken().ActiveChangeCallbacks ? s : new BuiltOnceEndpointDataSource(s)).ToArray();
        sources.Clear();
        foreach (var source in wrapped)
            sources.Add(source);
    }
}

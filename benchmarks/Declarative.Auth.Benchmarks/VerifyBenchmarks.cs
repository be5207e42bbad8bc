using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Benchmarks;

/// <summary>What the verifier decides for one request.</summary>
public enum Decision { Allow, Missing, Malformed, BadFormat, Unknown, Revoked, Expired, Forbidden }

/// <summary>
/// Request-time cost, ours and the conventional way, in one run. "Verify*" call the verifier as a function
/// (header → decision: the same steps, in the same order, as DeclarativeAuthMiddleware.Enforce/Decide);
/// "Middleware*" invoke the middleware on a DefaultHttpContext with a no-op next; "Conventional*" run
/// UseAuthentication + UseAuthorization (AuthenticationHandler + policy requirement handler) on a
/// DefaultHttpContext with a fresh request scope, as Kestrel gives each request; "NoAuth" is the empty pipeline.
/// </summary>
[MemoryDiagnoser]
public class VerifyBenchmarks
{
    private Pipelines _p = null!;
    private ApiKeyFormat _format = null!;
    private IApiKeyStore _store = null!;
    private VerifiedKeys _verified = null!;
    private TimeProvider _time = TimeProvider.System;
    private HeaderDictionary _valid = null!, _badChecksum = null!, _unknown = null!, _lacking = null!;
    private DefaultHttpContext _ctxValid = null!, _ctxBadChecksum = null!, _ctxUnknown = null!, _ctxLacking = null!, _ctxNone = null!;
    private IServiceScopeFactory _scopes = null!;
    private RequestDelegate _ours = null!; // cached: a lambda per call would be charged to the middleware
    private RequestDelegate _oursFirstSeen = null!;
    private RequestDelegate _oursReadsUser = null!;
    private RequestDelegate _oursProblemDetails = null!;
    private RequestDelegate _oursLimited = null!, _oursShared = null!;
    private DefaultHttpContext _ctxLackingProblemDetails = null!;
    private readonly byte[] _sha256Input = new byte[39];
    private string _validKey = null!;
    private readonly byte[] _sha256Output = new byte[32];

    [GlobalSetup]
    public void Setup()
    {
        var keys = new Keys();
        _p = new Pipelines(keys);
        _p.WarmAsync().GetAwaiter().GetResult();
        _ours = _p.Middleware.InvokeAsync;
        _oursFirstSeen = _p.MiddlewareFirstSeen.InvokeAsync;
        _oursReadsUser = _p.MiddlewareReadsUser.InvokeAsync;
        _oursProblemDetails = _p.MiddlewareProblemDetails.InvokeAsync;
        _oursLimited = _p.MiddlewareLimited.InvokeAsync;
        _oursShared = _p.MiddlewareShared.InvokeAsync;
        _format = keys.Format;
        _store = _p.Store;
        _verified = _p.Services.GetRequiredService<VerifiedKeys>();
        _valid = Headers(keys.Valid);
        _badChecksum = Headers(keys.BadChecksum);
        _unknown = Headers(keys.Unknown);
        _lacking = Headers(keys.Lacking);
        _ctxValid = Context(keys.Valid);
        _ctxBadChecksum = Context(keys.BadChecksum);
        _ctxUnknown = Context(keys.Unknown);
        _ctxLacking = Context(keys.Lacking);
        _ctxNone = new DefaultHttpContext();
        _ctxLackingProblemDetails = Context(keys.Lacking);
        _ctxLackingProblemDetails.RequestServices = _p.ProblemDetailsServices; // the JSON options it writes with
        _scopes = _p.ConventionalServices.GetRequiredService<IServiceScopeFactory>();
        System.Text.Encoding.ASCII.GetBytes(keys.Valid.AsSpan(0, 39), _sha256Input);
        _validKey = keys.Valid;

        // Sanity: each case decides what it should, in every form.
        Expect(Decision.Allow, VerifyValid());
        Expect(Decision.BadFormat, VerifyBadChecksum());
        Expect(Decision.Unknown, VerifyUnknown());
        Expect(Decision.Forbidden, VerifyLacking());
        Expect(200, Run(_ctxValid, _ours, _p.OurEndpoint));
        Expect(200, Run(_ctxValid, _oursFirstSeen, _p.OurEndpoint));
        Expect(200, Run(_ctxValid, _oursReadsUser, _p.OurEndpoint));
        Expect(401, Run(_ctxBadChecksum, _ours, _p.OurEndpoint));
        Expect(401, Run(_ctxUnknown, _ours, _p.OurEndpoint));
        Expect(403, Run(_ctxLacking, _ours, _p.OurEndpoint));
        Expect(403, Run(_ctxLackingProblemDetails, _oursProblemDetails, _p.OurEndpoint));
        Expect(200, Run(_ctxValid, _oursLimited, _p.OurEndpoint));
        Expect(200, Run(_ctxValid, _oursShared, _p.OurEndpoint));
        Expect(200, Run(_ctxValid, _oursLimited, _p.EndpointLimitedEndpoint));
        Expect(200, Conventional(_ctxValid));
        Expect(401, Conventional(_ctxBadChecksum));
        Expect(401, Conventional(_ctxUnknown));
        Expect(403, Conventional(_ctxLacking));
    }

    private static void Expect<T>(T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
            throw new InvalidOperationException($"Benchmark set-up: expected {expected}, got {actual}.");
    }

    private sealed class ConnectionItems : Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();
    }

    private static HeaderDictionary Headers(string key) => new() { ["Authorization"] = "Bearer " + key };

    private static DefaultHttpContext Context(string key)
    {
        var context = new DefaultHttpContext();
        // One keep-alive HTTP/1.1 connection per context, as Kestrel gives each request of a client.
        context.Features.Set<Microsoft.AspNetCore.Connections.Features.IConnectionItemsFeature>(new ConnectionItems());
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Method = "GET";
        context.Request.Path = "/monitors";
        context.Request.Headers.Authorization = "Bearer " + key;
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        return context;
    }

    private static int Run(DefaultHttpContext context, RequestDelegate pipeline, Endpoint endpoint)
    {
        context.Response.StatusCode = 200;
        context.SetEndpoint(endpoint);
        pipeline(context).GetAwaiter().GetResult();
        return context.Response.StatusCode;
    }

    // The verifier as a function: Authorization header → decision. Mirrors DeclarativeAuthMiddleware.Enforce + Decide
    // (key-in-query and rate limits aside), on the same types.
    private Decision Verify(IHeaderDictionary headers)
    {
        switch (BearerToken.TryRead(headers, out var token))
        {
            case BearerToken.Result.Missing: return Decision.Missing;
            case BearerToken.Result.Malformed: return Decision.Malformed;
        }
        if (_format.Check(token) != KeyFormatError.None)
            return Decision.BadFormat;
        if (!KeyHash.TryCompute(token, out var hash))
            return Decision.BadFormat;
        var lookup = _store.FindAsync(hash);
        var key = lookup.IsCompletedSuccessfully ? lookup.Result : lookup.AsTask().GetAwaiter().GetResult();
        if (key is null)
            return Decision.Unknown;
        var now = _time.GetUtcNow();
        if (key.IsRevoked(now))
            return Decision.Revoked;
        if (key.IsExpired(now))
            return Decision.Expired;
        var verified = _verified.For(key);
        return _p.Policy.IsSatisfiedBy(verified) ? Decision.Allow : Decision.Forbidden;
    }

    [Benchmark(Description = "verify: valid key + permission")]
    public Decision VerifyValid() => Verify(_valid);

    [Benchmark(Description = "verify: bad checksum")]
    public Decision VerifyBadChecksum() => Verify(_badChecksum);

    [Benchmark(Description = "verify: unknown key")]
    public Decision VerifyUnknown() => Verify(_unknown);

    [Benchmark(Description = "verify: lacks permission")]
    public Decision VerifyLacking() => Verify(_lacking);

    [Benchmark(Description = "floor: SHA256.HashData(39 B)")]
    public int Sha256Floor() => SHA256.HashData(_sha256Input, _sha256Output);

    // What both sides pay per key: KeyHash (ASCII check, encode, SHA-256 on a reused per-thread context).
    [Benchmark(Description = "floor: KeyHash of the key")]
    public bool KeyHashFloor() => KeyHash.TryCompute(_validKey, out _);

    [Benchmark(Description = "ours middleware: valid")]
    public int MiddlewareValid() => Run(_ctxValid, _ours, _p.OurEndpoint);

    // The handler reads HttpContext.User: the request's own principal is built (issue 17.5: none is shared).
    [Benchmark(Description = "ours middleware: valid, handler reads User")]
    public int MiddlewareValidReadsUser() => Run(_ctxValid, _oursReadsUser, _p.OurEndpoint);

    // Every request pays the hash: the first request of a connection, or a client that opens one per request.
    [Benchmark(Description = "ours middleware: valid, header first seen")]
    public int MiddlewareValidFirstSeen() => Run(_ctxValid, _oursFirstSeen, _p.OurEndpoint);

    [Benchmark(Description = "ours middleware: bad checksum")]
    public int MiddlewareBadChecksum() => Run(_ctxBadChecksum, _ours, _p.OurEndpoint);

    [Benchmark(Description = "ours middleware: unknown key")]
    public int MiddlewareUnknown() => Run(_ctxUnknown, _ours, _p.OurEndpoint);

    [Benchmark(Description = "ours middleware: lacks permission")]
    public int MiddlewareLacking() => Run(_ctxLacking, _ours, _p.OurEndpoint);

    // Per-key limits on (counted, X-RateLimit-* and RateLimit headers written), then also shared across instances.
    [Benchmark(Description = "ours middleware: valid, rate limited")]
    public int MiddlewareValidLimited() => Run(_ctxValid, _oursLimited, _p.OurEndpoint);

    // ... and the endpoint declares two named limits of its own (issue 20.1): three limits in the headers, three counters.
    [Benchmark(Description = "ours middleware: valid, rate limited, endpoint's own limits")]
    public int MiddlewareValidEndpointLimited() => Run(_ctxValid, _oursLimited, _p.EndpointLimitedEndpoint);

    [Benchmark(Description = "ours middleware: valid, rate limited, shared")]
    public int MiddlewareValidShared() => Run(_ctxValid, _oursShared, _p.OurEndpoint);

    // The default writer when the app called AddProblemDetails(): its IProblemDetailsService serializes a ProblemDetails
    // per refusal (so CustomizeProblemDetails applies); "lacks permission" above is the cached writer's bytes.
    [Benchmark(Description = "ours middleware: lacks permission, IProblemDetailsService")]
    public int MiddlewareLackingProblemDetails() => Run(_ctxLackingProblemDetails, _oursProblemDetails, _p.OurEndpoint);

    private int Conventional(DefaultHttpContext context)
    {
        using var scope = _scopes.CreateScope();
        context.RequestServices = scope.ServiceProvider;
        return Run(context, _p.Conventional, _p.ConventionalEndpoint);
    }

    [Benchmark(Description = "conventional: valid")]
    public int ConventionalValid() => Conventional(_ctxValid);

    [Benchmark(Description = "conventional: bad checksum")]
    public int ConventionalBadChecksum() => Conventional(_ctxBadChecksum);

    [Benchmark(Description = "conventional: unknown key")]
    public int ConventionalUnknown() => Conventional(_ctxUnknown);

    [Benchmark(Description = "conventional: lacks permission")]
    public int ConventionalLacking() => Conventional(_ctxLacking);

    [Benchmark(Description = "no auth")]
    public int NoAuth() => Run(_ctxNone, _p.NoAuth, _p.OurEndpoint);
}

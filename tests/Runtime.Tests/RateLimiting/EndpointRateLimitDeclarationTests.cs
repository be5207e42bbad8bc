using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Declarative.Auth.Tests.RateLimiting;

/// <summary>
/// An endpoint's own limits are checked once, when its policy is compiled at start-up: a bad declaration stops the
/// app with the endpoint and the setting named (never a 500 on a request); counters are bounded and forgotten when
/// idle; with a shared store the endpoint's counts are shared like the key's.
/// </summary>
public sealed class EndpointRateLimitDeclarationTests
{
    [Theory]
    [InlineData("exports hour", 10, "01:00:00", "the name must be 1 to 32 letters, digits, '-' or '_'")]
    [InlineData("", 10, "01:00:00", "the name must be 1 to 32 letters")]
    [InlineData("exports-hour", 0, "01:00:00", "the limit must be at least 1; got 0.")]
    [InlineData("exports-hour", -5, "01:00:00", "the limit must be at least 1; got -5.")]
    [InlineData("exports-hour", 10, "00:00:00", "the window must be whole seconds from 00:00:01 to 31.00:00:00")]
    [InlineData("exports-hour", 10, "32.00:00:00", "the window must be whole seconds")]
    [InlineData("exports-hour", 10, "00:00:01.5", "the window must be whole seconds")]
    [InlineData("exports-hour", 10, "an hour", "got \"an hour\"")]
    [InlineData("minute", 10, "01:00:00", "the name 'minute' is already used by another limit")]
    [InlineData("DAY", 10, "01:00:00", "the name 'DAY' is already used by another limit")]
    public async Task A_bad_declaration_stops_start_up_naming_the_endpoint_and_the_setting(string name, int limit, string window, string message)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(
            a => a.MapPost("/exports", [RequiresKey(KeyType.Read, Scope = "events")] () => "e").WithMetadata(new KeyRateLimitWindowAttribute(name, limit, window)),
            o => o.RateLimits.Windows.Add(new KeyRateLimitWindow { Name = "day", Limit = 1000, Window = TimeSpan.FromDays(1) })));
        Assert.StartsWith($"Endpoint POST /exports: [KeyRateLimitWindow(\"{name}\", {limit}, \"{window}\")]: ", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public async Task One_name_twice_on_an_endpoint_stops_start_up()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(a => a.MapPost("/exports",
            [RequiresKey(KeyType.Read, Scope = "events")] [KeyRateLimitWindow("exports", 10, "01:00:00")] [KeyRateLimitWindow("exports", 100, "1.00:00:00")] () => "e")));
        Assert.Contains("Endpoint POST /exports: [KeyRateLimitWindow(\"exports\", 100, \"1.00:00:00\")]: the name 'exports' is already used", error.Message);
    }

    [Fact]
    public async Task A_limit_on_an_endpoint_that_takes_no_key_stops_start_up_rather_than_never_counting()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestApp.StartAsync(a => a.MapGet("/open",
            [Microsoft.AspNetCore.Authorization.AllowAnonymous] [KeyRateLimitWindow("open-hour", 10, "01:00:00")] () => "o")));
        Assert.StartsWith("Endpoint GET /open declares [KeyRateLimitWindow(\"open-hour\", …)] but takes no API key", error.Message);
    }

    [Fact]
    public async Task A_bad_declaration_in_endpoints_that_change_after_start_up_is_denied_and_logged_never_a_500()
    {
        var source = new Pipeline.PolicyCacheTests.ChangingSource();
        static RouteEndpoint Dyn(int limit) => new(c => c.Response.WriteAsync("d"), Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/dyn"), 0,
            new EndpointMetadataCollection(new RequiresKeyAttribute(KeyType.Read) { Scope = "events" }, new KeyRateLimitWindowAttribute("dyn-hour", limit, "01:00:00")), "/dyn");
        source.Set(Dyn(5));
        await using var app = await TestApp.StartAsync(a => ((IEndpointRouteBuilder)a).DataSources.Add(source),
            o => o.UndeclaredEndpoints = UndeclaredEndpointBehavior.Allow);
        var client = app.Client(app.Key("read:events"));
        Assert.Equal(200, (int)(await client.GetAsync("/dyn")).StatusCode);

        source.Set(Dyn(0));
        var body = await (await client.GetAsync("/dyn")).AssertRefusal(403, "FORBIDDEN");
        Assert.Contains("declaration is invalid", body.GetProperty("detail").GetString());
        Assert.Contains(app.Logs.GetSnapshot(), r => r.Level == Microsoft.Extensions.Logging.LogLevel.Error
            && r.Message.StartsWith("Endpoint * /dyn: [KeyRateLimitWindow(\"dyn-hour\", 0, \"01:00:00\")]: the limit must be at least 1", StringComparison.Ordinal));
    }

    private static EndpointRateLimit Compile(string name, int limit, string window)
    {
        var endpoint = new RouteEndpoint(_ => Task.CompletedTask, Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse("/exports"), 0,
            new EndpointMetadataCollection(new KeyRateLimitWindowAttribute(name, limit, window), new HttpMethodMetadata(["POST"])), "exports");
        return Assert.Single(EndpointRateLimit.Compile(endpoint, new KeyRateLimitOptions(), takesKeys: true));
    }

    [Fact]
    public void Counters_are_bounded_and_idle_ones_forgotten_without_a_scan()
    {
        var time = new FakeTimeProvider(TestApp.Start);
        using var limiter = new KeyRateLimiter(time, Options.Create(new DeclarativeAuthOptions()), keyCapacity: 1_000, clientCapacity: 100);
        var limit = Compile("exports-hour", 10, "01:00:00");
        for (var i = 0; i < 5_000; i++)
        {
            Assert.True(limiter.AcquireEndpoint(limit, 0, "key_" + i, 1).Allowed);
            Assert.InRange(limiter.CountersFor(limit).Count, 1, 1_000);
        }

        // Two windows without a request: the next request's rotation drops everything else.
        time.Advance(TimeSpan.FromHours(2));
        Assert.True(limiter.AcquireEndpoint(limit, 0, "key_new", 1).Allowed);
        time.Advance(TimeSpan.FromHours(1));
        Assert.True(limiter.AcquireEndpoint(limit, 0, "key_new", 1).Allowed);
        Assert.InRange(limiter.CountersFor(limit).Count, 1, 2);
    }

    [Fact]
    public void Counting_every_limit_of_a_request_allocates_nothing_once_the_key_is_known()
    {
        var time = new FakeTimeProvider(TestApp.Start);
        var options = new DeclarativeAuthOptions();
        options.RateLimits.Headers = RateLimitHeaders.None; // header values are strings; the counting is what is measured
        options.RateLimits.Windows.Add(new KeyRateLimitWindow { Name = "day", Limit = 1_000_000, Window = TimeSpan.FromDays(1) });
        using var limiter = new KeyRateLimiter(time, Options.Create(options), 1_000, 100);
        var limits = new KeyRateLimits(limiter);
        var policy = new EndpointPolicy([], default, compiled: true, workspace: false, ingestion: false, rateLimit: null, partitionSuffix: "")
        {
            RateLimitWindows = [Compile("exports-hour", 1_000_000, "01:00:00")],
        };
        var key = new ApiKey { Id = "key_1", Name = "k", Hash = default, Permissions = ["read:events"] };
        var context = new DefaultHttpContext();
        Assert.True(limits.TryAcquire(context, policy, key, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
            limits.TryAcquire(context, policy, key, out _);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task With_a_shared_store_an_endpoint_limit_holds_across_instances()
    {
        var time = new FakeTimeProvider(TestApp.Start);
        var db = new Pipeline.SharedRateLimitTests.Database();
        var options = new DeclarativeAuthOptions();
        options.RateLimits.ReconcileInterval = TimeSpan.FromMilliseconds(200);
        var limit = Compile("exports-hour", 10, "01:00:00");
        using var a = new KeyRateLimiter(time, Options.Create(options), 1_000, 100, db.For("a"));
        await a.Shared!.FlushAsync();
        for (var i = 0; i < 8; i++)
        {
            // Instance a alone so far: each batch leases it more of the limit (SharedLease).
            Assert.True(a.AcquireEndpoint(limit, 0, "key_1", 1).Allowed);
            await a.Shared.FlushAsync();
        }

        using var b = new KeyRateLimiter(time, Options.Create(options), 1_000, 100, db.For("b"));
        await b.Shared!.FlushAsync();
        var allowed = 0;
        for (var i = 0; i < 10; i++)
        {
            if (b.AcquireEndpoint(limit, 0, "key_1", 1).Allowed)
                allowed++;
            await b.Shared.FlushAsync();
        }

        // Counting alone, b would allow all 10; sharing leaves it what a did not spend or hold (at most 2 of 10).
        Assert.InRange(allowed, 1, 2);
        Assert.Contains(db.Windows(), w => w.Item1 == "exports-hour|POST /exports|key_1" && w.Item2 == 3600);
    }

    [Fact]
    public async Task With_a_shared_store_a_refund_goes_back_to_the_lease_it_was_taken_from_and_only_in_its_window()
    {
        var time = new FakeTimeProvider(TestApp.Start);
        var db = new Pipeline.SharedRateLimitTests.Database();
        using var a = new KeyRateLimiter(time, Options.Create(new DeclarativeAuthOptions()), 1_000, 100, db.For("a"));
        await a.Shared!.FlushAsync();

        var taken = a.Acquire("key_1", 100);
        Assert.True(taken.Allowed);
        Assert.Equal(1, a.KeyWindow("key_1")!.Lease!.Used);
        a.Refund("key_1", taken, 1); // another limit refused the request: it spends nothing from this one
        Assert.Equal(0, a.KeyWindow("key_1")!.Lease!.Used);

        var old = a.Acquire("key_1", 100);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(a.Acquire("key_1", 100).Allowed);
        a.Refund("key_1", old, 1); // taken in the last window: the new window's lease keeps its count
        Assert.Equal(1, a.KeyWindow("key_1")!.Lease!.Used);
    }
}

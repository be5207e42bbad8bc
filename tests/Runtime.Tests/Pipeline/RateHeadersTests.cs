using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>X-RateLimit-* on every authenticated response, refusals included (issue 18 item 3).</summary>
public sealed class RateHeadersTests
{
    [Fact]
    public async Task A_403_for_a_valid_key_carries_the_rate_limit_headers()
    {
        await using var app = await TestApp.StartAsync(a => a.MapGet("/admin", [RequiresKey(KeyType.Admin)] () => "a"));
        var response = await app.Client(app.Key("read:events")).GetAsync("/admin");
        await response.AssertRefusal(403, "FORBIDDEN");
        Assert.Equal("100", response.Headers.GetValues("X-RateLimit-Limit").Single());
        Assert.True(response.Headers.Contains("X-RateLimit-Remaining"));
        Assert.True(response.Headers.Contains("X-RateLimit-Reset"));
    }
}

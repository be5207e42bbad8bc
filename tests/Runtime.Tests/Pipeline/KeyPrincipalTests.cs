using System.Net;
using System.Security.Claims;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Tests.Pipeline;

/// <summary>The principal a key makes (issue 15 items 5 and 6, issue 17 item 5).</summary>
public sealed class KeyPrincipalTests
{
    private static Task<TestApp> Start(Action<IServiceCollection>? services = null) => TestApp.StartAsync(
        a =>
        {
            a.MapGet("/me", [RequiresKey(KeyType.Read, Scope = "todos")] (HttpContext c) =>
                $"{c.User.FindFirstValue(ClaimTypes.NameIdentifier)}|{c.User.FindFirstValue(DeclarativeAuthClaimTypes.KeyId)}|{string.Join(",", c.User.FindAll(DeclarativeAuthClaimTypes.Permission).Select(x => x.Value).Order())}|{c.User.FindFirstValue("transformed")}");
            a.MapGet("/authorized", (HttpContext c) => c.User.FindFirstValue(ClaimTypes.NameIdentifier)).RequireAuthorization();
            a.MapGet("/read-x", () => "x").RequireAuthorization(p => p.RequireClaim(DeclarativeAuthClaimTypes.Permission, "read:todos"));
            a.MapGet("/tamper", [RequiresKey(KeyType.Read, Scope = "todos")] (HttpContext c) =>
            {
                var before = c.User.Claims.Count();
                ((ClaimsIdentity)c.User.Identity!).AddClaim(new Claim("tampered", "yes"));
                return before.ToString(System.Globalization.CultureInfo.InvariantCulture);
            });
        },
        services: services);

    [Fact]
    public async Task A_key_with_an_owner_reaches_handlers_as_that_user_and_keeps_its_key_id()
    {
        await using var app = await Start();
        // Stored directly: creating keys with an owner through the API is the stores' side of the item.
        var secret = app.Format.Generate();
        await app.Store.AddAsync(new ApiKey { Id = "key_owned", Name = "mine", Hash = KeyHash.Compute(secret), Permissions = ["read:todos"], Owner = "user-42" });
        var parts = (await app.Client(secret).GetStringAsync("/me")).Split('|');
        Assert.Equal("user-42", parts[0]);
        Assert.Equal("key_owned", parts[1]);
        Assert.Equal("user-42", await app.Client(secret).GetStringAsync("/authorized"));
    }

    [Fact]
    public async Task A_write_key_carries_the_read_claim_it_implies()
    {
        await using var app = await Start();
        var key = app.Key("write:todos");
        Assert.Equal("read:todos,write:todos", (await app.Client(key).GetStringAsync("/me")).Split('|')[2]);
        Assert.Equal(HttpStatusCode.OK, (await app.Client(key).GetAsync("/read-x")).StatusCode);
    }

    private sealed class MarkTransformation : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim("transformed", "yes"));
            return Task.FromResult(principal);
        }
    }

    [Fact]
    public async Task The_apps_claims_transformation_runs_for_a_keys_principal()
    {
        await using var app = await Start(s => s.AddTransient<IClaimsTransformation, MarkTransformation>());
        Assert.Equal("yes", (await app.Client(app.Key("read:todos")).GetStringAsync("/me")).Split('|')[3]);
    }

    [Fact]
    public async Task A_principal_is_never_shared_between_requests()
    {
        await using var app = await Start();
        var client = app.Client(app.Key("read:todos"));
        var first = await client.GetStringAsync("/tamper");
        var second = await client.GetStringAsync("/tamper");
        Assert.Equal(first, second); // the claim the first request added is not on the second's principal
    }

    [Fact]
    public void The_public_ApiKey_record_holds_no_verifier_state()
    {
        Assert.DoesNotContain(typeof(ApiKey).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public),
            f => !f.Name.Contains("k__BackingField", StringComparison.Ordinal));
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Declarative.Auth.Adoption.Tests;

/// <summary>Keys next to JWT bearer and cookie logins, with every middleware called explicitly in the README's order.</summary>
public sealed class OtherLoginsTests
{
    [Fact] // 15.1, 15.3
    public async Task A_JWT_users_token_works_on_Authorize_and_key_or_user_endpoints_and_JWT_stays_the_default()
    {
        await using var app = await StartAsync(OtherLoginsApp.Jwt());
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Equal(JwtBearerDefaults.AuthenticationScheme, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);

        var user = Client(app, JwtFor("user-1"));
        Assert.Equal("user-1", await user.GetStringAsync("/api/profile"));
        Assert.Equal("user-1", await user.GetStringAsync("/api/todos"));
    }

    [Fact] // 15.4
    public async Task Next_to_JWT_a_key_or_user_endpoint_takes_keys_and_refuses_neither_nor()
    {
        await using var app = await StartAsync(OtherLoginsApp.Jwt());
        var key = await KeyAsync(app, "read:todos");
        Assert.Equal(HttpStatusCode.OK, (await Client(app, key).GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(app, null).GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(app, JwtFor("user-1", signedBy: new SymmetricSecurityKey(new byte[32]))).GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(app, null).GetAsync("/api/profile")).StatusCode);
    }

    [Fact] // 15.2
    public async Task With_every_middleware_called_explicitly_the_apps_rate_limiter_still_limits()
    {
        await using var app = await StartAsync(OtherLoginsApp.Jwt());
        var client = Client(app, null);
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
            statuses.Add((int)(await client.GetAsync("/api/search")).StatusCode);
        Assert.Equal([200, 200, 429], statuses);
    }

    [Fact] // 15.1, 15.3, 15.4
    public async Task A_cookie_login_works_on_Authorize_and_key_or_user_endpoints_next_to_keys()
    {
        await using var app = await StartAsync(OtherLoginsApp.Cookies());
        var schemes = app.Services.GetRequiredService<IAuthenticationSchemeProvider>();
        Assert.Equal(CookieAuthenticationDefaults.AuthenticationScheme, (await schemes.GetDefaultAuthenticateSchemeAsync())?.Name);

        var anonymous = Client(app, null);
        var login = await anonymous.PostAsync("/login?user=user-1", null);
        Assert.True(login.IsSuccessStatusCode, $"/login answered {(int)login.StatusCode}");
        var browser = Client(app, null);
        browser.DefaultRequestHeaders.Add("Cookie", login.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        Assert.Equal("user-1", await browser.GetStringAsync("/api/profile"));
        Assert.Equal("user-1", await browser.GetStringAsync("/api/todos"));

        var key = await KeyAsync(app, "read:todos");
        Assert.Equal(HttpStatusCode.OK, (await Client(app, key).GetAsync("/api/todos")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/todos")).StatusCode);
    }

    private static async Task<WebApplication> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string? bearer)
    {
        var client = app.GetTestClient();
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private static async Task<string> KeyAsync(WebApplication app, params string[] permissions)
        => (await app.Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest { Name = "script", Permissions = permissions })).Secret;

    private static string JwtFor(string subject, SecurityKey? signedBy = null) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = OtherLoginsApp.Issuer,
        Audience = OtherLoginsApp.Audience,
        Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, subject)]),
        SigningCredentials = new SigningCredentials(signedBy ?? OtherLoginsApp.SigningKey, SecurityAlgorithms.HmacSha256),
    });
}

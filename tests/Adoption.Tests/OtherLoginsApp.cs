using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace Declarative.Auth.Adoption.Tests;

/// <summary>
/// Existing apps with the other usual logins — JWT bearer tokens from an identity provider, or cookies — that call
/// every middleware themselves, in the order the README gives. The README's JWT and cookie snippets are copied from
/// here (ReadmeTests checks they stay the same).
/// </summary>
internal static class OtherLoginsApp
{
    public const string Issuer = "https://login.example.com";
    public const string Audience = "todo-api";

    // Test-only signing key for the tokens the "identity provider" (the test) issues.
    public static readonly SymmetricSecurityKey SigningKey = new("an-identity-providers-256-bit-test-signing-key!"u8.ToArray());

    public static WebApplication Jwt()
    {
        var builder = Builder();
        builder.Services.AddAuthentication().AddJwtBearer(o => o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidAudience = Audience,
            IssuerSigningKey = SigningKey,
        });
        return Build(builder);
    }

    public static WebApplication Cookies()
    {
        var builder = Builder();
        builder.Services.AddAuthentication().AddCookie(o =>
        {
            // An API answers 401 instead of redirecting to a login page.
            o.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            };
        });
        var app = Build(builder);
        app.MapPost("/login", (string user) => Results.SignIn(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], CookieAuthenticationDefaults.AuthenticationScheme)),
            authenticationScheme: CookieAuthenticationDefaults.AuthenticationScheme)).AllowAnonymous();
        return app;
    }

    private static WebApplicationBuilder Builder()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthorization();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddFixedWindowLimiter("search", w => (w.PermitLimit, w.Window) = (2, TimeSpan.FromMinutes(1)));
        });
        builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "todo").UseInMemoryStore();
        return builder;
    }

    private static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        app.UseDeclarativeAuth();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapGet("/api/profile", [Authorize] (ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier));
        app.MapGet("/api/search", () => "results").AllowAnonymous().RequireRateLimiting("search");
        app.MapGet("/api/todos", (ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier))
            .RequireKey(KeyType.Read, "todos").OrAuthorization();
        return app;
    }
}

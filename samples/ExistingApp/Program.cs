// An app that had users before it had keys: ASP.NET Core Identity's bearer tokens (its only authentication
// scheme), route groups, authorization policies, a claims transformation and its own rate limiter. API keys were
// added by following the README's "Adding keys to an existing app"; the lines marked "keys:" are all it took.
using System.Security.Claims;
using Declarative.Auth;
using ExistingApp;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

// The app as it was.
builder.Services.AddDbContext<AppDbContext>(o => o.UseInMemoryDatabase(builder.Configuration["UsersDb"] ?? "existing-app"));
builder.Services.AddAuthentication().AddBearerToken(IdentityConstants.BearerScheme);
builder.Services.AddIdentityCore<IdentityUser>().AddEntityFrameworkStores<AppDbContext>().AddApiEndpoints();
builder.Services.AddAuthorizationBuilder()
    .AddPolicy("todos.read", p => p.RequireClaim("permission", "read:todos"))
    .AddPolicy("signed-in-user", p => p.AddAuthenticationSchemes(IdentityConstants.BearerScheme).RequireAuthenticatedUser());
builder.Services.AddTransient<IClaimsTransformation, TenantClaims>();
builder.Services.AddRateLimiter(o =>
{
    o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    o.AddFixedWindowLimiter("search", w => (w.PermitLimit, w.Window) = (2, TimeSpan.FromMinutes(1)));
});
builder.Services.AddSingleton<TodoList>();

// keys:
builder.Services.AddDeclarativeAuth(o => o.KeyPrefix = "todo").UseInMemoryStore();

var app = builder.Build();
app.UseRateLimiter();
app.UseDeclarativeAuth(); // keys: after the app's own middleware; it moves none of it

// keys: Identity declares only /manage/* ([Authorize]); its other endpoints (register, login, ...) are public.
app.MapIdentityApi<IdentityUser>().AllowAnonymousWhereUndeclared();

var api = app.MapGroup("/api");
api.MapGet("/account", [Authorize] (ClaimsPrincipal user) =>
    new Account(user.FindFirstValue(ClaimTypes.NameIdentifier), user.Identity?.Name, user.FindFirstValue(TenantClaims.Type)));
api.MapGet("/search", (string? q) => new[] { $"results for {q}" }).AllowAnonymous().RequireRateLimiting("search");
api.MapGet("/export", (ClaimsPrincipal user, TodoList todos) => todos.Of(user)).RequireAuthorization("todos.read");

// keys: a key holding read:todos, or a signed-in user.
var todos = api.MapGroup("/todos").RequireKey(KeyType.Read, "todos").OrAuthorization();
todos.MapGet("/", (ClaimsPrincipal user, TodoList list) => list.Of(user));
todos.MapPost("/", (NewTodo todo, ClaimsPrincipal user, TodoList list) => list.Add(user, todo.Title))
    .RequireKey(KeyType.Write, "todos");

// keys: for keys only.
api.MapGet("/reports/usage", (TodoList list) => new { todos = list.Count }).RequireKey(KeyType.Read, "reports");

// keys: Settings > API keys — a signed-in user makes keys that act for them.
app.MapGroup("/settings/api-keys").MapApiKeySettings().RequireAuthorization("signed-in-user");

app.Run();

internal sealed record Account(string? Id, string? Name, string? Tenant);

internal sealed record NewTodo(string Title);

/// <summary>The app's entry point, for its tests.</summary>
public partial class Program;

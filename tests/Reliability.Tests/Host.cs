using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Reliability.Tests;

/// <summary>An app on TestServer with every log line captured.</summary>
public sealed class Host : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required FakeLogCollector Logs { get; init; }
    public ApiKeyService Keys => App.Services.GetRequiredService<ApiKeyService>();
    public ApiKeyFormat Format => App.Services.GetRequiredService<ApiKeyFormat>();
    public TestServer Server => App.GetTestServer();

    public static async Task<Host> StartAsync(Action<DeclarativeAuthBuilder> store, Action<DeclarativeAuthOptions>? options = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        var logs = new FakeLogCollector();
        builder.Logging.ClearProviders().SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs));
        store(builder.Services.AddDeclarativeAuth(o =>
        {
            o.KeyPrefix = "rel";
            options?.Invoke(o);
        }));
        var app = builder.Build();
        app.UseDeclarativeAuth();
        app.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "events");
        app.MapPost("/v1/events", [RequiresKey(KeyType.Write, Scope = "events")] () => "ingested");
        app.MapGet("/v1/admin", [RequiresKey(KeyType.Admin)] () => "admin");
        app.MapGet("/health", () => "ok").AllowAnonymous();
        app.MapApiKeyManagement();
        await app.StartAsync();
        return new Host { App = app, Logs = logs };
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

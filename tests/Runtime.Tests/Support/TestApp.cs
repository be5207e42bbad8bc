using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Tests.Support;

/// <summary>A real ASP.NET Core host on TestServer with the verifier in its pipeline.</summary>
public sealed class TestApp : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TestApp(WebApplication app, InMemoryApiKeyStore store, FakeTimeProvider time, FakeLogCollector logs)
    {
        App = app;
        Store = store;
        Time = time;
        Logs = logs;
    }

    public WebApplication App { get; }
    public InMemoryApiKeyStore Store { get; }
    public FakeTimeProvider Time { get; }
    public ApiKeyFormat Format => App.Services.GetRequiredService<ApiKeyFormat>();
    public ApiKeyService Keys => App.Services.GetRequiredService<ApiKeyService>();
    public FakeLogCollector Logs { get; }

    public static async Task<TestApp> StartAsync(
        Action<WebApplication> map,
        Action<DeclarativeAuthOptions>? options = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplicationBuilder>? builder = null,
        Action<WebApplication>? pipeline = null)
    {
        var b = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        b.WebHost.UseTestServer();
        var time = new FakeTimeProvider(Start);
        var logs = new FakeLogCollector();
        b.Logging.ClearProviders().AddProvider(new FakeLoggerProvider(logs));
        b.Services.AddSingleton<TimeProvider>(time);
        b.Services.AddControllers().AddApplicationPart(typeof(TestApp).Assembly);
        b.Services.AddAuthorization();
        b.Services.AddDeclarativeAuth(options).UseInMemoryStore();
        services?.Invoke(b.Services);
        builder?.Invoke(b);
        var app = b.Build();
        if (pipeline is null)
        {
            app.UseDeclarativeAuth();
            app.UseAuthorization();
        }
        else
        {
            pipeline(app); // the app's own order, for the tests of where UseDeclarativeAuth() may go
        }
        map(app);
        await app.StartAsync();
        return new TestApp(app, app.Services.GetRequiredService<InMemoryApiKeyStore>(), time, logs);
    }

    public HttpClient Client(string? key = null)
    {
        var client = App.GetTestClient();
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Adds a key and returns its secret.</summary>
    public string Key(params string[] permissions)
    {
        var secret = Format.Generate();
        Store.Add("key-" + string.Join("+", permissions), secret, permissions);
        return secret;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public static class ResponseAssertions
{
    /// <summary>Asserts a problem+json refusal with the status and code; returns the body.</summary>
    public static async Task<JsonElement> AssertRefusal(this HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        return body;
    }
}

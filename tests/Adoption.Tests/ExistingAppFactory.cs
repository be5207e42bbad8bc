using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Adoption.Tests;

/// <summary>samples/ExistingApp on a test server, with its own users database and every log line kept.</summary>
public sealed class ExistingAppFactory : WebApplicationFactory<Program>
{
    public ConcurrentQueue<string> Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("UsersDb", Guid.NewGuid().ToString("N"));
        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(new CapturingLoggerProvider(Logs));
            logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
        });
    }

    /// <summary>Registers a user through Identity's endpoints and returns their bearer token.</summary>
    public async Task<string> SignUpAsync(string email)
    {
        var client = CreateClient();
        const string password = "Correct-Horse-9";
        var registered = await client.PostAsJsonAsync("/register", new { email, password });
        Assert.True(registered.IsSuccessStatusCode, $"/register answered {(int)registered.StatusCode}: {await registered.Content.ReadAsStringAsync()}");
        var login = await client.PostAsJsonAsync("/login", new { email, password });
        Assert.True(login.IsSuccessStatusCode, $"/login answered {(int)login.StatusCode}: {await login.Content.ReadAsStringAsync()}");
        var token = await login.Content.ReadFromJsonAsync<AccessTokenResponse>();
        return token!.AccessToken;
    }

    /// <summary>Makes a key in code, as an app's own code would.</summary>
    public async Task<string> CreateKeyAsync(string name, string[] permissions, string? owner = null)
    {
        var created = await Services.GetRequiredService<ApiKeyService>()
            .CreateAsync(new CreateApiKeyRequest { Name = name, Permissions = permissions, Owner = owner });
        return created.Secret;
    }

    public HttpClient ClientWith(string? bearer)
    {
        var client = CreateClient();
        if (bearer is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    private sealed record AccessTokenResponse(string AccessToken);
}

/// <summary>Keeps every log message, to check what the library logs (and does not) on a request.</summary>
internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, messages);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => messages.Enqueue($"{logLevel} {category}: {formatter(state, exception)}");
    }
}

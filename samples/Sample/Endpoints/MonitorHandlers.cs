using Declarative.Auth;

namespace Declarative.Auth.Sample.Endpoints;

/// <summary>Method-group handlers for the monitors group.</summary>
internal static class MonitorHandlers
{
    private static readonly Monitor[] Monitors = [new("api", "https://api.example.com/health", "up"), new("web", "https://example.com", "up")];

    public static IResult List() => Results.Ok(Monitors);

    public static IResult Get(string id)
        => Monitors.FirstOrDefault(m => m.Id == id) is { } monitor ? Results.Ok(monitor) : Results.NotFound();

    [RequiresKey(KeyType.Write, Scope = "monitors")]
    public static IResult Create(Monitor monitor) => Results.Created($"/api/monitors/{monitor.Id}", monitor);

    [RequiresKey(KeyType.Delete, Scope = "monitors")]
    public static IResult Delete(string id) => Results.NoContent();
}

/// <summary>A monitored URL.</summary>
public sealed record Monitor(string Id, string Url, string Status);

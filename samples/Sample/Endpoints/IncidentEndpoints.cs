using Declarative.Auth;

namespace Declarative.Auth.Sample.Endpoints;

/// <summary>Incidents, mapped from an extension method the way larger apps split their endpoints.</summary>
internal static class IncidentEndpoints
{
    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/incidents", [RequiresKey(KeyType.Read, Scope = "incidents")] () =>
            Results.Ok(new[] { new Incident("inc-1", "API latency", "investigating") }));

        endpoints.MapPost("/api/incidents", [RequiresKey(KeyType.Write, Scope = "incidents")] (Incident incident) =>
            Results.Created($"/api/incidents/{incident.Id}", incident));

        [RequiresKey(KeyType.Write, Scope = "incidents")]
        static IResult Resolve(string id) => Results.Ok(new Incident(id, "resolved", "resolved"));
        endpoints.MapMethods("/api/incidents/{id}/resolve", ["POST", "PUT"], Resolve);

        return endpoints;
    }
}

/// <summary>An incident on the status page.</summary>
public sealed record Incident(string Id, string Title, string Status);

/// <summary>A batch of events sent by a source.</summary>
public sealed record EventBatch(List<Dictionary<string, object?>> Events);

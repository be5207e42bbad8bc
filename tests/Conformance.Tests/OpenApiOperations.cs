using System.Text.Json;

namespace Declarative.Auth.Conformance.Tests;

/// <summary>
/// The OpenAPI document's view of an endpoint, reduced to what it can say: <c>public</c> (<c>security: []</c>) or
/// <c>secured[..]</c> with the operation's <c>x-required-permissions</c> (an [Authorize] operation may leave its
/// security requirement to the app's own schemes). Endpoints ASP.NET Core's ApiExplorer does
/// not describe (hubs, health checks, method-less Map) have no operation; they are not compared.
/// </summary>
internal sealed class OpenApiOperations(JsonDocument document, IReadOnlySet<(string Method, string Path)> described)
{
    private readonly Dictionary<string, JsonElement> _paths = document.RootElement.GetProperty("paths").EnumerateObject()
        .ToDictionary(p => EndpointKey.Normalize(p.Name), p => p.Value);

    /// <summary>What the document should say for an endpoint the runtime enforces as <paramref name="policy"/>.</summary>
    public static string Expected(Requirement policy)
        => policy.Access == Requirement.Public ? "public" : $"secured[{string.Join(",", policy.Permissions)}]";

    /// <summary>Null when ApiExplorer does not describe the endpoint; otherwise what the document says (per method when they differ).</summary>
    public string? Actual(EndpointKey key)
    {
        var methods = key.Methods == "*" ? [] : key.Methods.Split(',');
        if (methods.Length == 0 || !methods.Any(m => described.Contains((m, key.Route))))
            return null;
        var answers = methods.Select(m => Read(key.Route, m)).Distinct().ToArray();
        return answers.Length == 1 ? answers[0] : string.Join(" | ", methods.Zip(answers, (m, a) => m + ": " + a));
    }

    private string Read(string route, string method)
    {
        if (!_paths.TryGetValue(route, out var path) || !path.TryGetProperty(method.ToLowerInvariant(), out var operation))
            return "(no operation)";
        if (operation.TryGetProperty("security", out var security) && security.ValueKind == JsonValueKind.Array && security.GetArrayLength() == 0)
            return operation.TryGetProperty("x-required-permissions", out _) ? "public with x-required-permissions" : "public";
        var permissions = operation.TryGetProperty("x-required-permissions", out var list)
            ? list.EnumerateArray().Select(p => p.GetString()!).Order(StringComparer.Ordinal).ToArray()
            : [];
        return $"secured[{string.Join(",", permissions)}]";
    }
}

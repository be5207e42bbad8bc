using System.Text.Json.Nodes;
using Declarative.Auth.Rules;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Declarative.Auth.OpenApi;

/// <summary>Adds what Declarative.Auth declarations mean to the OpenAPI document.</summary>
public static class DeclarativeAuthOpenApiExtensions
{
    /// <summary>The name of the bearer security scheme in <c>components.securitySchemes</c>.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The operation extension listing the permissions an operation requires (all of them).</summary>
    public const string RequiredPermissionsExtension = "x-required-permissions";

    /// <summary>The operation extension listing the key kinds an operation accepts (apiKey, eventWriteKey, organizationsKey).</summary>
    public const string KeyKindsExtension = "x-key-kinds";

    /// <summary>
    /// The operation extension of a requirement a signed-in caller may meet instead of a key: the app's policy name,
    /// or <c>default</c>. The operation's security then lists the app's own schemes as alternatives to <c>ApiKey</c>.
    /// </summary>
    public const string OrAuthorizationExtension = "x-or-authorization";

    /// <summary>
    /// Adds a bearer security scheme <c>ApiKey</c> and, per operation, from the endpoint's metadata: the security
    /// requirement (or <c>security: []</c> when public), <c>x-required-permissions</c>, <c>x-key-kinds</c> and the
    /// 401/403/429 responses with their error codes.
    /// </summary>
    public static OpenApiOptions AddDeclarativeAuth(this OpenApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "<prefix>_<live|test>_<28 base62>",
                Description = "An API key in `Authorization: Bearer <key>`. Keys read `<prefix>_<live|test>_<22 random base62><6 base62 checksum>`; "
                    + "a malformed key, or one for the other environment, is refused with 401 UNAUTHORIZED.",
            };
            AddAppSchemes(document);
            return Task.CompletedTask;
        });
        // MVC's ApiDescription carries the action's metadata only; conventions such as MapControllers().RequireKey(...)
        // are on the built endpoint. So read the live endpoint that carries the action, as the runtime does.
        Dictionary<object, Endpoint>? byAction = null;
        options.AddOperationTransformer((operation, context, _) =>
        {
            var action = context.Description.ActionDescriptor;
            byAction ??= ByAction(context.ApplicationServices);
            var metadata = byAction.TryGetValue(action, out var endpoint) ? endpoint.Metadata : (IReadOnlyList<object>)[.. action.EndpointMetadata];
            Apply(operation, Read(metadata), context.Document);
            return Task.CompletedTask;
        });
        return options;
    }

    // Security requirements are alternatives: "ApiKey" or any scheme the app's own logins use.
    private static void AddAppSchemes(OpenApiDocument document)
    {
        var schemes = document.Components?.SecuritySchemes?.Keys.Where(k => k != SchemeName).ToArray() ?? [];
        foreach (var operation in document.Paths?.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []) ?? [])
        {
            if (operation.Extensions?.ContainsKey(OrAuthorizationExtension) != true || operation.Security is null)
                continue;
            foreach (var scheme in schemes)
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] });
        }
    }

    private static Dictionary<object, Endpoint> ByAction(IServiceProvider services)
    {
        var result = new Dictionary<object, Endpoint>(ReferenceEqualityComparer.Instance);
        foreach (var source in services.GetServices<EndpointDataSource>())
        {
            foreach (var endpoint in source.Endpoints)
            {
                if (endpoint.Metadata.GetMetadata<ActionDescriptor>() is { } descriptor)
                    result.TryAdd(descriptor, endpoint);
            }
        }
        return result;
    }

    /// <summary>What one endpoint requires: the runtime's own precedence rule over its metadata.</summary>
    internal sealed record Requirement(bool Public, IReadOnlyList<string> Permissions, IReadOnlyList<string> KeyKinds, bool Workspace, bool Undeclared,
        bool OrAuthorization = false, string? AuthorizationPolicy = null, bool Authorize = false);

    internal static Requirement Read(IReadOnlyList<object> metadata)
    {
        var resolved = EndpointPolicyBuilder.Resolve(metadata);
        switch (resolved.Access)
        {
            case ResolvedAccess.OrganizationsKey:
                return new Requirement(false, [], ["organizationsKey"], resolved.Workspace, false);
            case ResolvedAccess.Public:
                return new Requirement(true, [], [], resolved.Workspace, false);
        }
        var kinds = new List<string>();
        var key = resolved.Access == ResolvedAccess.Key;
        if (!resolved.EventIngestion || resolved.Permissions.Length > 0 || resolved.AnyKey)
            kinds.Add("apiKey");
        if (resolved.EventIngestion)
            kinds.Add("eventWriteKey");
        return new Requirement(false, resolved.Permissions, key ? kinds : [], resolved.Workspace, resolved.Access == ResolvedAccess.Undeclared,
            resolved.OrAuthorization, resolved.AuthorizationPolicy, resolved.Access == ResolvedAccess.Authorize);
    }

    private static void Apply(OpenApiOperation operation, Requirement requirement, OpenApiDocument? document)
    {
        if (requirement.Public)
        {
            operation.Security = [];
            return;
        }
        if (requirement.Authorize)
            return; // left to the app's own authorization: its schemes describe it

        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] },
        ];
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[RequiredPermissionsExtension] = new JsonNodeExtension(new JsonArray(requirement.Permissions.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()));
        operation.Extensions[KeyKindsExtension] = new JsonNodeExtension(new JsonArray(requirement.KeyKinds.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()));
        if (requirement.OrAuthorization)
        {
            // A key OR the app's own login: the document transformer adds the app's schemes as alternative requirements.
            operation.Extensions[OrAuthorizationExtension] = new JsonNodeExtension(JsonValue.Create(requirement.AuthorizationPolicy ?? "default")!);
        }

        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse
        {
            Description = "UNAUTHORIZED: no key, a malformed or unknown key; KEY_EXPIRED; KEY_REVOKED. JSON body with code and message; `WWW-Authenticate: Bearer`.",
        });
        var forbidden = requirement.Undeclared
            ? "FORBIDDEN: this endpoint declares no requirement, so every request is refused (fail closed)."
            : requirement.Permissions.Count > 0
                ? $"FORBIDDEN: the key lacks {string.Join(", ", requirement.Permissions)} (`admin` grants everything); the body names what was required."
                : "FORBIDDEN: the key may not call this endpoint.";
        if (requirement.Workspace)
            forbidden += " WORKSPACE_REQUIRED / FORBIDDEN: no workspace given, or a restricted key naming another workspace.";
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = forbidden });
        operation.Responses.TryAdd("429", new OpenApiResponse
        {
            Description = "RATE_LIMITED: the key's per-minute limit is spent; see `Retry-After` and `X-RateLimit-*`.",
        });
    }
}

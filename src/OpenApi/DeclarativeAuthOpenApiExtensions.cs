using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Controllers;
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
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            Apply(operation, context.Description.ActionDescriptor.EndpointMetadata, context.Document);
            return Task.CompletedTask;
        });
        return options;
    }

    /// <summary>What one endpoint requires, read from its metadata as the runtime reads it.</summary>
    internal sealed record Requirement(bool Public, IReadOnlyList<string> Permissions, IReadOnlyList<string> KeyKinds, bool Workspace, bool Undeclared);

    internal static Requirement Read(IList<object> metadata)
    {
        var workspace = metadata.OfType<IRequiresWorkspaceMetadata>().Any();
        var ingestion = metadata.OfType<IEventIngestionMetadata>().Any();
        if (metadata.OfType<IRequiresOrganizationsKeyMetadata>().Any())
            return new Requirement(false, [], ["organizationsKey"], workspace, false);

        // As EndpointPolicyBuilder: attributes on the handler or action method replace everything outer.
        var keys = new List<IRequiresKeyMetadata>();
        var isPublic = false;
        var method = metadata.OfType<ControllerActionDescriptor>().FirstOrDefault()?.MethodInfo ?? metadata.OfType<MethodInfo>().FirstOrDefault();
        var own = method?.GetCustomAttributes(inherit: true) ?? [];
        if (own.OfType<IRequiresKeyMetadata>().Any())
            keys.AddRange(own.OfType<IRequiresKeyMetadata>());
        else if (own.OfType<IAllowAnonymous>().Any())
            isPublic = true;

        // Then nearest first: RequireKeys add up until an AllowAnonymous.
        if (keys.Count == 0 && !isPublic)
        {
            for (var i = metadata.Count - 1; i >= 0; i--)
            {
                if (metadata[i] is IRequiresKeyMetadata key)
                    keys.Add(key);
                else if (metadata[i] is IAllowAnonymous)
                {
                    isPublic = keys.Count == 0;
                    break;
                }
            }
        }
        if (isPublic)
            return new Requirement(true, [], [], workspace, false);
        var permissions = keys.Select(k => k.Permission).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var kinds = new List<string>();
        if (keys.Count > 0 || !ingestion)
            kinds.Add("apiKey");
        if (ingestion)
            kinds.Add("eventWriteKey");
        return new Requirement(false, permissions, kinds, workspace, keys.Count == 0 && !ingestion);
    }

    private static void Apply(OpenApiOperation operation, IList<object> metadata, OpenApiDocument? document)
    {
        var requirement = Read(metadata);
        if (requirement.Public)
        {
            operation.Security = [];
            return;
        }

        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] },
        ];
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions[RequiredPermissionsExtension] = new JsonNodeExtension(new JsonArray(requirement.Permissions.Select(p => (JsonNode)JsonValue.Create(p)).ToArray()));
        operation.Extensions[KeyKindsExtension] = new JsonNodeExtension(new JsonArray(requirement.KeyKinds.Select(k => (JsonNode)JsonValue.Create(k)).ToArray()));

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

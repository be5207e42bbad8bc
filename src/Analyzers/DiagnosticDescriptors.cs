using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Every diagnostic the Declarative.Auth analyzers raise, in one place: ids are <c>DAUTH</c> + 3 digits,
    /// each has a section in docs/diagnostics.md and a row in AnalyzerReleases.*.md. Ids are never renumbered.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string HelpBase = "https://github.com/declarative-auth/declarative-auth/blob/main/docs/diagnostics.md#";

        public const string SecurityCategory = "Security";
        public const string UsageCategory = "Usage";
        public const string DocumentationCategory = "Documentation";

        /// <summary>What every descriptor shares: enabled by default, help at the id's section of docs/diagnostics.md.</summary>
        private static DiagnosticDescriptor Rule(string id, string category, DiagnosticSeverity severity, string title, string messageFormat, string description, params string[] customTags)
            => new(id, title, messageFormat, category, severity, isEnabledByDefault: true, description, HelpBase + id.ToLowerInvariant(), customTags);

        /// <summary>DAUTH001: an endpoint that nothing declares as keyed, authorized or anonymous.</summary>
        public static readonly DiagnosticDescriptor EndpointHasNoAuthDeclaration = Rule(
            "DAUTH001", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Endpoint has no auth declaration",
            messageFormat: "Endpoint '{0}' has no auth declaration; {1}",
            description: "Every endpoint needs a deliberate auth decision: [RequiresKey], [Authorize] or [AllowAnonymous] on the handler, action or controller, or RequireKey(), RequireAuthorization() or AllowAnonymous() on the endpoint or an enclosing route group. Undeclared endpoints are refused at run time.");

        /// <summary>DAUTH001's fix for an endpoint whose handler, action or chain the app writes.</summary>
        public static string AddAttributeFix(string keyType, string scope)
            => "add [RequiresKey(KeyType." + keyType + ", Scope = \"" + scope + "\")], or [AllowAnonymous] if it is public";

        /// <summary>DAUTH001's fix for endpoints a library maps: declare the returned builder, or only what the library left undeclared.</summary>
        public static string LibraryFix(string method, string keyType, string scope)
            => "call .RequireKey(KeyType." + keyType + ", \"" + scope + "\") or .AllowAnonymous() on what " + method
               + "() returns, or .RequireKeyWhereUndeclared(...) / .AllowAnonymousWhereUndeclared() to keep the library's own [Authorize]";

        /// <summary>DAUTH010: [OrAuthorization] with no key requirement it could be an alternative to.</summary>
        public static readonly DiagnosticDescriptor OrAuthorizationWithoutKey = Rule(
            "DAUTH010", SecurityCategory, DiagnosticSeverity.Warning,
            title: "OrAuthorization has no key requirement",
            messageFormat: "'{0}' declares OrAuthorization but no key requirement applies to it, so the endpoint stays {1}; add [RequiresKey(...)] (or .RequireKey(...)) next to it, or use [Authorize] if a login alone is meant",
            description: "OrAuthorization lets a caller the app's own authorization accepts meet a key requirement instead of a key. Without a key requirement on the same endpoint (by the precedence rule) it changes nothing.");

        /// <summary>DAUTH002: a scope that is not in the app's [assembly: PermissionScope] catalog.</summary>
        public static readonly DiagnosticDescriptor UnknownScope = Rule(
            "DAUTH002", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Scope is not declared in the permission catalog; use a declared scope or add [assembly: PermissionScope]",
            messageFormat: "Scope '{0}' is not in the app's permission catalog ({1}); {2}",
            description: "Once an app declares a permission catalog with [assembly: PermissionScope(\"scope\", \"description\")], every Scope = \"...\" and RequireKey(type, \"...\") must name one of its scopes. A misspelt scope creates a permission no key holds, so the endpoint would refuse every key.");

        /// <summary>DAUTH003: [RequiresKey] and [AllowAnonymous] on one endpoint, where one silently loses.</summary>
        public static readonly DiagnosticDescriptor ContradictoryDeclarations = Rule(
            "DAUTH003", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Key requirement contradicted by AllowAnonymous on the same endpoint; keep only one",
            messageFormat: "{0} contradicts {1} {2}; {3}; remove one of them",
            description: "An endpoint should say once whether it needs a key. [RequiresKey] and [AllowAnonymous] at the same level, or an AllowAnonymous on the handler overriding a RequireKey on the endpoint's own chain, leave the reader guessing which one applies.");

        /// <summary>DAUTH004: KeyType.Admin with a scope (the runtime throws at start-up).</summary>
        public static readonly DiagnosticDescriptor AdminWithScope = Rule(
            "DAUTH004", UsageCategory, DiagnosticSeverity.Error,
            title: "KeyType.Admin takes no scope; write [RequiresKey(KeyType.Admin)]",
            messageFormat: "KeyType.Admin takes no scope (got '{0}'); remove the scope, or use KeyType.Read, Write or Delete to require a permission on '{0}'",
            description: "'admin' is one permission that grants everything; it has no scope. The runtime refuses to start with an Admin declaration that has one.");

        /// <summary>DAUTH005: a scope PermissionName.IsValidScope rejects (the runtime throws at start-up).</summary>
        public static readonly DiagnosticDescriptor MalformedScope = Rule(
            "DAUTH005", UsageCategory, DiagnosticSeverity.Error,
            title: "Scope is not valid; use lowercase letters, digits, '-', '_' or '.', starting with a letter",
            messageFormat: "Scope '{0}' is not valid; a scope is 1 to 64 lowercase letters, digits, '-', '_' or '.', starting with a letter, such as \"{1}\"",
            description: "Scopes become permission names such as read:events; the runtime refuses to start with a scope that is empty, too long, or holds other characters.");

        /// <summary>DAUTH006: a write/delete key demanded by a GET/HEAD endpoint, or a read key by a DELETE.</summary>
        public static readonly DiagnosticDescriptor KeyTypeDoesNotFitMethod = Rule(
            "DAUTH006", SecurityCategory, DiagnosticSeverity.Info,
            title: "Key type does not fit the HTTP method; GET/HEAD usually require KeyType.Read, DELETE KeyType.Delete",
            messageFormat: "Endpoint '{0}' is a {1} but requires KeyType.{2}; write KeyType.{3} unless this is deliberate",
            description: "A GET or HEAD endpoint that demands a write or delete key locks out read-only keys; a DELETE endpoint that accepts a read key lets read-only keys delete.");

        /// <summary>DAUTH007: one route and HTTP method declared twice with different requirements.</summary>
        public static readonly DiagnosticDescriptor ConflictingDuplicateRoute = Rule(
            "DAUTH007", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Same route and method mapped twice with different auth requirements; keep one endpoint",
            messageFormat: "Endpoint '{0}' is also mapped at {1} with a different requirement ({2} here, {3} there); keep one endpoint with one requirement",
            description: "Two endpoints with the same route and HTTP method are ambiguous at run time; when their requirements differ, which one a request meets decides whether it needs a key.",
            WellKnownDiagnosticTags.CompilationEnd);

        /// <summary>DAUTH008: a route or group prefix that is not a compile-time constant.</summary>
        public static readonly DiagnosticDescriptor RouteNotConstant = Rule(
            "DAUTH008", DocumentationCategory, DiagnosticSeverity.Info,
            title: "Route is not a constant; it is enforced but missing from the permission table and docs; use a const string",
            messageFormat: "The route of '{0}' is not a compile-time constant; the endpoint is still enforced, but it cannot enter the generated permission table or docs; use a string literal or const",
            description: "The generator reads routes at build time; a route computed at run time is enforced by its metadata, but the table, the Markdown docs and the JSON manifest cannot list it.");

        /// <summary>DAUTH009: a Read, Write or Delete requirement with no scope (the runtime throws at start-up).</summary>
        public static readonly DiagnosticDescriptor MissingScope = Rule(
            "DAUTH009", UsageCategory, DiagnosticSeverity.Error,
            title: "KeyType.Read, Write and Delete need a scope; add Scope = \"...\"",
            messageFormat: "KeyType.{0} needs a scope; write {1}",
            description: "Read, Write and Delete name a permission on a resource, such as read:events; without a scope there is no permission to check, and the runtime refuses to start.");
        /// <summary>DAUTH011: a route with a workspace parameter on a key endpoint that is not workspace-scoped.</summary>
        public static readonly DiagnosticDescriptor WorkspaceRouteNotScoped = Rule(
            "DAUTH011", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Route names a workspace but the endpoint is not workspace-scoped; add [RequiresWorkspace]",
            messageFormat: "Endpoint '{0}' has the workspace route parameter '{{{1}}}' but is not workspace-scoped, so the verifier resolves no workspace for keys that are not restricted to one and the permission table does not mark it; add [RequiresWorkspace] (or .RequireWorkspace())",
            description: "An endpoint whose route carries the workspace ({workspaceId}, or a configured route source) works inside a workspace. Without [RequiresWorkspace] the verifier does not require, validate or agree the workspace for unrestricted keys, HttpContext.GetWorkspace() is null, and the generated table, docs and permission diff do not show it as workspace-scoped.");

        /// <summary>DAUTH012: a workspace-scoped handler binds the workspace from a place the verifier does not read.</summary>
        public static readonly DiagnosticDescriptor WorkspaceFromUncheckedSource = Rule(
            "DAUTH012", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Workspace-scoped handler binds the workspace from a place the verifier does not check",
            messageFormat: "Parameter '{0}' of '{1}' binds the workspace from {2}, which the verifier does not check (it reads {3}); a key restricted to one workspace can name another there; {4}",
            description: "The verifier holds a restricted key to its workspace by reading the configured workspace sources (WorkspaceOptions: by default the 'Workspace' header, the 'workspaceId' query parameter and the {workspaceId} route value). A handler that takes its workspace from anywhere else works in a workspace nobody checked.");

        /// <summary>DAUTH013: a workspace-scoped endpoint takes a workspace id from the request body.</summary>
        public static readonly DiagnosticDescriptor WorkspaceFromBody = Rule(
            "DAUTH013", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Workspace-scoped endpoint takes a workspace id from the request body",
            messageFormat: "Endpoint '{0}' is workspace-scoped but reads '{1}' from the request body (parameter '{2}'); the verifier never checks the body, so a key restricted to one workspace can name another there; use HttpContext.GetWorkspace() and drop '{1}' from the body",
            description: "The workspace the verifier checked is HttpContext.GetWorkspace(); a workspace id in the JSON or form body is whatever the caller wrote.");

        /// <summary>DAUTH014: [EventIngestion] on an endpoint that reads or deletes.</summary>
        public static readonly DiagnosticDescriptor EventIngestionOnReadOrDelete = Rule(
            "DAUTH014", SecurityCategory, DiagnosticSeverity.Warning,
            title: "[EventIngestion] on a GET, HEAD or DELETE endpoint; event write keys only send events",
            messageFormat: "Endpoint '{0}' accepts event write keys ([EventIngestion]) but answers {1}: every event write key, which ships inside browser and mobile SDKs, could {2} here, with CORS open; remove [EventIngestion]",
            description: "Event write keys are public-ish credentials tied to one source connection, meant only to send events (POST). An ingestion endpoint accepts them whatever else it requires and answers CORS for any origin.");

        /// <summary>DAUTH015: [EventIngestion] on an endpoint that requires an admin key.</summary>
        public static readonly DiagnosticDescriptor EventIngestionWithAdmin = Rule(
            "DAUTH015", SecurityCategory, DiagnosticSeverity.Warning,
            title: "[EventIngestion] on an endpoint that requires admin lets event write keys in",
            messageFormat: "Endpoint '{0}' requires an admin key but also accepts event write keys ([EventIngestion]); the verifier lets every event write key through an ingestion endpoint whatever it requires, so the weakest key passes where the strongest is demanded; remove [EventIngestion]",
            description: "On an ingestion endpoint the verifier accepts an event write key without looking at the endpoint's permissions (EndpointPolicy.Refuses). Combined with an admin requirement, an endpoint meant for admin keys only is open to every event write key.");

        /// <summary>DAUTH016: the organizations key and an API key requirement on one endpoint.</summary>
        public static readonly DiagnosticDescriptor OrganizationsKeyWithKey = Rule(
            "DAUTH016", SecurityCategory, DiagnosticSeverity.Warning,
            title: "[RequiresOrganizationsKey] and a key requirement on one endpoint; the organizations key wins",
            messageFormat: "Endpoint '{0}' requires the organizations key and also {1}; the organizations key wins, so no API key (admin included) is accepted here and {1} is never checked; remove {1}, or [RequiresOrganizationsKey] if API keys are meant",
            description: "The organizations key beats every other declaration (DeclarationPrecedence): an endpoint that requires it refuses API keys, so a RequiresKey next to it only misleads readers and the docs.");

        /// <summary>DAUTH017: an admin, workspace-scoped endpoint no request can name a workspace for.</summary>
        public static readonly DiagnosticDescriptor AdminWorkspaceUnnameable = Rule(
            "DAUTH017", SecurityCategory, DiagnosticSeverity.Warning,
            title: "Admin endpoint is workspace-scoped but no request can name a workspace; only restricted admin keys can call it",
            messageFormat: "Endpoint '{0}' requires admin and a workspace, but its route has none of the places the verifier reads a workspace from ({1}); an admin key restricted to a workspace works in its own, every unrestricted admin key is refused with 400 WORKSPACE_REQUIRED; add the workspace to the route, configure a header or query source, or remove [RequiresWorkspace]",
            description: "On a workspace-scoped endpoint an admin key is held to a workspace like any key (WorkspaceResolver.Enter): a restricted admin key works in its own workspace (403 in any other), an unrestricted one must name a workspace. When only route sources are configured and the route has none of them, no request can name one.");
    }
}

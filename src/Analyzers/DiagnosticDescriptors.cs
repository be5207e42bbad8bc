using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// Every diagnostic the Declarative.Auth analyzers raise, in one place: ids are <c>DAUTH</c> + 3 digits,
    /// each has a section in docs/diagnostics.md and a row in AnalyzerReleases.*.md.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string HelpBase = "https://github.com/declarative-auth/declarative-auth/blob/main/docs/diagnostics.md#";

        public const string SecurityCategory = "Security";

        public const string EndpointHasNoAuthDeclarationId = "DAUTH001";

        /// <summary>DAUTH001: an endpoint that nothing declares as keyed, authorized or anonymous.</summary>
        public static readonly DiagnosticDescriptor EndpointHasNoAuthDeclaration = new(
            id: EndpointHasNoAuthDeclarationId,
            title: "Endpoint has no auth declaration",
            messageFormat: "Endpoint '{0}' has no auth declaration; add [RequiresKey(KeyType.{1}, Scope = \"{2}\")], or [AllowAnonymous] if it is public",
            category: SecurityCategory,
            defaultSeverity: DiagnosticSeverity.Warning,
            isEnabledByDefault: true,
            description: "Every endpoint needs a deliberate auth decision: [RequiresKey], [Authorize] or [AllowAnonymous] on the handler, action or controller, or RequireKey(), RequireAuthorization() or AllowAnonymous() on the endpoint or an enclosing route group. Undeclared endpoints are refused at run time.",
            helpLinkUri: HelpBase + "dauth001");
    }
}

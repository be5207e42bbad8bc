using Declarative.Auth.Rules;

namespace Declarative.Auth;

/// <summary>
/// Metadata of <c>RequireKeyWhereUndeclared</c> / <c>AllowAnonymousWhereUndeclared</c>: a declaration that counts
/// only for endpoints whose own metadata (e.g. a library's <c>[Authorize]</c>) declares nothing.
/// </summary>
internal sealed class WhereUndeclaredMetadata(DeclarationItem item)
{
    public DeclarationItem Item { get; } = item;
}

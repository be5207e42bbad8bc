using System.Runtime.CompilerServices;

namespace Declarative.Auth;

/// <summary>
/// Compiled keys, kept beside the records a store hands out rather than inside them (the public record carries no
/// verifier state). A store or cache that hands out the same record again finds its compiled key in one lookup,
/// allocation-free; a new record (a rotation, a revoke, a reload) or a new catalog compiles again. Entries live as
/// long as their record does.
/// </summary>
internal sealed class VerifiedKeys(DeclarativeAuthState state)
{
    private readonly ConditionalWeakTable<ApiKey, VerifiedKey> _compiled = [];

    public VerifiedKey For(ApiKey key)
    {
        var catalog = state.Catalog;
        if (_compiled.TryGetValue(key, out var found) && ReferenceEquals(found.Catalog, catalog))
            return found;
        var fresh = new VerifiedKey(key, catalog);
        _compiled.AddOrUpdate(key, fresh);
        return fresh;
    }
}

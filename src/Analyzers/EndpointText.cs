using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Declarative.Auth.Analyzers
{
    /// <summary>
    /// DAUTH001 as the analyzer reports it and the text the code fix writes: the suggested key type and scope for an
    /// endpoint, from its HTTP method and route.
    /// </summary>
    internal static class EndpointText
    {
        /// <summary>Diagnostic property: the suggested <c>KeyType</c> member name.</summary>
        public const string KeyTypeProperty = "KeyType";

        /// <summary>Diagnostic property: the suggested scope.</summary>
        public const string ScopeProperty = "Scope";

        /// <summary>Diagnostic property: what the additional location points at (lambda, method, none).</summary>
        public const string TargetProperty = "Target";

        /// <summary>
        /// Diagnostic property at a call of a helper, wrapper or library producer: where a fluent declaration fixes the
        /// endpoint, <see cref="ChainOnResult"/> (on the builder the call returns) or <see cref="ChainOnReceiver"/> (on the group it is called on).
        /// </summary>
        public const string ChainProperty = "Chain";

        public const string ChainOnResult = "result";

        public const string ChainOnReceiver = "receiver";

        public const string AnyMethod = "ANY";

        public const string FallbackScope = "todo";

        /// <summary>
        /// DAUTH001 for <paramref name="endpoint"/> (its message text) at <paramref name="location"/>, with what its fix needs:
        /// the key type the HTTP methods suggest, the scope, where the attribute goes (additional location 0) and, at a
        /// call of a helper or producer, where a fluent declaration goes (<see cref="ChainProperty"/>).
        /// </summary>
        public static Diagnostic Undeclared(Location location, (Location Location, string Kind)? fixTarget, string endpoint, string httpMethods, string scope,
            string? library = null, string? chain = null)
        {
            var keyType = GuessKeyType(httpMethods);
            var properties = ImmutableDictionary.CreateBuilder<string, string?>();
            properties[KeyTypeProperty] = keyType;
            properties[ScopeProperty] = scope;
            if (chain is not null)
                properties[ChainProperty] = chain;
            if (fixTarget is { } target)
                properties[TargetProperty] = target.Kind;
            return Diagnostic.Create(DiagnosticDescriptors.EndpointHasNoAuthDeclaration, location, fixTarget is { } at ? new[] { at.Location } : null,
                properties.ToImmutable(), endpoint,
                library is not null ? DiagnosticDescriptors.LibraryFix(library, keyType, scope) : DiagnosticDescriptors.AddAttributeFix(keyType, scope));
        }

        /// <summary>GET/HEAD → Read; POST/PUT/PATCH → Write; DELETE → Delete; anything else → Read.</summary>
        public static string GuessKeyType(string httpMethods) => httpMethods.Split(',')[0].Trim().ToUpperInvariant() switch
        {
            "POST" or "PUT" or "PATCH" => "Write",
            "DELETE" => "Delete",
            _ => "Read",
        };

        /// <summary>
        /// The route's first literal segment after a version segment (<c>/v1/events</c> → <c>events</c>), or the
        /// first literal segment other than <c>api</c> when there is no version segment; lowercased, with the
        /// characters a scope cannot hold dropped. <paramref name="fallback"/> (then <c>todo</c>) when none is left.
        /// </summary>
        public static string GuessScope(string? route, string? fallback = null)
        {
            var segments = route?.Split(new[] { '/' }, StringSplitOptions.RemoveEmptyEntries) ?? Array.Empty<string>();
            var start = Array.FindLastIndex(segments, IsVersionSegment) + 1;
            return segments.Skip(start)
                .Where(s => s.IndexOf('{') < 0 && s.IndexOf('[') < 0 && !(start == 0 && string.Equals(s, "api", StringComparison.OrdinalIgnoreCase)))
                .Concat(fallback is null ? Array.Empty<string>() : new[] { fallback })
                .Select(s => ScopeText.Repair(s, whenEmpty: string.Empty))
                .FirstOrDefault(s => s.Length > 0) ?? FallbackScope;
        }

        private static bool IsVersionSegment(string segment)
            => segment.Length >= 2 && segment[0] is 'v' or 'V' && char.IsDigit(segment[1]) && segment.Skip(1).All(c => char.IsDigit(c) || c == '.');
    }
}

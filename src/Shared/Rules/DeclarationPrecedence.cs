// The one precedence rule: which of an endpoint's declarations decide who may call it. Plain netstandard2.0 C#
// (no Roslyn, no ASP.NET Core types), linked into the generator, the analyzers, the runtime's policy builder and
// (through the runtime) the OpenAPI transformer, so the build's table and the enforced policy cannot disagree.
using System;
using System.Collections.Generic;

namespace Declarative.Auth.Rules
{
    /// <summary>One declaration an endpoint carries, at some level (group, class, endpoint, method).</summary>
    internal enum DeclarationItemKind
    {
        /// <summary>[RequiresKey] / RequireKey: <see cref="DeclarationItem.Value"/> is the permission.</summary>
        Key,

        /// <summary>[RequiresAnyKey] / RequireAnyKey: a key, whatever it holds.</summary>
        AnyKey,
        OrganizationsKey,

        /// <summary>[EventIngestion]: event write keys too; a declaration on its own only where nothing else declares.</summary>
        EventIngestion,
        Workspace,
        AllowAnonymous,
        Authorize,

        /// <summary>[OrAuthorization] / OrAuthorization: <see cref="DeclarationItem.Value"/> is the policy (null: default).</summary>
        OrAuthorization,

        /// <summary>RequireKeyWhereUndeclared: a key requirement only for endpoints nothing else declares.</summary>
        KeyWhereUndeclared,

        /// <summary>AllowAnonymousWhereUndeclared: public only where nothing else declares.</summary>
        AllowAnonymousWhereUndeclared,
    }

    internal readonly struct DeclarationItem
    {
        public DeclarationItem(DeclarationItemKind kind, string? value = null)
        {
            Kind = kind;
            Value = value;
        }

        public DeclarationItemKind Kind { get; }

        public string? Value { get; }
    }

    /// <summary>The items of one level, in metadata order. <see cref="IsMethod"/>: the handler's or action's own attributes.</summary>
    internal sealed class DeclarationLevelItems
    {
        public DeclarationLevelItems(IReadOnlyList<DeclarationItem> items, bool isMethod)
        {
            Items = items;
            IsMethod = isMethod;
        }

        public IReadOnlyList<DeclarationItem> Items { get; }

        public bool IsMethod { get; }
    }

    /// <summary>Same numbers as the runtime's EndpointAccess.</summary>
    internal enum ResolvedAccess
    {
        Undeclared = 0,
        Key = 1,
        Public = 2,
        Authorize = 3,
        OrganizationsKey = 4,
    }

    /// <summary>What an endpoint requires, all levels combined.</summary>
    internal sealed class ResolvedDeclaration
    {
        public ResolvedAccess Access { get; internal set; }

        /// <summary>Every permission required (all of them), distinct, ordinal order.</summary>
        public string[] Permissions { get; internal set; } = Array.Empty<string>();

        /// <summary>The index of the level that decided (nearest contributing); -1 when undeclared.</summary>
        public int Level { get; internal set; } = -1;

        /// <summary>A key requirement that a caller the app's own authorization accepts may meet instead.</summary>
        public bool OrAuthorization { get; internal set; }

        public string? AuthorizationPolicy { get; internal set; }

        /// <summary>Decided by a *WhereUndeclared declaration.</summary>
        public bool WhereUndeclared { get; internal set; }

        public bool AnyKey { get; internal set; }

        public bool EventIngestion { get; internal set; }

        public bool Workspace { get; internal set; }
    }

    /// <summary>
    /// The rule. A method's own key requirements replace every outer level (and beat its own [AllowAnonymous]:
    /// fail closed); its own [AllowAnonymous] makes it public. Otherwise, from the nearest item outwards: key
    /// requirements add up back to the nearest [AllowAnonymous], which makes the endpoint public only when no
    /// nearer key requirement exists; [Authorize] never removes a key requirement and loses to [AllowAnonymous] at
    /// any level (ASP.NET Core). [OrAuthorization] joins the key requirement it is walked with (nearest policy wins).
    /// The organizations key beats everything; *WhereUndeclared items count only when nothing else declares.
    /// </summary>
    internal static class DeclarationPrecedence
    {
        public static ResolvedDeclaration Resolve(IReadOnlyList<DeclarationLevelItems> levels)
        {
            var result = new ResolvedDeclaration();
            var organizations = -1;
            var ingestion = -1;
            for (var i = 0; i < levels.Count; i++)
            {
                foreach (var item in levels[i].Items)
                {
                    switch (item.Kind)
                    {
                        case DeclarationItemKind.OrganizationsKey: organizations = i; break;
                        case DeclarationItemKind.EventIngestion: ingestion = i; result.EventIngestion = true; break;
                        case DeclarationItemKind.Workspace: result.Workspace = true; break;
                        case DeclarationItemKind.AnyKey: result.AnyKey = true; break;
                    }
                }
            }
            if (organizations >= 0)
            {
                result.Access = ResolvedAccess.OrganizationsKey;
                result.Level = organizations;
                return result;
            }
            if (Walk(levels, result, whereUndeclared: false) || Walk(levels, result, whereUndeclared: true))
                return result;
            if (ingestion >= 0)
            {
                // [EventIngestion] alone: event write keys (and admin keys) only.
                result.Access = ResolvedAccess.Key;
                result.Level = ingestion;
            }
            return result;
        }

        private static bool Walk(IReadOnlyList<DeclarationLevelItems> levels, ResolvedDeclaration result, bool whereUndeclared)
        {
            var keys = new SortedSet<string>(StringComparer.Ordinal);
            var keyLevel = -1;
            var authorizeLevel = -1;
            string? policy = null;
            var orAuthorization = false;
            var method = -1;
            for (var i = 0; i < levels.Count; i++)
            {
                if (levels[i].IsMethod)
                    method = i;
            }

            if (method >= 0)
            {
                var anonymous = false;
                foreach (var item in levels[method].Items)
                {
                    switch (Effective(item.Kind, whereUndeclared))
                    {
                        case DeclarationItemKind.Key:
                        case DeclarationItemKind.AnyKey:
                            AddKey(keys, item);
                            keyLevel = method;
                            break;
                        case DeclarationItemKind.AllowAnonymous:
                            anonymous = true;
                            break;
                        case DeclarationItemKind.OrAuthorization when !orAuthorization:
                            orAuthorization = true;
                            policy = item.Value;
                            break;
                    }
                }
                if (keyLevel >= 0)
                    return Decide(result, ResolvedAccess.Key, keyLevel, keys, orAuthorization, policy, whereUndeclared);
                if (anonymous)
                    return Decide(result, ResolvedAccess.Public, method, keys, false, null, whereUndeclared);
            }

            // The method level first (only [Authorize] and [OrAuthorization] are left there), then nearest → outer.
            for (var step = -1; step < levels.Count; step++)
            {
                var i = step < 0 ? method : levels.Count - 1 - step;
                if (i < 0 || (step >= 0 && i == method))
                    continue;
                var items = levels[i].Items;
                for (var j = items.Count - 1; j >= 0; j--)
                {
                    switch (Effective(items[j].Kind, whereUndeclared))
                    {
                        case DeclarationItemKind.Key:
                        case DeclarationItemKind.AnyKey:
                            AddKey(keys, items[j]);
                            if (keyLevel < 0)
                                keyLevel = i;
                            break;
                        case DeclarationItemKind.OrAuthorization when !orAuthorization:
                            orAuthorization = true;
                            policy = items[j].Value;
                            break;
                        case DeclarationItemKind.Authorize when authorizeLevel < 0:
                            authorizeLevel = i;
                            break;
                        case DeclarationItemKind.AllowAnonymous when keyLevel < 0:
                            return Decide(result, ResolvedAccess.Public, i, keys, false, null, whereUndeclared);
                        case DeclarationItemKind.AllowAnonymous:
                            return Decide(result, ResolvedAccess.Key, keyLevel, keys, orAuthorization, policy, whereUndeclared);
                    }
                }
            }
            if (keyLevel >= 0)
                return Decide(result, ResolvedAccess.Key, keyLevel, keys, orAuthorization, policy, whereUndeclared);
            if (authorizeLevel >= 0)
                return Decide(result, ResolvedAccess.Authorize, authorizeLevel, keys, false, null, whereUndeclared);
            return false;
        }

        // In the second walk only the *WhereUndeclared items count, as their plain forms.
        private static DeclarationItemKind? Effective(DeclarationItemKind kind, bool whereUndeclared)
        {
            if (!whereUndeclared)
                return kind is DeclarationItemKind.KeyWhereUndeclared or DeclarationItemKind.AllowAnonymousWhereUndeclared ? null : kind;
            return kind switch
            {
                DeclarationItemKind.KeyWhereUndeclared => DeclarationItemKind.Key,
                DeclarationItemKind.AllowAnonymousWhereUndeclared => DeclarationItemKind.AllowAnonymous,
                _ => null,
            };
        }

        private static void AddKey(SortedSet<string> keys, DeclarationItem item)
        {
            if (!string.IsNullOrEmpty(item.Value))
                keys.Add(item.Value!);
        }

        private static bool Decide(ResolvedDeclaration result, ResolvedAccess access, int level, SortedSet<string> keys,
            bool orAuthorization, string? policy, bool whereUndeclared)
        {
            result.Access = access;
            result.Level = level;
            result.WhereUndeclared = whereUndeclared;
            if (access == ResolvedAccess.Key)
            {
                result.Permissions = new string[keys.Count];
                keys.CopyTo(result.Permissions);
                result.OrAuthorization = orAuthorization;
                result.AuthorizationPolicy = policy;
            }
            return true;
        }
    }
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Declarative.Auth.Rules;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using static Declarative.Auth.Analysis.Operations;

namespace Declarative.Auth.Analysis
{
    /// <summary>Reads declarations (attributes, fluent calls) into declaration items, level by level.</summary>
    internal static class Declarations
    {
        /// <summary>
        /// The items of a method's own attributes, overridden methods' included (MVC reads them with inherit: true).
        /// </summary>
        public static Level OfMethod(IMethodSymbol method)
        {
            var level = new Level();
            for (var current = method; current is not null; current = current.OverriddenMethod)
                level.AddAttributes(current.GetAttributes());
            return level;
        }

        /// <summary>A class's items, its base classes' after its own (Type.GetCustomAttributes(inherit: true) order).</summary>
        public static Level OfClass(INamedTypeSymbol type)
        {
            var level = new Level();
            for (var current = type; current is not null; current = current.BaseType)
                level.AddAttributes(current.GetAttributes());
            return level;
        }

        /// <summary>One level's declaration items, in metadata order.</summary>
        internal sealed class Level
        {
            private readonly List<DeclarationItem> _items = new List<DeclarationItem>();

            /// <summary>A fresh, empty level (levels are mutable while a chain is read, so never shared).</summary>
            public static Level None => new Level();

            public IReadOnlyList<DeclarationItem> Items => _items;

            public bool Declares => _items.Count > 0;

            public void Add(DeclarationItem item) => _items.Add(item);

            public void AddAttributes(IEnumerable<AttributeData> attributes) => _items.AddRange(EndpointRules.ItemsOf(attributes));

            public LevelModel ToModel(bool isMethod, DeclarationLevel where)
                => new LevelModel(_items.Select(i => new ItemModel(i.Kind, i.Value)).ToEquatableArray(), isMethod, where);
        }

        /// <summary>A key, AllowAnonymous or RequireAuthorization declares an endpoint; workspace scoping and [OrAuthorization] alone do not.</summary>
        public static bool Declares(DeclarationItemKind kind) => kind is not (DeclarationItemKind.Workspace or DeclarationItemKind.OrAuthorization);

        /// <summary>Any level declares (<see cref="Declares(DeclarationItemKind)"/>).</summary>
        public static bool Declares(IEnumerable<LevelModel> levels) => levels.Any(l => l.Items.Any(i => Declares(i.Kind)));

        /// <summary>The shared precedence rule (<see cref="DeclarationPrecedence"/>) over an endpoint's levels, outer → inner.</summary>
        public static ResolvedDeclaration Resolve(IEnumerable<LevelModel> levels)
            => DeclarationPrecedence.Resolve(levels.Select(l => new DeclarationLevelItems(l.Items.Select(i => new DeclarationItem(i.Kind, i.Value)).ToList(), l.IsMethod)).ToList());

        /// <summary>
        /// Adds a fluent declaration to <paramref name="level"/>: RequireKey, RequireAuthorization, AllowAnonymous
        /// (ours and ASP.NET Core's), or WithMetadata(auth attribute).
        /// </summary>
        /// <returns>True when the call declares something.</returns>
        public static bool AddFluent(IInvocationOperation call, Level level)
        {
            var original = call.TargetMethod.ReducedFrom ?? call.TargetMethod;
            if (FluentItem(call, original) is { } fluent)
            {
                level.Add(fluent);
                return Declares(fluent.Kind);
            }
            if (original.Name != "WithMetadata" || !EndpointRules.HasFullName(original.ContainingNamespace, "Microsoft.AspNetCore.Builder"))
                return false;
            var declared = false;
            foreach (var argument in call.Arguments)
            {
                if (call.Instance is null && original.IsExtensionMethod && argument.Parameter?.Ordinal == 0)
                    continue;
                var value = Unwrap(argument.Value);
                var items = value is IArrayCreationOperation { Initializer: { } initializer }
                    ? initializer.ElementValues.Select(e => Unwrap(e))
                    : new[] { value };
                foreach (var item in items)
                    declared |= AddMetadata(item, level);
            }
            return declared;
        }

        /// <summary>A metadata object added to an endpoint (<c>new RequiresKeyAttribute(...)</c>, <c>new AuthorizeAttribute()</c>...): its item, and whether it declares.</summary>
        private static bool AddMetadata(IOperation? item, Level level)
        {
            if (EndpointRules.KindOf(item?.Type) is not { } kind)
                return false;
            level.Add(new DeclarationItem(kind, kind == DeclarationItemKind.Key ? CreatedPermission(item) : null));
            return Declares(kind);
        }

        /// <summary>
        /// A convention adding auth metadata, <c>builder.Add(e => e.Metadata.Add(new AuthorizeAttribute { Policy = p }))</c>:
        /// what RequireAuthorization does inside, written by hand (flowsynx/flowsynx's RequirePermissions).
        /// </summary>
        /// <returns>True when the convention declares something.</returns>
        public static bool AddConvention(IInvocationOperation call, Level level)
        {
            if (call.TargetMethod.Name != "Add" || call.Instance is null || call.Arguments.Length != 1
                || call.TargetMethod.Parameters[0].Type is not INamedTypeSymbol { Name: "Action", TypeArguments.Length: 1 } action
                || !EndpointRules.HasFullName(action.TypeArguments[0], EndpointBuilder)
                || Unwrap(call.Arguments[0].Value) is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation convention })
                return false;
            var declared = false;
            foreach (var add in convention.Body.Descendants().OfType<IInvocationOperation>())
            {
                if (add.TargetMethod.Name != "Add" || add.Arguments.Length != 1
                    || add.Instance is not IPropertyReferenceOperation { Property.Name: "Metadata" } metadata
                    || !EndpointRules.HasFullName(metadata.Property.ContainingType, EndpointBuilder))
                    continue;
                declared |= AddMetadata(Unwrap(add.Arguments[0].Value), level);
            }
            return declared;
        }

        private const string EndpointBuilder = "Microsoft.AspNetCore.Builder.EndpointBuilder";

        /// <summary>Our fluent declarations and ASP.NET Core's RequireAuthorization/AllowAnonymous, as declaration items.</summary>
        private static DeclarationItem? FluentItem(IInvocationOperation call, IMethodSymbol original)
        {
            if (!original.IsExtensionMethod)
                return null;
            if (EndpointRules.HasFullName(original.ContainingNamespace, "Microsoft.AspNetCore.Builder"))
            {
                return original.Name switch
                {
                    EndpointRules.RequireAuthorizationMethod => new DeclarationItem(DeclarationItemKind.Authorize),
                    EndpointRules.AllowAnonymousMethod => new DeclarationItem(DeclarationItemKind.AllowAnonymous),
                    _ => null,
                };
            }
            if (!EndpointRules.HasFullName(original.ContainingNamespace, "Declarative.Auth"))
                return null;
            return original.Name switch
            {
                EndpointRules.RequireKeyMethod => new DeclarationItem(DeclarationItemKind.Key, FluentPermission(call)),
                "RequireKeyWhereUndeclared" => new DeclarationItem(DeclarationItemKind.KeyWhereUndeclared, FluentPermission(call)),
                "AllowAnonymousWhereUndeclared" => new DeclarationItem(DeclarationItemKind.AllowAnonymousWhereUndeclared),
                "RequireAnyKey" => new DeclarationItem(DeclarationItemKind.AnyKey),
                "RequireOrganizationsKey" => new DeclarationItem(DeclarationItemKind.OrganizationsKey),
                "AcceptEventWriteKeys" => new DeclarationItem(DeclarationItemKind.EventIngestion),
                "RequireWorkspace" => new DeclarationItem(DeclarationItemKind.Workspace),
                "OrAuthorization" => new DeclarationItem(DeclarationItemKind.OrAuthorization,
                    Argument(call, "policy")?.Value.ConstantValue is { HasValue: true, Value: string policy } ? policy : null),
                _ => null,
            };
        }

        /// <summary>The value <c>new RequiresKeyAttribute(...) { Scope = ... }</c> gives Scope; null when it gives none.</summary>
        public static IOperation? ScopeAssigned(IObjectCreationOperation creation)
            => (creation.Initializer?.Initializers ?? ImmutableArray<IOperation>.Empty).OfType<ISimpleAssignmentOperation>()
                .FirstOrDefault(a => a.Target is IPropertyReferenceOperation { Property.Name: "Scope" })?.Value;

        /// <summary>The permission of <c>new RequiresKeyAttribute(KeyType.X) { Scope = "y" }</c>; null when not constant.</summary>
        private static string? CreatedPermission(IOperation? operation)
            => operation is IObjectCreationOperation creation
                ? Permission(creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "type")?.Value.ConstantValue, ScopeAssigned(creation)?.ConstantValue)
                : null;

        /// <summary>The permission of <c>RequireKey(KeyType, scope)</c>; null when its arguments are not constant.</summary>
        private static string? FluentPermission(IInvocationOperation call)
            => Permission(Argument(call, "type")?.Value.ConstantValue, Argument(call, "scope")?.Value.ConstantValue);

        /// <summary>The permission of a constant key type and scope (none given: null); null when either is not a constant.</summary>
        private static string? Permission(Optional<object?>? type, Optional<object?>? scope)
            => type is { HasValue: true, Value: { } keyType } && scope is not { HasValue: false } && scope?.Value is string or null
                ? PermissionText.Format(System.Convert.ToInt32(keyType, System.Globalization.CultureInfo.InvariantCulture), scope?.Value as string)
                : null;
    }
}

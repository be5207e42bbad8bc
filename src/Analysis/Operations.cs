using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analysis
{
    /// <summary>The operation and syntax questions every endpoint reader asks: receivers, arguments, constants, builder kinds.</summary>
    internal static class Operations
    {
        private const string BuilderNamespace = "Microsoft.AspNetCore.Builder";

        /// <summary>The operation under conversions and parentheses.</summary>
        [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull("operation")]
        public static IOperation? Unwrap(IOperation? operation)
        {
            while (true)
            {
                switch (operation)
                {
                    case IConversionOperation conversion:
                        operation = conversion.Operand;
                        continue;
                    case IParenthesizedOperation parenthesized:
                        operation = parenthesized.Operand;
                        continue;
                    default:
                        return operation;
                }
            }
        }

        /// <summary>The operation with the conversions and parentheses around it: the value its parent uses.</summary>
        public static IOperation Outermost(IOperation operation)
        {
            while (operation.Parent is IConversionOperation or IParenthesizedOperation)
                operation = operation.Parent;
            return operation;
        }

        /// <summary>The parameter of <paramref name="method"/> (its definition) that <paramref name="value"/> reads; null otherwise.</summary>
        public static IParameterSymbol? ParameterOf(IOperation? value, IMethodSymbol method)
            => Unwrap(value) is IParameterReferenceOperation { Parameter: var parameter }
               && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol.OriginalDefinition, method.OriginalDefinition) ? parameter : null;

        /// <summary>The builder an extension (or instance) call is made on.</summary>
        public static IOperation? Receiver(IInvocationOperation invocation)
        {
            if (invocation.Instance is not null)
                return invocation.Instance;
            if (!invocation.TargetMethod.IsExtensionMethod && invocation.TargetMethod.ReducedFrom is null)
                return null;
            return invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        }

        public static bool IsReceiverArgument(IInvocationOperation invocation, IArgumentOperation argument)
            => invocation.Instance is null && invocation.TargetMethod.IsExtensionMethod && argument.Parameter?.Ordinal == 0;

        public static IArgumentOperation? Argument(IInvocationOperation invocation, string parameterName)
            => invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == parameterName);

        /// <summary>The argument <paramref name="call"/> passes for <paramref name="parameter"/> (of its method's definition).</summary>
        public static IArgumentOperation? ArgumentFor(IInvocationOperation call, IParameterSymbol parameter)
            => call.Arguments.FirstOrDefault(a => a.Parameter is not null
                && SymbolEqualityComparer.Default.Equals(a.Parameter.OriginalDefinition, parameter.OriginalDefinition));

        /// <summary>The value an attribute gives its named argument (<c>[X(Name = "...")]</c>); null when not given.</summary>
        public static object? NamedArgument(AttributeData attribute, string name)
            => attribute.NamedArguments.FirstOrDefault(n => n.Key == name).Value.Value;

        /// <summary>The handler a Map call is given (MapGet's <c>handler</c>, Map's <c>requestDelegate</c>).</summary>
        public static IOperation? HandlerArgument(IInvocationOperation invocation)
            => (Argument(invocation, "handler") ?? Argument(invocation, "requestDelegate"))?.Value;

        /// <summary>The constant string passed for <paramref name="parameterName"/>; null when absent or not constant.</summary>
        public static string? StringArgument(IInvocationOperation invocation, string parameterName)
            => Argument(invocation, parameterName)?.Value.ConstantValue is { HasValue: true, Value: string text } ? text : null;

        /// <summary>The calls made on <paramref name="start"/>'s result, in order: <c>start.A().B()</c> → A, B.</summary>
        public static IEnumerable<IInvocationOperation> Downstream(IOperation start)
        {
            var current = start;
            for (var i = 0; i < 64; i++)
            {
                current = Outermost(current);
                var parent = current.Parent;
                IInvocationOperation? next = parent switch
                {
                    IArgumentOperation argument when argument.Parent is IInvocationOperation call && IsReceiverArgument(call, argument) => call,
                    IInvocationOperation call when ReferenceEquals(call.Instance, current) => call,
                    _ => null,
                };
                if (next is null)
                    yield break;
                yield return next;
                current = next;
            }
        }

        /// <summary>MapMethods' constant HTTP methods, upper-case, as written; null when absent, empty or not constant.</summary>
        public static IReadOnlyList<string>? HttpMethodsArgument(IInvocationOperation invocation)
        {
            IEnumerable<IOperation>? elements = Unwrap(Argument(invocation, "httpMethods")?.Value) switch
            {
                IArrayCreationOperation { Initializer: { } initializer } => initializer.ElementValues,
                ICollectionExpressionOperation collection => collection.Elements,
                _ => null,
            };
            if (elements is null)
                return null;
            var names = new List<string>();
            foreach (var element in elements)
            {
                if (Unwrap(element).ConstantValue is not { HasValue: true, Value: string name })
                    return null;
                names.Add(name.ToUpperInvariant());
            }
            return names.Count == 0 ? null : names;
        }

        /// <summary>The <c>MapGet</c> token of <c>app.MapGet(...)</c>.</summary>
        public static SyntaxToken? NameToken(ExpressionSyntax expression) => expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier,
            MemberBindingExpressionSyntax binding => binding.Name.Identifier,
            SimpleNameSyntax simple => simple.Identifier,
            _ => null,
        };

        /// <summary>The <c>MapGet</c> identifier of <c>app.MapGet(...)</c>, else the whole node.</summary>
        public static Location NameLocation(SyntaxNode syntax)
            => syntax is InvocationExpressionSyntax invocation && NameToken(invocation.Expression) is { } name
                ? name.GetLocation()
                : syntax.GetLocation();

        public static bool IsMapGroup(IMethodSymbol method)
        {
            var original = method.ReducedFrom ?? method;
            return original.Name == EndpointRules.MapGroupMethod && original.IsExtensionMethod
                && EndpointRules.HasFullName(original.ContainingNamespace, BuilderNamespace);
        }

        /// <summary>A call that hands back the builder it was given (WithTags, WithName, AddEndpointFilter...).</summary>
        public static bool IsPassThrough(IMethodSymbol method)
        {
            var original = (method.ReducedFrom ?? method).OriginalDefinition;
            if (original.IsExtensionMethod)
                return original.Parameters.Length > 0 && SymbolEqualityComparer.Default.Equals(original.Parameters[0].Type, original.ReturnType);
            return !original.IsStatic && SymbolEqualityComparer.Default.Equals(original.ReturnType, original.ContainingType);
        }

        public static bool IsRouteBuilder(ITypeSymbol type) => EndpointRules.Implements(type, "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder");

        /// <summary>A route group (it can carry a declaration), as opposed to the app or another route builder.</summary>
        public static bool IsGroup(ITypeSymbol? type) => DerivesFrom(type, "Microsoft.AspNetCore.Routing.RouteGroupBuilder");

        public static bool IsApplication(ITypeSymbol? type) => DerivesFrom(type, "Microsoft.AspNetCore.Builder.WebApplication");

        public static bool DerivesFrom(ITypeSymbol? type, string name)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (EndpointRules.HasFullName(current, name))
                    return true;
            }
            return false;
        }

        /// <summary>The initializer of a local declared once in the model's tree; null otherwise.</summary>
        public static IOperation? InitializerOf(ILocalSymbol local, SemanticModel model, CancellationToken ct)
        {
            if (local.DeclaringSyntaxReferences.Length != 1
                || local.DeclaringSyntaxReferences[0].GetSyntax(ct) is not VariableDeclaratorSyntax { Initializer: { } initializer } declarator
                || declarator.SyntaxTree != model.SyntaxTree)
                return null;
            return model.GetOperation(initializer.Value, ct);
        }
    }
}

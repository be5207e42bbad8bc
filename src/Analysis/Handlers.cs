using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Declarative.Auth.Analysis
{
    /// <summary>An endpoint's handler: its display name and, when it is a lambda or method, the method (its attributes declare).</summary>
    internal readonly record struct Handler(string Name, IMethodSymbol? Method, SyntaxNode? Lambda = null)
    {
        public const string TargetLambda = "lambda";
        public const string TargetMethod = "method";

        /// <summary>The handler's method, lambda, or a local holding one (<paramref name="value"/> is the handler argument).</summary>
        public static Handler Resolve(IOperation? value, SemanticModel model, CancellationToken ct)
        {
            var name = "delegate";
            for (var depth = 0; depth < 16; depth++)
            {
                var operation = Operations.Unwrap(value);
                while (operation is IDelegateCreationOperation creation)
                    operation = Operations.Unwrap(creation.Target);
                switch (operation)
                {
                    case IAnonymousFunctionOperation lambda:
                        return new Handler("lambda", lambda.Symbol, lambda.Syntax);
                    case IMethodReferenceOperation reference:
                        var target = reference.Method;
                        return new Handler(target.MethodKind == MethodKind.LocalFunction || target.ContainingType is null
                            ? target.Name
                            : target.ContainingType.Name + "." + target.Name, target, null);
                    case ILocalReferenceOperation local:
                        if (depth == 0)
                            name = local.Local.Name;
                        value = Operations.InitializerOf(local.Local, model, ct);
                        continue;
                    case IParameterReferenceOperation parameter when depth == 0:
                        return new Handler(parameter.Parameter.Name, null);
                    case IFieldReferenceOperation field when depth == 0:
                        return new Handler(field.Field.ContainingType.Name + "." + field.Field.Name, null);
                    case IPropertyReferenceOperation property when depth == 0:
                        return new Handler(property.Property.ContainingType.Name + "." + property.Property.Name, null);
                }
                break;
            }
            return new Handler(name, null);
        }

        /// <summary>The handler of a Map call.</summary>
        public static Handler Of(IInvocationOperation map, SemanticModel model, CancellationToken ct)
            => Resolve(Operations.HandlerArgument(map), model, ct);

        /// <summary>Where a code fix puts the attribute (a lambda, or the method's name) and which of the two; null when it cannot carry one.</summary>
        public (Location Location, string Kind)? FixTarget(CancellationToken ct)
        {
            // Anonymous methods (delegate { }) cannot carry attributes; only lambdas get the fix.
            if (Lambda is not null)
                return Lambda is LambdaExpressionSyntax ? (Lambda.GetLocation(), TargetLambda) : null;
            return Method is not null && DeclaredName(Method, ct) is { } name ? (name, TargetMethod) : null;
        }

        /// <summary>The name in <paramref name="method"/>'s declaration (a method or local function); null when it has none in source.</summary>
        public static Location? DeclaredName(IMethodSymbol method, CancellationToken ct)
            => method.OriginalDefinition.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax(ct) switch
            {
                MethodDeclarationSyntax declaration => declaration.Identifier.GetLocation(),
                LocalFunctionStatementSyntax local => local.Identifier.GetLocation(),
                _ => null,
            }).FirstOrDefault(name => name is not null);
    }
}

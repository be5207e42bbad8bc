using Declarative.Auth.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Auth.Generator
{
    /// <summary>
    /// Emits DeclarativeAuth.Manifest.g.cs: the permission catalog (typed constants, dense index) and the
    /// route → permission table of every endpoint, declared or not, registered with the runtime by a module
    /// initializer. Runs only for compilations that reference Declarative.Auth.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class DeclarativeAuthGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var compilationInfo = context.CompilationProvider
                .Select(static (compilation, ct) => ManifestTransform.CompilationInfo(compilation, ct))
                .WithTrackingName(TrackingNames.CompilationInfo);

            var projectDirectory = context.AnalyzerConfigOptionsProvider
                .Select(static (options, _) => options.GlobalOptions.TryGetValue("build_property.ProjectDir", out var directory) ? directory : null)
                .WithTrackingName(TrackingNames.ProjectDirectory);

            // [RequiresKey] on classes, methods and local functions. ForAttributeWithMetadataName does not see
            // attributes on lambdas (it asks GetDeclaredSymbol, which has no symbol for a lambda), so lambda
            // handlers are read from their Map* call below; this feeds the permission catalog.
            var declared = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    EndpointRules.RequiresKeyAttribute,
                    static (node, _) => node is ClassDeclarationSyntax or MethodDeclarationSyntax or LocalFunctionStatementSyntax,
                    DeclarationsTransform.Transform)
                .WithTrackingName(TrackingNames.DeclaredSymbols)
                .Collect()
                .WithTrackingName(TrackingNames.AllDeclaredSymbols);

            var minimalApis = context.SyntaxProvider
                .CreateSyntaxProvider(MinimalApisTransform.IsCandidate, MinimalApisTransform.Transform)
                .WithTrackingName(TrackingNames.MapCalls)
                .SelectMany(static (rows, _) => rows.AsImmutableArray())
                .WithTrackingName(TrackingNames.MinimalEndpoints)
                .Collect()
                .WithTrackingName(TrackingNames.AllMinimalEndpoints);

            var controllers = context.SyntaxProvider
                .CreateSyntaxProvider(ControllersTransform.IsCandidate, ControllersTransform.Transform)
                .WithTrackingName(TrackingNames.Controllers)
                .Where(static controller => controller is not null)
                .Select(static (controller, _) => controller!)
                .WithTrackingName(TrackingNames.ControllerModels)
                .Collect()
                .WithTrackingName(TrackingNames.AllControllers);

            var controllerConventions = context.SyntaxProvider
                .CreateSyntaxProvider(MinimalApisTransform.IsMapControllersCandidate, MinimalApisTransform.ControllerConventions)
                .Where(static conventions => conventions is not null)
                .Select(static (conventions, _) => conventions!)
                .Collect()
                .WithTrackingName(TrackingNames.AllControllerConventions);

            var manifest = compilationInfo
                .Combine(projectDirectory)
                .Combine(declared)
                .Combine(minimalApis)
                .Combine(controllers)
                .Combine(controllerConventions)
                .WithTrackingName(TrackingNames.Inputs)
                .Select(static (input, _) => ManifestTransform.Build(
                    input.Left.Left.Left.Left.Left,
                    input.Left.Left.Left.Left.Right,
                    input.Left.Left.Left.Right,
                    input.Left.Left.Right,
                    input.Left.Right,
                    input.Right))
                .WithTrackingName(TrackingNames.Manifest);

            // The table and the permission docs, from the same model: no second analysis.
            context.RegisterSourceOutput(manifest, static (context, model) =>
            {
                if (model is null)
                    return;
                context.AddSource(ManifestRender.HintName, ManifestRender.Render(model));
                context.AddSource(DocsRender.HintName, DocsRender.Render(model));
            });
        }
    }
}

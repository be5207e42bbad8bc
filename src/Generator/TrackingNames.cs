namespace Declarative.Auth.Generator
{
    /// <summary>Names of the pipeline steps, so tests can prove each one stays cached across unrelated edits.</summary>
    internal static class TrackingNames
    {
        public const string CompilationInfo = nameof(CompilationInfo);
        public const string ProjectDirectory = nameof(ProjectDirectory);
        public const string DeclaredSymbols = nameof(DeclaredSymbols);
        public const string AllDeclaredSymbols = nameof(AllDeclaredSymbols);
        public const string MapCalls = nameof(MapCalls);
        public const string MinimalEndpoints = nameof(MinimalEndpoints);
        public const string AllMinimalEndpoints = nameof(AllMinimalEndpoints);
        public const string Controllers = nameof(Controllers);
        public const string ControllerModels = nameof(ControllerModels);
        public const string AllControllers = nameof(AllControllers);
        public const string AllControllerConventions = nameof(AllControllerConventions);
        public const string Inputs = nameof(Inputs);
        public const string Manifest = nameof(Manifest);
    }
}

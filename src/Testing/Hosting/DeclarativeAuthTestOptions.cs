namespace Declarative.Auth.Testing;

/// <summary>How <see cref="DeclarativeAuthFactoryExtensions.WithDeclarativeAuth{TEntryPoint}"/> sets up the app under test.</summary>
public sealed class DeclarativeAuthTestOptions
{
    /// <summary>
    /// Replaces the app's system <see cref="TimeProvider"/> with a
    /// <see cref="Microsoft.Extensions.Time.Testing.FakeTimeProvider"/> (resolve it from the app's services to move it).
    /// A clock the test already registered is kept. Default: true.
    /// </summary>
    public bool UseFakeTime { get; set; } = true;

    /// <summary>
    /// Sample values for route parameters by name, used by the contract cases, e.g. <c>["slug"] = "hello-world"</c>.
    /// Without one, a value is chosen from the parameter's constraint (<c>int</c> → 1, <c>guid</c> → a fixed guid, …).
    /// </summary>
    public IDictionary<string, string> RouteValues { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

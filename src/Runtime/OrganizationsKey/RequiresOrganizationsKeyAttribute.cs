using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>
/// The endpoint accepts only the organizations key: a secret supplied by an environment variable
/// (<see cref="OrganizationsKeyOptions.EnvironmentVariable"/>), never stored, compared in constant time. When
/// the variable is absent these endpoints answer 404, as if they did not exist.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresOrganizationsKeyAttribute : Attribute, IRequiresOrganizationsKeyMetadata;

using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>Any valid key, whatever it holds (e.g. an introspection endpoint such as <c>/me</c>).</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresAnyKeyAttribute : Attribute, IRequiresKeyMetadata
{
    /// <summary>Empty: no permission is required, only a valid key.</summary>
    public string Permission => "";
}

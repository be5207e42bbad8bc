using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>Marker for organizations-key endpoints.</summary>
public interface IRequiresOrganizationsKeyMetadata;

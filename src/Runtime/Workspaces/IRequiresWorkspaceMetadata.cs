using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Declarative.Auth;

/// <summary>Marker for workspace-scoped endpoints.</summary>
public interface IRequiresWorkspaceMetadata;

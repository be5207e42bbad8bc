using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>The calling key as <c>/me</c> shows it.</summary>
public sealed record KeyIntrospection(
    string Id,
    string Name,
    IReadOnlyList<string> Permissions,
    string? Workspace,
    KeyEnvironment Environment,
    ApiKeyKind Kind,
    string? SourceConnection,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    string Status,
    IReadOnlyList<string> Endpoints);

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Auth;

/// <summary>Body of <c>POST {prefix}/{id}/rotate</c>.</summary>
internal sealed record RotateKeyBody(int GraceSeconds = 0, DateTimeOffset? ExpiresAt = null);

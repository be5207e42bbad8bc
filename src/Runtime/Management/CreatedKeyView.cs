using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Auth;

/// <summary>Answer to create and rotate: the only time the secret is shown.</summary>
internal sealed record CreatedKeyView(KeyView Key, string Secret, string Warning)
{
    internal const string CopyWarning = "Copy the key now: it will not be shown again.";
}

using System.Text.RegularExpressions;

namespace Declarative.Auth.Conformance.Tests;

/// <summary>
/// What an endpoint requires, in the one form every artifact is reduced to: <c>key[p1,p2]</c> (all of them, ordinal
/// order; <c>key[]</c> = any valid key), <c>public</c>, <c>authorize</c>, <c>undeclared</c>, <c>organizations</c>.
/// </summary>
internal sealed partial record Requirement(string Access, IReadOnlyList<string> Permissions)
{
    public const string Key = "key", Public = "public", Authorize = "authorize", Undeclared = "undeclared", Organizations = "organizations";

    public static Requirement Of(string access, IEnumerable<string>? permissions = null)
        => new(access, access == Key ? (permissions ?? []).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() : []);

    /// <summary>Parses the text form used in the app's shape tags.</summary>
    public static Requirement Parse(string text)
    {
        var match = TextForm().Match(text.Trim());
        if (!match.Success)
            throw new FormatException($"'{text}' is not a requirement (key[..], public, authorize, undeclared, organizations).");
        var access = match.Groups["access"].Value;
        var permissions = match.Groups["permissions"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (access == Key != match.Groups["permissions"].Success)
            throw new FormatException($"'{text}': only key takes a permission list.");
        return Of(access, permissions);
    }

    /// <summary>The runtime's compiled policy for a live endpoint.</summary>
    public static Requirement From(EndpointPolicy policy) => policy.Access switch
    {
        EndpointAccess.Key => Of(Key, policy.Permissions),
        EndpointAccess.Public => Of(Public),
        EndpointAccess.Authorize => Of(Authorize),
        EndpointAccess.OrganizationsKey => Of(Organizations),
        _ => Of(Undeclared),
    };

    /// <summary>A row of the generated table (<see cref="EndpointEntry"/>).</summary>
    public static Requirement From(EndpointEntry entry) => entry.Access switch
    {
        EndpointAccess.Key => Of(Key, entry.Permissions),
        EndpointAccess.Public => Of(Public),
        EndpointAccess.Authorize => Of(Authorize),
        EndpointAccess.OrganizationsKey => Of(Organizations),
        _ => Of(Undeclared),
    };

    public bool IsDeclared => Access != Undeclared;

    public override string ToString() => Access == Key ? $"key[{string.Join(",", Permissions)}]" : Access;

    public bool Equals(Requirement? other)
        => other is not null && Access == other.Access && Permissions.SequenceEqual(other.Permissions, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Access, string.Join(",", Permissions));

    [GeneratedRegex(@"^(?<access>key|public|authorize|undeclared|organizations)(\[(?<permissions>[^\]]*)\])?$")]
    private static partial Regex TextForm();
}

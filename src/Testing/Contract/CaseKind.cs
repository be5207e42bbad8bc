namespace Declarative.Auth.Testing;

/// <summary>Who calls the endpoint in one contract case.</summary>
internal enum CaseKind
{
    /// <summary>No <c>Authorization</c> header.</summary>
    NoKey,

    /// <summary>A key holding everything the catalog offers except what would grant one required permission.</summary>
    Lacking,

    /// <summary>A key holding exactly the endpoint's requirement.</summary>
    Exact,

    /// <summary>An event write key.</summary>
    EventWrite,

    /// <summary>A key holding the requirement, restricted to another workspace than the one the request names.</summary>
    OtherWorkspace,
}

namespace Declarative.Auth;

/// <summary>What to do with an endpoint that has no declaration.</summary>
public enum UndeclaredEndpointBehavior
{
    /// <summary>Refuse with 403 (fail closed).</summary>
    Deny = 0,

    /// <summary>Let it through without a key. Logged as a warning at start-up.</summary>
    Allow = 1,
}

namespace Declarative.Auth.Testing;

/// <summary>An endpoint answered a contract case differently from what its declaration requires.</summary>
public sealed class AuthContractException(string message) : Exception(message);

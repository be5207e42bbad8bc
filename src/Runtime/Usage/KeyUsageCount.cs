namespace Declarative.Auth;

/// <summary>How many requests of a key (<see cref="Code"/> empty) or refusals with <see cref="Code"/> were counted.</summary>
internal readonly record struct KeyUsageCount(string KeyId, string Code, long Count);

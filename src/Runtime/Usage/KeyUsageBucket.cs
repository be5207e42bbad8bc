namespace Declarative.Auth;

/// <summary>A stored count: in the minute or hour starting at <see cref="Start"/>, requests (<see cref="Code"/> empty) or refusals with that code.</summary>
internal readonly record struct KeyUsageBucket(DateTimeOffset Start, string Code, long Count);

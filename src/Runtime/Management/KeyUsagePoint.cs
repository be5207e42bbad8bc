namespace Declarative.Auth;

/// <summary>One minute or hour of a key's usage: requests (accepted or refused) and refusals by code.</summary>
internal sealed record KeyUsagePoint(DateTimeOffset Start, long Requests, IReadOnlyDictionary<string, long> Refusals);

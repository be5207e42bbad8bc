namespace Declarative.Auth;

/// <summary>
/// Body of <c>GET {prefix}/{id}/usage</c>: the key's requests and refusals (by code) per minute or hour from
/// <see cref="From"/> to <see cref="To"/>. <see cref="Points"/> lists only buckets with traffic, oldest first.
/// </summary>
internal sealed record KeyUsageView(
    string KeyId,
    string Span,
    DateTimeOffset From,
    DateTimeOffset To,
    long Requests,
    IReadOnlyDictionary<string, long> Refusals,
    IReadOnlyList<KeyUsagePoint> Points)
{
    public static KeyUsageView Of(string keyId, KeyUsageSpan span, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<KeyUsageBucket> buckets)
    {
        var points = new List<KeyUsagePoint>();
        foreach (var group in buckets.GroupBy(b => b.Start).OrderBy(g => g.Key))
        {
            points.Add(new KeyUsagePoint(
                group.Key,
                group.Where(b => b.Code.Length == 0).Sum(b => b.Count),
                Refused(group)));
        }
        return new KeyUsageView(keyId, span == KeyUsageSpan.Hour ? "hour" : "minute", from, to,
            points.Sum(p => p.Requests), Refused(buckets), points);
    }

    private static SortedDictionary<string, long> Refused(IEnumerable<KeyUsageBucket> buckets)
    {
        var refused = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var b in buckets.Where(b => b.Code.Length > 0))
            refused[b.Code] = refused.GetValueOrDefault(b.Code) + b.Count;
        return refused;
    }
}

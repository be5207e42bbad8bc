namespace Declarative.Auth;

/// <summary>Bucket boundaries, shared by every store so that all agree on which minute and hour a count belongs to.</summary>
internal static class KeyUsageTime
{
    public static DateTimeOffset Floor(DateTimeOffset at, KeyUsageSpan span)
    {
        var ticks = (long)span * TimeSpan.TicksPerSecond;
        var utc = at.UtcTicks;
        return new DateTimeOffset(utc - (utc % ticks), TimeSpan.Zero);
    }
}

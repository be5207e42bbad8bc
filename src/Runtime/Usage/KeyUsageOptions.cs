namespace Declarative.Auth;

/// <summary>Per-key usage counts (<c>DeclarativeAuth:Usage</c>).</summary>
public sealed class KeyUsageOptions
{
    /// <summary>How long per-minute counts are kept. Default: 24 hours (what the console's chart shows).</summary>
    public TimeSpan MinuteRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long per-hour counts are kept. Default: 30 days.</summary>
    public TimeSpan HourRetention { get; set; } = TimeSpan.FromDays(30);
}

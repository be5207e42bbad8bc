namespace Declarative.Auth.Tests.Support;

/// <summary>A clock the test moves (Microsoft.Extensions.TimeProvider.Testing is not on our mirror).</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

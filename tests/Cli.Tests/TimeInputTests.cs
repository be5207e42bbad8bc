namespace Declarative.Auth.Cli.Tests;

public sealed class TimeInputTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("30d", "2026-12-22T06:00:00Z")]
    [InlineData("12h", "2026-11-22T18:00:00Z")]
    [InlineData("1h30m", "2026-11-22T07:30:00Z")]
    [InlineData("2w", "2026-12-06T06:00:00Z")]
    [InlineData("now", "2026-11-22T06:00:00Z")]
    [InlineData("2027-01-31", "2027-01-31T00:00:00Z")]
    [InlineData("2027-01-31T18:00", "2027-01-31T18:00:00Z")]
    [InlineData("2027-01-31T18:00:00Z", "2027-01-31T18:00:00Z")]
    [InlineData("2027-01-31T18:00:00+02:00", "2027-01-31T16:00:00Z")]
    public void Times_are_ISO_dates_in_UTC_or_spans_from_now(string text, string expected)
    {
        Assert.True(TimeInput.TryParseTime(text, Now, out var value));
        Assert.Equal(expected, TimeInput.Iso(value));
    }

    [Theory]
    [InlineData("tomorrow")]
    [InlineData("31/01/2027")]
    [InlineData("2027-13-01")]
    [InlineData("30")]
    [InlineData("30y")]
    [InlineData("-5d")]
    [InlineData("")]
    [InlineData("999999999w")]
    public void Anything_else_is_refused(string text) => Assert.False(TimeInput.TryParseTime(text, Now, out _));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("10m", 600)]
    [InlineData("90s", 90)]
    [InlineData("00:10:00", 600)]
    public void Spans(string text, int seconds)
    {
        Assert.True(TimeInput.TryParseSpan(text, out var span));
        Assert.Equal(TimeSpan.FromSeconds(seconds), span);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Declarative.Auth.Tests.Support;

namespace Declarative.Auth.Tests.Hosting;

/// <summary>Issue 17.4: every setting is validated the .NET way (IValidateOptions + ValidateOnStart), naming the setting.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("DeclarativeAuth:KeyPrefix", "Acme", "DeclarativeAuth:KeyPrefix must be 2 to 16 lowercase ASCII letters")]
    [InlineData("DeclarativeAuth:StoreTimeout", "00:00:00", "DeclarativeAuth:StoreTimeout must be more than zero")]
    [InlineData("DeclarativeAuth:UsageFlushInterval", "-00:00:01", "DeclarativeAuth:UsageFlushInterval must be more than zero")]
    [InlineData("DeclarativeAuth:CacheDuration", "-00:00:01", "DeclarativeAuth:CacheDuration must not be negative")]
    [InlineData("DeclarativeAuth:RateLimits:RequestsPerMinute", "0", "DeclarativeAuth:RateLimits:RequestsPerMinute must be at least 1")]
    [InlineData("DeclarativeAuth:RateLimits:FailedAttemptsPerMinute", "-3", "DeclarativeAuth:RateLimits:FailedAttemptsPerMinute must be at least 1")]
    public async Task A_bad_setting_fails_start_up_naming_it(string setting, string value, string expected)
    {
        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestApp.StartAsync(
            a => { },
            builder: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [setting] = value })));
        Assert.Contains(expected, ex.Message);
        Assert.Equal(typeof(DeclarativeAuthOptions), ex.OptionsType);
    }

    [Fact]
    public async Task A_workspace_source_without_a_name_fails_start_up_naming_it()
    {
        var ex = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => TestApp.StartAsync(
            a => { }, options: o => o.Workspace.FromHeader(" ")));
        Assert.Contains("DeclarativeAuth:Workspace:Sources:0:Name", ex.Message);
    }

    [Fact]
    public void A_bad_setting_of_ours_is_one_line_and_anything_else_is_left_to_the_runtime()
    {
        var ours = new OptionsValidationException("", typeof(DeclarativeAuthOptions), ["DeclarativeAuth:KeyPrefix must be x.", "DeclarativeAuth:StoreTimeout must be y."]);
        Assert.Equal("Declarative.Auth cannot start: DeclarativeAuth:KeyPrefix must be x. DeclarativeAuth:StoreTimeout must be y.", StartupFailure.OneLine(ours));
        Assert.Equal(StartupFailure.OneLine(ours), StartupFailure.OneLine(new AggregateException(ours)));

        Assert.Null(StartupFailure.OneLine(new OptionsValidationException("", typeof(TheAppsOwnOptions), ["Mine:X is bad."])));
        Assert.Null(StartupFailure.OneLine(new InvalidOperationException("boom")));
        Assert.Null(StartupFailure.OneLine(new AggregateException(ours, new InvalidOperationException("boom"))));
    }

    private sealed class TheAppsOwnOptions;
}

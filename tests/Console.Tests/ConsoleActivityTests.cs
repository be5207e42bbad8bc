using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Declarative.Auth.Console.Tests;

/// <summary>The console's activity views in headless Chromium: a key's usage chart and audit log, and the page's audit log.</summary>
public sealed class ConsoleActivityTests(KestrelSample app) : IClassFixture<KestrelSample>
{
    private Browser OpenConnected()
    {
        var browser = new Browser(1280, 900);
        browser.Driver.Navigate().GoToUrl(new Uri(app.BaseAddress, "/auth/console"));
        browser.Until(() => browser.ById("admin-key").Displayed, "the admin key field");
        browser.ById("admin-key").SendKeys(app.AdminKey + Keys.Enter);
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#keys-body tr")).Count > 0, "rows in the key list");
        return browser;
    }

    private static IWebElement Row(Browser browser, string name)
        => browser.Driver.FindElement(By.XPath($"//tbody[@id='keys-body']/tr[.//strong[normalize-space()='{name}']]"));

    // The app writes usage in batches (every 5 s in the sample): wait until the API shows the requests made.
    private async Task<long> UntilUsageShows(string keyId, long requests)
    {
        using var admin = app.Client(app.AdminKey);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            using var json = JsonDocument.Parse(await admin.GetStringAsync($"/auth/keys/{keyId}/usage"));
            var seen = json.RootElement.GetProperty("requests").GetInt64();
            if (seen >= requests || DateTime.UtcNow > deadline)
                return seen;
            await Task.Delay(200);
        }
    }

    [ChromiumFact]
    public async Task A_keys_activity_shows_its_last_24_hours_as_a_chart_and_its_audit_log()
    {
        var created = await app.App.CreateKeyAsync("chart-reader", "read:monitors");
        using (var client = app.Client(created))
        {
            for (var i = 0; i < 6; i++)
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/monitors", JsonContent("{}"))).StatusCode);
        }
        using var browser = OpenConnected();
        var id = Row(browser, "chart-reader").GetAttribute("data-key-id")!;
        Assert.Equal(7, await UntilUsageShows(id, 7));

        Row(browser, "chart-reader").FindElement(By.XPath(".//button[normalize-space()='Activity']")).Click();
        browser.Until(() => browser.IsOpen("activity-dialog"), "the activity dialog");
        var summary = browser.Until(() => browser.ById("usage-summary").Text is { } t && t.Contains("requests", StringComparison.Ordinal) ? t : null, "the usage summary");

        Assert.Equal("7 requests in the last 24 hours; refused: FORBIDDEN 1.", summary);
        var bars = browser.Driver.FindElements(By.CssSelector("#usage-chart svg g.bin"));
        var bar = Assert.Single(bars); // all in the last 15 minutes
        Assert.EndsWith("UTC: 7 requests, 1 refused", bar.FindElement(By.TagName("title")).GetAttribute("textContent"));
        Assert.Single(browser.Driver.FindElements(By.CssSelector("#usage-chart rect.bar-refused")));
        Assert.Equal("create", browser.Until(() => browser.Driver.FindElements(By.CssSelector("#key-audit-body tr")).FirstOrDefault(), "the key's audit rows")
            .FindElement(By.CssSelector(".audit-action")).Text);
        browser.Screenshot("console-usage-chart");

        browser.ById("activity-close").Click();
        browser.Until(() => !browser.IsOpen("activity-dialog"), "the dialog to close");
        Assert.Empty(browser.ScriptErrors());
        Assert.Empty(browser.SevereConsoleEntries());
    }

    /// <summary>The assertion above is worth something: a key nothing used has no bars and says so.</summary>
    [ChromiumFact]
    public async Task A_key_without_usage_has_an_empty_chart()
    {
        await app.App.CreateKeyAsync("never-used", "read:monitors");
        using var browser = OpenConnected();
        Row(browser, "never-used").FindElement(By.XPath(".//button[normalize-space()='Activity']")).Click();
        browser.Until(() => browser.IsOpen("activity-dialog"), "the activity dialog");
        // "Loading…" first, until the usage answer arrives: wait for the answer, not for any text.
        var summary = browser.Until(() => browser.ById("usage-summary").Text is { Length: > 0 } t && !t.StartsWith("Loading", StringComparison.Ordinal) ? t : null, "the usage summary");

        Assert.Equal("No requests in the last 24 hours.", summary);
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("#usage-chart svg g.bin")));
        Assert.Empty(browser.ScriptErrors());
    }

    /// <summary>
    /// The README's screenshot (docs/images/console-usage.png): a day of a key's usage with a busy afternoon and a burst
    /// of rate-limited calls. Usage cannot be backdated through requests, so the day is added to the app's usage store
    /// as its batches would have; the chart must then show it. Written to docs/ when DAUTH_DOCS_SCREENSHOTS=1
    /// (<c>DAUTH_DOCS_SCREENSHOTS=1 dotnet test tests/Console.Tests --filter FullyQualifiedName~day_of_usage</c>).
    /// </summary>
    [ChromiumFact]
    public async Task A_day_of_usage_is_drawn_bar_by_bar_with_refusals_stacked()
    {
        var created = await app.App.CreateKeyAsync("status-page", "read:monitors");
        using (var client = app.Client(created))
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/monitors")).StatusCode);
        var id = (await app.App.Services.GetRequiredService<IApiKeyStore>().ListAsync()).Single(k => k.Name == "status-page").Id;
        var usage = app.App.Services.GetRequiredService<IKeyUsageStore>();
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute / 15 * 15, 0, TimeSpan.Zero).AddHours(-23);
        long total = 0, limited = 0;
        for (var slot = 0; slot < 92; slot++)
        {
            var minute = start.AddMinutes(15 * slot);
            var hour = (minute.Hour + 24) % 24;
            var requests = (long)(40 + 35 * Math.Sin((hour - 8) / 24.0 * 2 * Math.PI) + (slot * 7 % 11));
            var refused = slot is >= 60 and < 64 ? requests / 3 : 0; // a client retried too fast one afternoon
            List<KeyUsageCount> counts = [new(id, "", requests)];
            if (refused > 0)
                counts.Add(new(id, "RATE_LIMITED", refused));
            await usage.AddAsync(minute, counts);
            total += requests;
            limited += refused;
        }

        using var browser = OpenConnected();
        Row(browser, "status-page").FindElement(By.XPath(".//button[normalize-space()='Activity']")).Click();
        browser.Until(() => browser.IsOpen("activity-dialog"), "the activity dialog");
        var summary = browser.Until(() => browser.ById("usage-summary").Text is { } t && t.Contains("requests", StringComparison.Ordinal) ? t : null, "the usage summary");

        Assert.StartsWith($"{total + 1} requests in the last 24 hours; refused: RATE_LIMITED {limited}.", summary);
        Assert.True(browser.Driver.FindElements(By.CssSelector("#usage-chart svg g.bin")).Count >= 90);
        Assert.Equal(4, browser.Driver.FindElements(By.CssSelector("#usage-chart rect.bar-refused")).Count);
        var path = browser.Screenshot("console-usage");
        if (Environment.GetEnvironmentVariable("DAUTH_DOCS_SCREENSHOTS") == "1")
            File.Copy(path, Path.Combine(Path.GetDirectoryName(path)!, "..", "..", "docs", "images", "console-usage.png"), overwrite: true);
        Assert.Empty(browser.ScriptErrors());
        Assert.Empty(browser.SevereConsoleEntries());
    }

    [ChromiumFact]
    public async Task Markup_an_attacker_put_in_a_refused_calls_url_is_shown_as_text_in_the_audit_log()
    {
        const string Payload = "<img src=x onerror=\"document.title='pwned'\">";
        using (var anonymous = app.Client())
            await anonymous.PostAsync("/auth/keys/" + Uri.EscapeDataString(Payload) + "/revoke", null); // 401: recorded as denied
        using var browser = OpenConnected();

        var row = browser.Until(() => browser.Driver.FindElements(By.CssSelector("#audit-body tr"))
            .FirstOrDefault(r => r.Text.Contains("denied", StringComparison.Ordinal) && r.Text.Contains("<img", StringComparison.Ordinal)), "the denied call in the audit log");

        Assert.Contains(Payload, row.Text, StringComparison.Ordinal);
        Assert.Equal("anonymous", row.FindElements(By.TagName("td"))[1].Text);
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("#audit-body img")));
        Assert.NotEqual("pwned", browser.Driver.Title);
        Assert.Empty(browser.ScriptErrors());
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}

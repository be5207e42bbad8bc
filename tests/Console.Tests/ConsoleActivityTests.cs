using System.Net;
using System.Text.Json;
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

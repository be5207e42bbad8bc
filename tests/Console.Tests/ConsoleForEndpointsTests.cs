using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Declarative.Auth.Console.Tests;

/// <summary>
/// The create form's "For endpoints" picker: the selected endpoints go to <c>POST /auth/keys</c> as <c>for</c>, the
/// server gives the key the fewest permissions reaching them, and the secret dialog shows the key's whole reach.
/// </summary>
public sealed class ConsoleForEndpointsTests(KestrelSample app) : IClassFixture<KestrelSample>
{
    private Browser OpenConnected()
    {
        var browser = new Browser();
        browser.Driver.Navigate().GoToUrl(new Uri(app.BaseAddress, "/auth/console"));
        browser.Until(() => browser.ById("admin-key").Displayed, "the admin key field");
        browser.ById("admin-key").SendKeys(app.AdminKey);
        browser.ById("admin-key").SendKeys(Keys.Enter);
        browser.Until(() => browser.ById("keys-section").Displayed, "the key list after connecting");
        browser.ById("new-key").Click();
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog");
        return browser;
    }

    private static IWebElement ForEndpoint(Browser browser, string selector)
        => browser.Driver.FindElement(By.CssSelector($"#for-endpoints input[value='{selector}']"));

    [ChromiumFact]
    public async Task A_key_made_for_two_endpoints_gets_the_fewest_permissions_and_the_dialog_shows_its_whole_reach()
    {
        using var browser = OpenConnected();
        Assert.True(browser.ById("for-fields").Displayed);
        // Every key endpoint of the catalog, with what it needs; public endpoints are not offered.
        Assert.Contains("needs write:incidents", ForEndpoint(browser, "POST /api/incidents").FindElement(By.XPath("..")).Text);
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("#for-endpoints input[value='GET /health']")));

        browser.ById("key-name").SendKeys("incident-bot");
        ForEndpoint(browser, "POST /api/incidents").Click();
        ForEndpoint(browser, "GET /v1/events/stats").Click();
        browser.ById("create-submit").Click();

        var reach = browser.Until(() => browser.IsOpen("secret-dialog") && browser.ById("secret-for").Text is { } t && t.Contains("Reaches", StringComparison.Ordinal) ? t : null,
            "the reach in the secret dialog");
        Assert.Contains("Permissions: read:events, write:incidents.", reach);
        // write:incidents also reads incidents: the dialog says so, though only POST was picked.
        Assert.Contains("GET /api/incidents", reach);
        Assert.Contains("POST /api/incidents", reach);
        Assert.Contains("GET /v1/events/stats", reach);
        Assert.DoesNotContain("/api/monitors", reach);

        var stored = (await app.App.Services.GetRequiredService<ApiKeyService>().ListAsync()).Single(k => k.Name == "incident-bot");
        Assert.Equal(["read:events", "write:incidents"], stored.Permissions.Order(StringComparer.Ordinal));
        var secret = browser.ById("secret-value").Text;
        using var client = app.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/events/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/monitors")).StatusCode);
        Assert.Empty(browser.ScriptErrors());
    }

    [ChromiumFact]
    public void The_picker_is_hidden_for_admin_and_event_write_keys_and_nothing_picked_is_refused_in_the_form()
    {
        using var browser = OpenConnected();
        browser.ById("perm-admin").Click();
        Assert.False(browser.ById("for-fields").Displayed);
        browser.ById("perm-admin").Click();
        Assert.True(browser.ById("for-fields").Displayed);
        browser.Driver.FindElement(By.CssSelector("input[name='kind'][value='EventWrite']")).Click();
        Assert.False(browser.ById("for-fields").Displayed);
        browser.Driver.FindElement(By.CssSelector("input[name='kind'][value='Standard']")).Click();

        browser.ById("key-name").SendKeys("nothing-picked");
        browser.ById("create-submit").Click();
        Assert.Equal("Pick at least one permission or endpoint.", browser.Until(() => browser.ById("create-error").Text is { Length: > 0 } t ? t : null, "the form's error"));
        Assert.True(browser.IsOpen("create-dialog"));
        Assert.Empty(browser.ScriptErrors());
    }
}

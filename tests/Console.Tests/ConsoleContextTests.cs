using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;

namespace Declarative.Auth.Console.Tests;

/// <summary>Issue 18.11: what the console tells an operator about where they are and what they are about to do.</summary>
public sealed class ConsoleContextTests(KestrelSample app) : IClassFixture<KestrelSample>
{
    internal static Browser Open(Uri baseAddress, int width = 1280, int height = 900)
    {
        var browser = new Browser(width, height);
        browser.Driver.Navigate().GoToUrl(new Uri(baseAddress, "/auth/console"));
        browser.Until(() => browser.ById("admin-key").Displayed, "the admin key field");
        return browser;
    }

    internal static void ConnectAsAdmin(Browser browser, string key)
    {
        var input = browser.ById("admin-key");
        input.Clear();
        input.SendKeys(key);
        input.SendKeys(Keys.Enter);
        browser.Until(() => browser.ById("keys-section").Displayed, "the key list after connecting");
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#keys-body tr")).Count > 0, "rows in the key list");
    }

    private static IWebElement Row(Browser browser, string name)
        => browser.Driver.FindElement(By.XPath($"//tbody[@id='keys-body']/tr[.//strong[normalize-space()='{name}']]"));

    private static void ClickRowButton(Browser browser, string name, string button)
        => Row(browser, name).FindElement(By.XPath($".//button[normalize-space()='{button}']")).Click();

    [ChromiumFact]
    public void The_header_names_the_app_and_its_badge_is_not_cut_off_at_phone_width()
    {
        using var browser = Open(app.BaseAddress, 375, 812);
        ConnectAsAdmin(browser, app.AdminKey);
        Assert.Equal("Declarative.Auth.Sample", browser.ById("app-name").Text.TrimStart('·', ' '));
        Assert.Contains("Declarative.Auth.Sample", browser.Driver.Title);

        var badge = browser.ById("env-badge");
        // The whole badge is shown: no ellipsis that reads as cut-off text.
        Assert.Equal("test keys · prefix sample_test_", badge.Text);
        Assert.False(badge.Text.EndsWith('…'));
        // Inside the viewport, nothing scrolled away inside it, and its text clear of the pill's rounded ends.
        var box = (IReadOnlyDictionary<string, object>)browser.Script("""
            const b = document.getElementById('env-badge'); const r = b.getBoundingClientRect(); const s = getComputedStyle(b);
            return { right: r.right, left: r.left, width: window.innerWidth, overflowX: b.scrollWidth - b.clientWidth, overflowY: b.scrollHeight - b.clientHeight,
                     radius: parseFloat(s.borderTopLeftRadius), height: r.height, padding: parseFloat(s.paddingLeft) };
            """)!;
        double At(string k) => Convert.ToDouble(box[k], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(At("left") >= 0 && At("right") <= At("width"), $"the badge spans {At("left")}..{At("right")} of {At("width")} px");
        Assert.True(At("overflowX") <= 0 && At("overflowY") <= 0, $"the badge's text overflows it ({At("overflowX")}, {At("overflowY")})");
        Assert.True(At("radius") <= At("padding") + 1 || At("height") <= 2 * At("radius") + 1,
            $"a {At("height")} px badge with {At("radius")} px corners and {At("padding")} px padding cuts its text at the corners");
        browser.Screenshot("console-header-375");
    }

    [ChromiumFact]
    public async Task Revoking_the_key_the_page_is_connected_with_warns_first_and_then_disconnects()
    {
        var keys = app.App.Services.GetRequiredService<ApiKeyService>();
        var own = await keys.CreateAsync(new CreateApiKeyRequest { Name = "my-own-admin", Permissions = ["admin"] });
        await keys.CreateAsync(new CreateApiKeyRequest { Name = "someone-else", Permissions = ["read:monitors"] });
        using var browser = Open(app.BaseAddress);
        ConnectAsAdmin(browser, own.Secret);
        Assert.Contains("connected with", Row(browser, "my-own-admin").Text);

        ClickRowButton(browser, "someone-else", "Revoke");
        browser.Until(() => browser.IsOpen("confirm-dialog"), "the revoke confirmation");
        Assert.False(browser.ById("confirm-warning").Displayed);
        browser.ById("confirm-cancel").Click();
        browser.Until(() => !browser.IsOpen("confirm-dialog"), "the confirmation to close");

        ClickRowButton(browser, "my-own-admin", "Revoke");
        browser.Until(() => browser.IsOpen("confirm-dialog"), "the revoke confirmation for the page's own key");
        Assert.True(browser.ById("confirm-warning").Displayed);
        Assert.Contains("this page is connected with", browser.ById("confirm-warning").Text);
        browser.ById("confirm-ok").Click();
        var message = browser.Until(() => browser.ById("connect-error") is { Displayed: true } e ? e.Text : null, "the page to say it disconnected");
        Assert.Contains("my-own-admin", message);
        Assert.False(browser.ById("keys-section").Displayed);
        Assert.Null(browser.Script("return sessionStorage.getItem('declarativeAuth.console.adminKey')"));
        Assert.Empty(browser.ScriptErrors());
    }

    [ChromiumFact]
    public async Task A_rotated_key_and_its_successor_link_to_each_other()
    {
        var keys = app.App.Services.GetRequiredService<ApiKeyService>();
        var old = await keys.CreateAsync(new CreateApiKeyRequest { Name = "lineage-key", Permissions = ["read:monitors"] });
        var successor = await keys.RotateAsync(old.Key.Id);
        using var browser = Open(app.BaseAddress);
        ConnectAsAdmin(browser, app.AdminKey);

        var oldRow = browser.Driver.FindElement(By.Id("key-" + old.Key.Id));
        var newRow = browser.Driver.FindElement(By.Id("key-" + successor.Key.Id));
        Assert.Equal("#key-" + successor.Key.Id, oldRow.FindElement(By.CssSelector(".replaced-by a")).GetAttribute("hash"));
        Assert.Equal("#key-" + old.Key.Id, newRow.FindElement(By.CssSelector(".replaces a")).GetAttribute("hash"));
        oldRow.FindElement(By.CssSelector(".replaced-by a")).Click();
        browser.Until(() => (string?)browser.Script("return location.hash") == "#key-" + successor.Key.Id, "the link to the successor");
        Assert.Empty(browser.ScriptErrors());
    }

    [ChromiumFact]
    public void Event_write_keys_are_offered_where_an_endpoint_accepts_them()
    {
        using var browser = Open(app.BaseAddress);
        ConnectAsAdmin(browser, app.AdminKey);
        browser.ById("new-key").Click();
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog");
        Assert.True(browser.ById("kind-fields").Displayed); // the sample's POST /v1/events is [EventIngestion]
    }
}

/// <summary>Issue 18.11: an app where no endpoint accepts event write keys is not offered one.</summary>
public sealed class ConsoleWithoutIngestionTests(KestrelPlainApp app) : IClassFixture<KestrelPlainApp>
{
    [ChromiumFact]
    public void No_event_write_key_is_offered_when_no_endpoint_accepts_one()
    {
        using var browser = ConsoleContextTests.Open(app.BaseAddress);
        ConsoleContextTests.ConnectAsAdmin(browser, app.AdminKey);
        browser.ById("new-key").Click();
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog");
        Assert.False(browser.ById("kind-fields").Displayed);
        Assert.DoesNotContain("Event write key", browser.ById("create-dialog").Text);
        Assert.Empty(browser.ScriptErrors());
    }
}

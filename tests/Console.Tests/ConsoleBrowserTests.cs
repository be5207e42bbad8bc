using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Interactions;

namespace Declarative.Auth.Console.Tests;

/// <summary>The console in headless Chromium against the sample on a real port: what an operator does with it.</summary>
public sealed class ConsoleBrowserTests(KestrelSample app) : IClassFixture<KestrelSample>
{
    private const string Warning = "Copy the key now — it won't be shown again.";

    private Browser Open(int width = 1280, int height = 900)
    {
        var browser = new Browser(width, height);
        browser.Driver.Navigate().GoToUrl(new Uri(app.BaseAddress, "/auth/console"));
        browser.Until(() => browser.ById("admin-key").Displayed, "the admin key field");
        return browser;
    }

    private static void Connect(Browser browser, string key)
    {
        var input = browser.ById("admin-key");
        input.Clear();
        input.SendKeys(key);
        input.SendKeys(Keys.Enter);
    }

    private static void ConnectAsAdmin(Browser browser, string key)
    {
        Connect(browser, key);
        browser.Until(() => browser.ById("keys-section").Displayed, "the key list after connecting");
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#keys-body tr")).Count > 0, "rows in the key list");
    }

    private static IWebElement Row(Browser browser, string name)
        => browser.Driver.FindElement(By.XPath($"//tbody[@id='keys-body']/tr[.//strong[normalize-space()='{name}']]"));

    private static string StatusOf(Browser browser, string name)
        => Row(browser, name).FindElement(By.CssSelector(".status")).Text;

    private static void AssertNoErrors(Browser browser, bool allowRefusedCalls = false)
    {
        Assert.Empty(browser.ScriptErrors());
        var severe = browser.SevereConsoleEntries()
            .Where(m => !(allowRefusedCalls && m.Contains("Failed to load resource", StringComparison.Ordinal)
                && (m.Contains("401", StringComparison.Ordinal) || m.Contains("403", StringComparison.Ordinal))))
            .ToArray();
        Assert.Empty(severe);
    }

    private async Task<(HttpStatusCode Status, string? Code)> CallWith(string key, string path = "/api/monitors")
    {
        using var client = app.Client(key);
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        var code = response.IsSuccessStatusCode || body.Length == 0 ? null
            : JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return (response.StatusCode, code);
    }

    /// <summary>Revocation reaches the verifier through the store's change feed: allow it 2 seconds.</summary>
    private async Task<(HttpStatusCode Status, string? Code)> EventuallyRefused(string key)
    {
        var deadline = DateTime.UtcNow.AddSeconds(2.5);
        while (true)
        {
            var result = await CallWith(key);
            if (result.Status != HttpStatusCode.OK || DateTime.UtcNow > deadline)
                return result;
            await Task.Delay(100);
        }
    }

    [ChromiumFact]
    public async Task Operator_creates_a_key_sees_the_secret_once_uses_it_and_revokes_it()
    {
        using var browser = Open();
        var driver = browser.Driver;
        ConnectAsAdmin(browser, app.AdminKey);
        Assert.Equal("keys-title", browser.ActiveId());
        Assert.False(browser.ById("admin-key").Displayed);
        Assert.Equal("active", StatusOf(browser, "console-admin"));
        Assert.Contains("admin", Row(browser, "console-admin").Text);
        Assert.Null(browser.Script("return localStorage.length || null"));
        Assert.Equal(app.AdminKey, browser.Script("return sessionStorage.getItem('declarativeAuth.console.adminKey')"));
        Assert.DoesNotContain(app.AdminKey, browser.Driver.Manage().Cookies.AllCookies.Select(c => c.Value));
        // A reload in the same tab reconnects from sessionStorage without asking again.
        browser.Driver.Navigate().Refresh();
        browser.Until(() => browser.ById("keys-section").Displayed && browser.Driver.FindElements(By.CssSelector("#keys-body tr")).Count > 0, "the list after a reload");
        Assert.Contains("POST", browser.ById("endpoints-body").Text);
        Assert.Contains("write:events", browser.ById("endpoints-body").Text);
        browser.FitHeightToContent(1280, 900);
        browser.Screenshot("console-list-desktop");
        browser.FitHeightToContent(1280, 900);

        browser.ById("new-key").Click();
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog");
        Assert.Equal("key-name", browser.ActiveId());
        browser.ById("key-name").SendKeys("browser-made-key");
        browser.ById("scope-monitors").SendKeys("Read-only");
        Assert.Equal("read:monitors", browser.ById("scope-monitors").GetAttribute("value"));
        Assert.Contains("Read monitors.", browser.ById("scope-monitors-desc").Text);
        browser.Screenshot("console-create-desktop");
        browser.ById("create-submit").Click();

        var secret = browser.Until(() => browser.IsOpen("secret-dialog") && browser.ById("secret-value").Text is { Length: > 0 } s ? s : null, "the new secret");
        Assert.StartsWith("sample_test_", secret);
        Assert.Equal(Warning, browser.ById("secret-warning").Text);
        Assert.True(browser.ById("copy-secret").Displayed);
        Assert.Equal("copy-secret", browser.ActiveId());
        browser.ById("copy-secret").Click();
        browser.Until(() => browser.ById("copy-status").Text is { Length: > 0 } t ? t : null, "the copy status");
        browser.Screenshot("console-secret-desktop");

        browser.ById("secret-done").Click();
        browser.Until(() => !browser.IsOpen("secret-dialog"), "the secret dialog to close");
        Assert.DoesNotContain(secret, (string)browser.Script("return document.documentElement.outerHTML")!);
        Assert.DoesNotContain(secret, (string)browser.Script("return Array.from(document.querySelectorAll('input')).map(i => i.value).join(' ')")!);
        Assert.Equal("new-key", browser.ActiveId());
        Assert.Equal("active", StatusOf(browser, "browser-made-key"));
        Assert.Contains("read:monitors", Row(browser, "browser-made-key").Text);

        Assert.Equal((HttpStatusCode.OK, null), await CallWith(secret));

        Row(browser, "browser-made-key").FindElement(By.XPath(".//button[normalize-space()='Revoke']")).Click();
        browser.Until(() => browser.IsOpen("confirm-dialog"), "the revoke confirmation");
        Assert.Equal("confirm-cancel", browser.ActiveId());
        Assert.Contains("browser-made-key", browser.ById("confirm-title").Text);
        browser.ById("confirm-ok").Click();
        browser.Until(() => StatusOf(browser, "browser-made-key") == "revoked", "the key to show as revoked");
        Assert.False(browser.IsOpen("confirm-dialog"));

        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_REVOKED"), await EventuallyRefused(secret));
        AssertNoErrors(browser);
    }

    /// <summary>
    /// Watches the secret dialog's <c>open</c> attribute: the observer runs in the microtask right after the dialog
    /// closes, before any queued <c>close</c> event, and records whether the secret was still anywhere in the page.
    /// </summary>
    private static void WatchSecretAtClose(Browser browser, string secret) => browser.Script("""
        const d = document.getElementById('secret-dialog');
        window.__secretAtClose = null;
        const o = new MutationObserver(() => {
          if (d.open) return;
          o.disconnect();
          window.__secretAtClose = document.documentElement.outerHTML.includes(arguments[0])
            || Array.from(document.querySelectorAll('input')).some(i => i.value.includes(arguments[0])) ? 'still in the page' : 'gone';
        });
        o.observe(d, { attributes: true, attributeFilter: ['open'] });
        """, secret);

    private static string NewSecretThroughTheConsole(Browser browser, string name)
    {
        browser.ById("new-key").Click();
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog");
        browser.ById("key-name").SendKeys(name);
        browser.ById("scope-monitors").SendKeys("Read-only");
        browser.ById("create-submit").Click();
        return browser.Until(() => browser.IsOpen("secret-dialog") && browser.ById("secret-value").Text is { Length: > 0 } s ? s : null, "the new secret");
    }

    [ChromiumFact]
    public void The_secret_has_left_the_page_the_moment_its_dialog_closes_by_button_or_by_Escape()
    {
        using var browser = Open();
        ConnectAsAdmin(browser, app.AdminKey);

        var byButton = NewSecretThroughTheConsole(browser, "closed-by-button");
        WatchSecretAtClose(browser, byButton);
        browser.ById("secret-done").Click();
        Assert.Equal("gone", browser.Until(() => browser.Script("return window.__secretAtClose") as string, "the dialog to close"));

        var byEscape = NewSecretThroughTheConsole(browser, "closed-by-escape");
        WatchSecretAtClose(browser, byEscape);
        new Actions(browser.Driver).SendKeys(Keys.Escape).Perform();
        Assert.Equal("gone", browser.Until(() => browser.Script("return window.__secretAtClose") as string, "Escape to close the dialog"));

        // A second Escape without any click in between: Chromium may close without a 'cancel' event.
        var again = NewSecretThroughTheConsole(browser, "closed-by-escape-again");
        WatchSecretAtClose(browser, again);
        browser.Script("document.getElementById('copy-secret').focus()");
        new Actions(browser.Driver).SendKeys(Keys.Escape).Perform();
        Assert.Equal("gone", browser.Until(() => browser.Script("return window.__secretAtClose") as string, "Escape to close the dialog again"));
        AssertNoErrors(browser);
    }

    [ChromiumFact]
    public async Task A_wrong_admin_key_sees_the_servers_message_and_is_not_kept()
    {
        using var browser = Open();
        var unknown = new ApiKeyFormat("sample", KeyEnvironment.Test).Generate();
        Connect(browser, unknown);
        var error = browser.Until(() => browser.ById("connect-error") is { Displayed: true } e ? e.Text : null, "the error for an unknown key");
        Assert.Contains("401", error);
        Assert.Contains("Invalid API key provided", error);
        Assert.False(browser.ById("keys-section").Displayed);
        Assert.Equal(0L, browser.Script("return sessionStorage.length"));
        Assert.Equal("admin-key", browser.ActiveId());

        var reader = await app.App.CreateKeyAsync("not-an-admin", "read:monitors");
        Connect(browser, reader);
        error = browser.Until(() => browser.ById("connect-error") is { Displayed: true } e && e.Text.Contains("403", StringComparison.Ordinal) ? e.Text : null, "the error for a key that is not admin");
        Assert.Contains("FORBIDDEN", error);
        Assert.Contains("admin", error);
        Assert.False(browser.ById("keys-section").Displayed);
        browser.Screenshot("console-wrong-key");
        AssertNoErrors(browser, allowRefusedCalls: true);
    }

    [ChromiumFact]
    public async Task Rotate_asks_first_shows_the_new_secret_once_and_the_old_secret_stops_working()
    {
        var old = await app.App.CreateKeyAsync("to-rotate", "read:monitors");
        using var browser = Open();
        ConnectAsAdmin(browser, app.AdminKey);

        Row(browser, "to-rotate").FindElement(By.XPath(".//button[normalize-space()='Rotate']")).Click();
        browser.Until(() => browser.IsOpen("confirm-dialog"), "the rotate confirmation");
        // Escape cancels: nothing rotated, focus back on the button.
        new Actions(browser.Driver).SendKeys(Keys.Escape).Perform();
        browser.Until(() => !browser.IsOpen("confirm-dialog"), "Escape to close the confirmation");
        Assert.Equal("Rotate to-rotate", browser.Driver.SwitchTo().ActiveElement().GetAttribute("aria-label"));
        Assert.Equal((HttpStatusCode.OK, null), await CallWith(old));

        browser.Driver.SwitchTo().ActiveElement().SendKeys(Keys.Enter);
        browser.Until(() => browser.IsOpen("confirm-dialog"), "the rotate confirmation again");
        browser.ById("confirm-ok").Click();
        var fresh = browser.Until(() => browser.IsOpen("secret-dialog") && browser.ById("secret-value").Text is { Length: > 0 } s ? s : null, "the rotated secret");
        Assert.NotEqual(old, fresh);
        Assert.Equal(Warning, browser.ById("secret-warning").Text);
        new Actions(browser.Driver).SendKeys(Keys.Escape).Perform();
        browser.Until(() => !browser.IsOpen("secret-dialog"), "Escape to close the secret");
        Assert.DoesNotContain(fresh, (string)browser.Script("return document.documentElement.outerHTML")!);

        Assert.Equal((HttpStatusCode.OK, null), await CallWith(fresh));
        Assert.Equal((HttpStatusCode.Unauthorized, "KEY_REVOKED"), await EventuallyRefused(old));
        AssertNoErrors(browser);
    }

    [ChromiumFact]
    public void At_phone_width_the_list_and_the_create_dialog_fit_and_work_by_keyboard()
    {
        using var browser = Open(375, 812);
        ConnectAsAdmin(browser, app.AdminKey);
        Assert.True(Convert.ToInt64(browser.Script("return document.documentElement.scrollWidth"), System.Globalization.CultureInfo.InvariantCulture) <= 375,
            "the page scrolls sideways at 375 px");
        browser.FitHeightToContent(375, 812);
        browser.Screenshot("console-list-375");
        browser.FitHeightToContent(375, 812);
        browser.Driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = 375, ["height"] = 812, ["deviceScaleFactor"] = 1, ["mobile"] = true,
        });
        browser.Script("window.scrollTo(0, 0)");

        browser.ById("new-key").SendKeys(Keys.Enter);
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog by keyboard");
        Assert.Equal("key-name", browser.ActiveId());
        var width = Convert.ToDouble(browser.Script("return document.getElementById('create-dialog').getBoundingClientRect().width"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(width <= 375, $"the dialog is {width}px wide");
        // Tab moves through the form in order: name, then the kind radios.
        browser.Driver.SwitchTo().ActiveElement().SendKeys(Keys.Tab);
        Assert.Equal("Standard", browser.Driver.SwitchTo().ActiveElement().GetAttribute("value"));
        browser.Screenshot("console-create-375");

        // Submitting without a name says so inside the dialog.
        browser.ById("create-submit").Click();
        Assert.Contains("name", browser.Until(() => browser.ById("create-error") is { Displayed: true } e ? e.Text : null, "the missing-name error"));

        new Actions(browser.Driver).SendKeys(Keys.Escape).Perform();
        browser.Until(() => !browser.IsOpen("create-dialog"), "Escape to close the create dialog");
        Assert.Equal("new-key", browser.ActiveId());
        AssertNoErrors(browser);
    }

    [ChromiumFact]
    public async Task An_event_write_key_restricted_to_a_workspace_with_an_expiry_and_the_list_filters()
    {
        using var browser = Open();
        ConnectAsAdmin(browser, app.AdminKey);

        browser.ById("new-key").Click();
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog");
        browser.ById("key-name").SendKeys("web-source");
        browser.Driver.FindElement(By.CssSelector("input[name='kind'][value='EventWrite']")).Click();
        Assert.False(browser.ById("permissions-fields").Displayed);
        // Without its source connection the page says what is missing and sends nothing.
        browser.ById("create-submit").Click();
        Assert.Contains("source connection", browser.Until(() => browser.ById("create-error") is { Displayed: true } e ? e.Text : null, "the missing-source error"));
        browser.ById("key-source").SendKeys("src_web_1");
        browser.ById("key-workspace").SendKeys("ws_42");
        browser.ById("key-expiry").SendKeys("In 30 days");
        browser.ById("create-submit").Click();
        var secret = browser.Until(() => browser.IsOpen("secret-dialog") && browser.ById("secret-value").Text is { Length: > 0 } s ? s : null, "the event write key's secret");
        browser.ById("secret-done").Click();
        browser.Until(() => !browser.IsOpen("secret-dialog"), "the secret dialog to close");

        var row = Row(browser, "web-source").Text;
        Assert.Contains("event write key", row);
        Assert.Contains("src_web_1", row);
        Assert.Contains("ws_42", row);
        var stored = (await app.App.Services.GetRequiredService<ApiKeyService>().ListAsync()).Single(k => k.Name == "web-source");
        Assert.Equal(ApiKeyKind.EventWrite, stored.Kind);
        Assert.Equal("src_web_1", stored.SourceConnection);
        Assert.Equal("ws_42", stored.Workspace);
        Assert.InRange(stored.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromDays(29.9), TimeSpan.FromDays(30));
        Assert.Contains(stored.ExpiresAt.Value.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), row);
        Assert.StartsWith(stored.DisplayPart.TrimEnd('…'), secret);

        browser.ById("filter-text").SendKeys("web-sou");
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#keys-body tr")).Count == 1, "the text filter to leave one row");
        Assert.Contains("1 of", browser.ById("keys-status").Text);
        browser.ById("filter-text").SendKeys(Keys.Control + "a" + Keys.Backspace);
        browser.ById("filter-status").SendKeys("Active");
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#keys-body tr")).Count > 1, "all active keys");
        Assert.All(browser.Driver.FindElements(By.CssSelector("#keys-body .status")), s => Assert.Equal("active", s.Text));
        AssertNoErrors(browser);
    }

    [ChromiumFact]
    public async Task An_owner_typed_in_the_console_is_stored_and_shown_in_the_list()
    {
        using var browser = Open();
        ConnectAsAdmin(browser, app.AdminKey);
        browser.ById("new-key").Click();
        browser.Until(() => browser.IsOpen("create-dialog"), "the create dialog");
        browser.ById("key-name").SendKeys("alice-key");
        browser.ById("scope-monitors").SendKeys("Read-only");
        browser.ById("key-owner").SendKeys("user_alice");
        browser.ById("create-submit").Click();
        browser.Until(() => browser.IsOpen("secret-dialog") && browser.ById("secret-value").Text is { Length: > 0 } s ? s : null, "the new secret");
        browser.ById("secret-done").Click();
        browser.Until(() => !browser.IsOpen("secret-dialog"), "the secret dialog to close");

        Assert.Contains("owner: user_alice", Row(browser, "alice-key").Text);
        var stored = (await app.App.Services.GetRequiredService<ApiKeyService>().ListAsync()).Single(k => k.Name == "alice-key");
        Assert.Equal("user_alice", stored.Owner);
        AssertNoErrors(browser);
    }

    [ChromiumFact]
    public async Task A_restricted_admin_sees_only_its_workspaces_keys_in_the_console()
    {
        var keys = app.App.Services.GetRequiredService<ApiKeyService>();
        var admin = await keys.CreateAsync(new CreateApiKeyRequest { Name = "ws-admin", Permissions = ["admin"], Workspace = "ws_console" });
        await keys.CreateAsync(new CreateApiKeyRequest { Name = "ws-reader", Permissions = ["read:monitors"], Workspace = "ws_console" });
        using var browser = Open();
        ConnectAsAdmin(browser, admin.Secret);

        var rows = browser.Driver.FindElements(By.CssSelector("#keys-body tr strong")).Select(e => e.Text).ToArray();
        Assert.Contains("ws-reader", rows);
        Assert.DoesNotContain("console-admin", rows); // the unrestricted admin key is another workspace's business
        AssertNoErrors(browser);
    }
}


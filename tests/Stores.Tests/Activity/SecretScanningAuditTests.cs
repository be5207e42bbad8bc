using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Declarative.Auth.Stores.Tests.Activity;

/// <summary>A key revoked by a signed secret-scanning alert is in the audit log, by <c>secret-scanning</c>, with where it was found.</summary>
public sealed class SecretScanningAuditTests
{
    [Fact]
    public async Task A_leaked_key_revoked_by_an_alert_is_audited_as_secret_scanning_with_the_url()
    {
        using var scanner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDeclarativeAuth(o =>
        {
            o.KeyPrefix = "leak";
            o.KeyEnvironment = KeyEnvironment.Test;
            o.SecretScanning.PublicKeys["scanner-1"] = scanner.ExportSubjectPublicKeyInfoPem();
        }).UseInMemoryStore();
        await using var app = builder.Build();
        app.UseDeclarativeAuth();
        app.MapSecretScanningEndpoint();
        await app.StartAsync();
        var leaked = await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(new CreateApiKeyRequest { Name = "leaky", Permissions = ["read:events"] });
        var body = JsonSerializer.Serialize(new[] { new { token = leaked.Secret, type = "leak_api_key", url = "https://github.com/o/r/blob/main/.env\n<b>", source = "content" } });
        using var request = new HttpRequestMessage(HttpMethod.Post, app.Urls.First() + "/secret-scanning/alerts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Github-Public-Key-Identifier", "scanner-1");
        request.Headers.Add("Github-Public-Key-Signature", Convert.ToBase64String(scanner.SignData(Encoding.UTF8.GetBytes(body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

        using var client = new HttpClient();
        Assert.True((await client.SendAsync(request)).IsSuccessStatusCode);

        var entry = (await app.Services.GetRequiredService<IKeyAuditStore>().ReadAsync(leaked.Key.Id, null, null, 10))[0];
        Assert.Equal(("secret-scanning", "revoke"), (entry.Actor, entry.Action));
        Assert.Contains("found public by secret scanning at https://github.com/o/r/blob/main/.env\uFFFD<b> (content)", entry.Change, StringComparison.Ordinal);
        Assert.DoesNotContain(leaked.Secret, entry.Change, StringComparison.Ordinal);
        await app.StopAsync();
    }
}

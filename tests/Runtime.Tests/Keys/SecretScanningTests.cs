using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Declarative.Auth.Tests.Support;
using Microsoft.AspNetCore.Builder;

namespace Declarative.Auth.Tests.Keys;

/// <summary>
/// Leaked keys revoke themselves: a signed secret-scanning alert revokes the keys it reports and labels each token
/// by hash; an alert that is unsigned, signed by another key, tampered with, oversized or malformed revokes nothing.
/// </summary>
public sealed class SecretScanningTests : IAsyncLifetime, IDisposable
{
    private const string KeyId = "bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c";
    private readonly ECDsa _scanner = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.StartAsync(a =>
    {
        a.MapSecretScanningEndpoint();
        a.MapGet("/v1/events", [RequiresKey(KeyType.Read, Scope = "events")] () => "events");
    }, o =>
    {
        o.SecretScanning.PublicKeys[KeyId] = _scanner.ExportSubjectPublicKeyInfoPem();
        o.SecretScanning.MaxBodyBytes = 4096;
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose()
    {
        _scanner.Dispose();
        _stranger.Dispose();
    }

    private static string Alert(params string[] tokens)
        => JsonSerializer.Serialize(tokens.Select(t => new { token = t, type = "dauth_api_key", url = "https://github.com/o/r/blob/main/.env", source = "content" }));

    private Task<HttpResponseMessage> Send(string body, ECDsa? signer = null, string? keyId = KeyId, string? signatureOf = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/secret-scanning/alerts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (keyId is not null)
            request.Headers.Add("Github-Public-Key-Identifier", keyId);
        if (signer is not null)
        {
            var signature = signer.SignData(Encoding.UTF8.GetBytes(signatureOf ?? body), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
            request.Headers.Add("Github-Public-Key-Signature", Convert.ToBase64String(signature));
        }
        return _app.Client().SendAsync(request);
    }

    private async Task<bool> Works(string secret) => (await _app.Client(secret).GetAsync("/v1/events")).IsSuccessStatusCode;

    [Fact]
    public async Task A_signed_alert_revokes_the_leaked_key_and_labels_every_token_by_hash()
    {
        var leaked = _app.Key("read:events");
        var bystander = _app.Key("read:events");
        var unknown = _app.Format.Generate();
        Assert.True(await Works(leaked));

        var response = await Send(Alert(leaked, unknown, "not-our-format"), _scanner);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var labels = JsonDocument.Parse(text).RootElement.EnumerateArray()
            .Select(l => (l.GetProperty("token_hash").GetString(), l.GetProperty("token_type").GetString(), l.GetProperty("label").GetString())).ToList();
        Assert.Equal(
            [
                (KeyHash.Compute(leaked).ToHex(), "dauth_api_key", "true_positive"),
                (KeyHash.Compute(unknown).ToHex(), "dauth_api_key", "false_positive"),
                (KeyHash.Compute("not-our-format").ToHex(), "dauth_api_key", "false_positive"),
            ],
            labels);
        Assert.DoesNotContain(leaked, text);
        await (await _app.Client(leaked).GetAsync("/v1/events")).AssertRefusal(401, "KEY_REVOKED");
        Assert.True(await Works(bystander));

        // A second delivery of the same alert (scanners retry) changes nothing and still says true_positive.
        Assert.Contains("true_positive", await (await Send(Alert(leaked), _scanner)).Content.ReadAsStringAsync());
    }

    public static TheoryData<string> Forgeries => ["unsigned", "other key", "tampered", "unknown key id", "not base64"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task A_forged_alert_is_401_and_revokes_nothing(string forgery)
    {
        var victim = _app.Key("read:events");
        var body = Alert(victim);
        var response = forgery switch
        {
            "unsigned" => await Send(body),
            "other key" => await Send(body, _stranger),
            "tampered" => await Send(body, _scanner, signatureOf: Alert(_app.Format.Generate())),
            "unknown key id" => await Send(body, _scanner, keyId: "another-key-id"),
            _ => await SendRawSignature(body, "%%%"),
        };

        await response.AssertRefusal(401, "INVALID_SIGNATURE");
        Assert.True(await Works(victim));
    }

    private Task<HttpResponseMessage> SendRawSignature(string body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/secret-scanning/alerts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Github-Public-Key-Identifier", KeyId);
        request.Headers.Add("Github-Public-Key-Signature", signature);
        return _app.Client().SendAsync(request);
    }

    [Theory]
    [InlineData("{\"token\":\"x\"}", "An alert is a JSON array")]
    [InlineData("[]", "An alert reports at least one token.")]
    [InlineData("[{\"type\":\"dauth_api_key\"}]", "Every reported token needs \"token\"")]
    public async Task A_malformed_signed_alert_is_400_saying_what_an_alert_is(string body, string detail)
    {
        var response = await Send(body, _scanner);
        var error = await response.AssertRefusal(400, "INVALID_REQUEST");
        Assert.StartsWith(detail, error.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_oversized_alert_is_413_before_any_signature_work()
    {
        var victim = _app.Key("read:events");
        var response = await Send(Alert([.. Enumerable.Repeat(victim, 60)]), _scanner);
        await response.AssertRefusal(413, "PAYLOAD_TOO_LARGE");
        Assert.True(await Works(victim));
    }
}

/// <summary>A scanner key that is not a P-256 public key stops start-up naming the setting.</summary>
public sealed class SecretScanningOptionsTests
{
    [Theory]
    [InlineData("not a pem")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    public void A_bad_public_key_is_refused_naming_it(string pem)
    {
        var options = new DeclarativeAuthOptions();
        options.SecretScanning.PublicKeys["github-1"] = pem;
        var result = new DeclarativeAuthOptionsValidator().Validate(null, options);
        Assert.Contains("DeclarativeAuth:SecretScanning:PublicKeys:github-1 must be an ECDSA P-256 public key in PEM (-----BEGIN PUBLIC KEY-----), as the scanner publishes it.", result.Failures!);
    }
}

using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Declarative.Auth;

/// <summary>Reading, verifying and parsing one secret-scanning alert; answering it.</summary>
internal static class SecretScanningAlert
{
    public sealed record Match(string Token, string Type, string? Url, string? Source);

    public sealed record Label(
        [property: JsonPropertyName("token_hash")] string TokenHash,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("label")] string Value);

    /// <summary>The raw body, or null when it is longer than <paramref name="max"/> bytes.</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int max)
    {
        if (request.ContentLength > max)
            return null;
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > max)
                    return null;
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>True when <paramref name="signature"/> is the configured key <paramref name="keyId"/>'s signature of <paramref name="body"/>.</summary>
    public static bool IsSignedBy(SecretScanningOptions options, StringValues keyId, StringValues signature, byte[] body)
    {
        if (keyId.Count != 1 || signature.Count != 1 || !options.PublicKeys.TryGetValue(keyId.ToString(), out var pem))
            return false;
        byte[] der;
        try
        {
            der = Convert.FromBase64String(signature.ToString());
        }
        catch (FormatException)
        {
            return false;
        }
        using var key = ImportP256(pem);
        return key is not null && key.VerifyData(body, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>True when <paramref name="pem"/> holds an ECDSA P-256 public key (checked at start-up).</summary>
    public static bool IsP256PublicKey(string? pem)
    {
        using var key = ImportP256(pem);
        return key is not null;
    }

    /// <summary>The P-256 key in <paramref name="pem"/>, or null when it holds none.</summary>
    private static ECDsa? ImportP256(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
            return null;
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize == 256)
                return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
        }
        key.Dispose();
        return null;
    }

    /// <summary>Null and the matches when <paramref name="body"/> is a well-formed alert; else what is wrong with it.</summary>
    public static string? Parse(byte[] body, int maxTokens, out List<Match> matches)
    {
        matches = [];
        List<AlertItem?>? items;
        try
        {
            items = JsonSerializer.Deserialize(body, SecretScanningJsonContext.Default.ListAlertItem);
        }
        catch (JsonException)
        {
            return "An alert is a JSON array of {\"token\", \"type\", \"url\", \"source\"} objects.";
        }
        if (items is null || items.Count == 0)
            return "An alert reports at least one token.";
        if (items.Count > maxTokens)
            return $"An alert reports at most {maxTokens} tokens; got {items.Count}.";
        foreach (var item in items)
        {
            if (item is null || string.IsNullOrEmpty(item.Token) || item.Token.Length > KeyHash.MaxSecretLength || string.IsNullOrEmpty(item.Type))
                return $"Every reported token needs \"token\" (1 to {KeyHash.MaxSecretLength} characters) and \"type\".";
            matches.Add(new Match(item.Token, item.Type, item.Url, item.Source));
        }
        return null;
    }

    internal sealed record AlertItem(
        [property: JsonPropertyName("token")] string? Token,
        [property: JsonPropertyName("type")] string? Type,
        [property: JsonPropertyName("url")] string? Url,
        [property: JsonPropertyName("source")] string? Source);
}

[JsonSerializable(typeof(List<SecretScanningAlert.AlertItem?>))]
[JsonSerializable(typeof(List<SecretScanningAlert.Label>))]
internal sealed partial class SecretScanningJsonContext : JsonSerializerContext;

using System.Security.Cryptography;
using Declarative.Auth;

namespace Declarative.Auth.Sample;

/// <summary>
/// Creates two demo keys at start-up and prints them once to the console, so the sample can be called
/// right away. Only the hashes are stored; a real app creates keys with the CLI or the management API.
/// </summary>
internal static class DemoKeys
{
    private static string s_usage = "";

    public static void Seed(InMemoryApiKeyStore store)
    {
        var admin = NewSecret();
        var reader = NewSecret();
        store.Add("demo-admin", admin, ["admin"]);
        store.Add("demo-read-only", reader, ["read:events", "read:monitors", "read:incidents", "read:reports"]);
        s_usage = $"""
            Declarative.Auth sample. Two demo keys were created for this run (shown once, not stored):
              admin      {admin}
              read-only  {reader}

            Try:
              curl -i http://localhost:5000/api/monitors                                  # 401 UNAUTHORIZED
              curl -i -H "Authorization: Bearer {reader}" http://localhost:5000/api/monitors      # 200
              curl -i -X POST -H "Authorization: Bearer {reader}" -H "Content-Type: application/json" \
                   -d '{"{"}"id":"x","url":"https://x","status":"up"{"}"}' http://localhost:5000/api/monitors  # 403 FORBIDDEN (needs write:monitors)
              curl -i -H "Authorization: Bearer {admin}" http://localhost:5000/v1/workspace        # 200
            """;
        Console.WriteLine(s_usage);
    }

    public static string Usage(ICollection<string> urls) => urls.Count == 0 ? s_usage : s_usage.Replace("http://localhost:5000", urls.First());

    private static string NewSecret() => "demo_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));
}

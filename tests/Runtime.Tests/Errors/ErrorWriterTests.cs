using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Declarative.Auth.Tests.Errors;

/// <summary>
/// The error writers' bodies, byte for byte, against reference implementations that serialize each body with
/// <see cref="Utf8JsonWriter"/> per request (as the writers did before they cached the constant parts).
/// </summary>
public sealed class ErrorWriterTests
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // ---- references: the per-request Utf8JsonWriter serialization the writers must keep matching ----

    private static byte[] ReferenceProblemDetails(AuthError error, string traceId)
    {
        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartObject();
            json.WriteString("type", error.Status switch
            {
                401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
                403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
                429 => "https://tools.ietf.org/html/rfc6585#section-4",
                503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                _ => "about:blank",
            });
            json.WriteString("title", ReasonPhrases.GetReasonPhrase(error.Status));
            json.WriteNumber("status", error.Status);
            json.WriteString("detail", error.Message);
            json.WriteString("code", error.Code);
            if (error.RequiredPermissions is { Count: > 0 } required)
            {
                json.WriteStartArray("requiredPermissions");
                foreach (var p in required)
                    json.WriteStringValue(p);
                json.WriteEndArray();
            }
            if (error.ViolatedPolicies is { Count: > 0 } violated)
            {
                json.WriteStartArray("violated-policies");
                foreach (var v in violated)
                    json.WriteStringValue(v);
                json.WriteEndArray();
            }
            json.WriteString("traceId", traceId);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static byte[] ReferenceEnvelope(AuthError error, IReadOnlyDictionary<string, string>? messages, string? chosen, IReadOnlyDictionary<string, string>? codes)
    {
        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartObject();
            json.WriteBoolean("success", false);
            json.WriteStartObject("error");
            json.WriteString("code", codes?.GetValueOrDefault(error.Code) ?? error.Code);
            json.WriteString("message", chosen ?? messages?.GetValueOrDefault(error.Code) ?? error.Message);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static byte[] ReferenceFlat(AuthError error, IReadOnlyDictionary<string, string>? messages, string? chosen, IReadOnlyDictionary<string, string>? codes)
    {
        var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartObject();
            var code = codes?.GetValueOrDefault(error.Code) ?? error.Code;
            json.WriteString("error", code.ToLowerInvariant());
            json.WriteString("message", chosen ?? messages?.GetValueOrDefault(code) ?? error.Message);
            json.WriteEndObject();
        }
        return stream.ToArray();
    }

    // ---- inputs ----

    /// <summary>Every refusal the runtime makes, and hand-made ones whose every field needs escaping.</summary>
    private static List<AuthError> AllErrors()
    {
        var errors = typeof(AuthError).GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(f => f.FieldType == typeof(AuthError))
            .Select(f => (AuthError)f.GetValue(null)!)
            .ToList();
        Assert.True(errors.Count >= 12, $"expected the runtime's static refusals, found {errors.Count}");
        var format = new ApiKeyFormat("kener", KeyEnvironment.Live);
        errors.AddRange(Enum.GetValues<KeyFormatError>().Select(e => AuthError.ForFormat(e, format)));
        errors.Add(AuthError.RateLimited("minute", 120, "minute"));
        errors.Add(AuthError.WorkspaceRequired("the 'X-Workspace' header"));
        errors.Add(AuthError.WorkspaceMalformed("the \"workspace\" route value"));
        errors.Add(AuthError.WrongWorkspace("ws\"1\\", "wé2 日本"));
        errors.Add(AuthError.MissingPermissions(["read:alpha", "write:beta"], ["write:beta"]));
        errors.Add(AuthError.MissingPermissions(["read:alpha"], ["read:alpha"]));
        errors.Add(new AuthError(404, "NOT_FOUND", "Key \"k\\1\" not found: <b>&amp;</b> é 日本 😀 \u0001\n\t\u2028 \ud800."));
        errors.Add(new AuthError(409, "CON\"FLICT", "no permissions listed", []));
        errors.Add(new AuthError(400, "BAD", "escaped permissions", ["a\"b", "ü\\", "\u001f", "😀"]));
        errors.Add(new AuthError(500, "", ""));
        return errors;
    }

    private static readonly string[] TraceIds =
    [
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        "0HNA1B2C3D4E5:00000001",
        "",
        "quote\"back\\slash/solidus",
        "naïve-日本-😀",
        "ctl\u0000\u0001\n\r\t\b\f\u001f\u007f",
        "</script>&'+`",
        "\u2028\u2029\ufeff\uffff",
        "lone\ud800 and \udc00",
        new string('"', 3000) + "é" + new string('x', 3000),
    ];

    private static async Task<(byte[] Body, HttpResponse Response)> Write(IAuthErrorWriter writer, AuthError error, string traceId)
    {
        Activity.Current = null; // the trace id is then the request's TraceIdentifier
        var context = new DefaultHttpContext { TraceIdentifier = traceId };
        var body = new MemoryStream();
        context.Response.Body = body;
        context.Response.StatusCode = error.Status;
        await writer.WriteAsync(context, error);
        return (body.ToArray(), context.Response);
    }

    private static void AssertSameBytes(byte[] expected, byte[] actual, string what)
        => Assert.True(expected.AsSpan().SequenceEqual(actual),
            $"{what}\nexpected: {Encoding.UTF8.GetString(expected)}\nactual:   {Encoding.UTF8.GetString(actual)}");

    // ---- problem details ----

    [Fact]
    public async Task Problem_details_bodies_equal_Utf8JsonWriter_for_every_error_and_trace_id()
    {
        var writer = new ProblemDetailsAuthErrorWriter();
        var checkedBodies = 0;
        for (var round = 0; round < 2; round++) // the second round is served from the caches
        {
            foreach (var error in AllErrors())
            {
                foreach (var traceId in TraceIds)
                {
                    var (body, response) = await Write(writer, error, traceId);
                    AssertSameBytes(ReferenceProblemDetails(error, traceId), body, $"{error.Code} {error.Message} / trace '{traceId[..Math.Min(40, traceId.Length)]}'");
                    Assert.Equal("application/problem+json", response.ContentType);
                    Assert.Equal(body.Length, response.ContentLength);
                    checkedBodies++;
                }
            }
        }
        Assert.True(checkedBodies > 400, $"only {checkedBodies} bodies checked");
    }

    [Fact]
    public async Task Problem_details_trace_id_is_the_current_activity_when_there_is_one()
    {
        var writer = new ProblemDetailsAuthErrorWriter();
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        var context = new DefaultHttpContext { TraceIdentifier = "not-this-one" };
        var body = new MemoryStream();
        context.Response.Body = body;
        await writer.WriteAsync(context, AuthError.InvalidKey);
        Assert.NotNull(activity.Id);
        AssertSameBytes(ReferenceProblemDetails(AuthError.InvalidKey, activity.Id!), body.ToArray(), "activity trace id");
        Assert.DoesNotContain("not-this-one", Encoding.UTF8.GetString(body.ToArray()));
    }

    [Fact]
    public async Task A_cached_body_is_never_served_for_another_error()
    {
        var writer = new ProblemDetailsAuthErrorWriter();
        var a = new AuthError(401, AuthErrorCodes.Unauthorized, "first message");
        var b = new AuthError(401, AuthErrorCodes.Unauthorized, "second message");
        var c = new AuthError(403, AuthErrorCodes.Forbidden, "first message", ["read:x"]);
        foreach (var error in new[] { a, b, c, a, c, b })
            AssertSameBytes(ReferenceProblemDetails(error, "t"), (await Write(writer, error, "t")).Body, error.ToString());

        // `with` copies an error: the copy must not carry the original's cached body.
        var changed = a with { Message = "changed message" };
        AssertSameBytes(ReferenceProblemDetails(changed, "t"), (await Write(writer, changed, "t")).Body, "with Message");
        var listed = c with { RequiredPermissions = ["write:y", "admin"] };
        AssertSameBytes(ReferenceProblemDetails(listed, "t"), (await Write(writer, listed, "t")).Body, "with RequiredPermissions");
        var status = c with { Status = 429 };
        AssertSameBytes(ReferenceProblemDetails(status, "t"), (await Write(writer, status, "t")).Body, "with Status");

        // and the originals still give their own bodies afterwards
        AssertSameBytes(ReferenceProblemDetails(a, "t"), (await Write(writer, a, "t")).Body, "original after with");
        AssertSameBytes(ReferenceProblemDetails(c, "t"), (await Write(writer, c, "t")).Body, "original after with");
    }

    [Fact]
    public async Task Caching_a_body_does_not_change_how_errors_compare()
    {
        var written = new AuthError(401, "C", "same", ["p"]);
        var fresh = new AuthError(401, "C", "same", written.RequiredPermissions);
        await Write(new ProblemDetailsAuthErrorWriter(), written, "t");
        await Write(new EnvelopeAuthErrorWriter(), written, "t");
        Assert.Equal(fresh, written);
        Assert.Equal(fresh.GetHashCode(), written.GetHashCode());
        Assert.NotEqual(fresh with { Message = "other" }, written);
        Assert.Equal(fresh.ToString(), written.ToString());
        Assert.DoesNotContain("Cache", written.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Parallel_writes_of_different_errors_each_get_their_own_body()
    {
        var writer = new ProblemDetailsAuthErrorWriter();
        var errors = Enumerable.Range(0, 64).Select(i => new AuthError(400 + i % 4, "C" + i, "message " + i)).ToArray();
        var results = await Task.WhenAll(Enumerable.Range(0, 2048).Select(i => Task.Run(async () =>
        {
            var error = errors[i % errors.Length];
            var trace = "trace-" + i;
            return (Expected: ReferenceProblemDetails(error, trace), (await Write(writer, error, trace)).Body);
        })));
        Assert.All(results, r => AssertSameBytes(r.Expected, r.Body, "parallel"));
    }

    // ---- alternative writers ----

    private static readonly Dictionary<string, string> Messages = new()
    {
        [AuthErrorCodes.Unauthorized] = "Invalid or missing \"API\" key",
        [AuthErrorCodes.Forbidden] = "Needs a read-write key <é>",
        ["unauthorized"] = "lower-case lookup",
    };

    private static readonly Dictionary<string, string> Codes = new()
    {
        [AuthErrorCodes.KeyRevoked] = AuthErrorCodes.Unauthorized,
        [AuthErrorCodes.KeyExpired] = "EXPIRED\"Ü",
    };

    [Fact]
    public async Task Envelope_and_flat_bodies_equal_Utf8JsonWriter_for_every_configuration()
    {
        var configurations = new (IReadOnlyDictionary<string, string>? Messages, IReadOnlyDictionary<string, string>? Codes)[]
        {
            (null, null), (Messages, null), (null, Codes), (Messages, Codes),
        };
        var checkedBodies = 0;
        foreach (var (messages, codes) in configurations)
        {
            var envelope = new EnvelopeAuthErrorWriter(messages, codes: codes);
            var flat = new FlatAuthErrorWriter(messages, codes: codes);
            for (var round = 0; round < 2; round++)
            {
                foreach (var error in AllErrors())
                {
                    var (body, response) = await Write(envelope, error, "t");
                    AssertSameBytes(ReferenceEnvelope(error, messages, null, codes), body, $"envelope {error}");
                    Assert.Equal("application/json", response.ContentType);
                    Assert.Equal(body.Length, response.ContentLength);
                    (body, response) = await Write(flat, error, "t");
                    AssertSameBytes(ReferenceFlat(error, messages, null, codes), body, $"flat {error}");
                    Assert.Equal("application/json", response.ContentType);
                    Assert.Equal(body.Length, response.ContentLength);
                    checkedBodies += 2;
                }
            }
        }
        Assert.True(checkedBodies > 200, $"only {checkedBodies} bodies checked");
    }

    [Fact]
    public async Task Two_writers_with_different_settings_never_share_a_cached_body()
    {
        var plain = new EnvelopeAuthErrorWriter();
        var renamed = new EnvelopeAuthErrorWriter(Messages, codes: Codes);
        var flatPlain = new FlatAuthErrorWriter();
        var flatRenamed = new FlatAuthErrorWriter(Messages, codes: Codes);
        foreach (var error in new[] { AuthError.Revoked, AuthError.Expired, AuthError.InvalidKey, AuthError.Revoked })
        {
            AssertSameBytes(ReferenceEnvelope(error, null, null, null), (await Write(plain, error, "t")).Body, "plain");
            AssertSameBytes(ReferenceEnvelope(error, Messages, null, Codes), (await Write(renamed, error, "t")).Body, "renamed");
            AssertSameBytes(ReferenceFlat(error, null, null, null), (await Write(flatPlain, error, "t")).Body, "flat plain");
            AssertSameBytes(ReferenceFlat(error, Messages, null, Codes), (await Write(flatRenamed, error, "t")).Body, "flat renamed");
        }
    }

    [Fact]
    public async Task A_message_chosen_per_error_is_asked_for_on_every_write()
    {
        var calls = 0;
        string? Choose(AuthError e) => e.Code == AuthErrorCodes.Forbidden ? null : $"call {++calls} \"quoted\"";
        var envelope = new EnvelopeAuthErrorWriter(Messages, Choose);
        var flat = new FlatAuthErrorWriter(Messages, Choose);
        for (var i = 0; i < 3; i++)
        {
            var (body, response) = await Write(envelope, AuthError.InvalidKey, "t");
            AssertSameBytes(ReferenceEnvelope(AuthError.InvalidKey, Messages, $"call {calls} \"quoted\"", null), body, "envelope chosen");
            Assert.Equal(body.Length, response.ContentLength);
            (body, _) = await Write(flat, AuthError.InvalidKey, "t");
            AssertSameBytes(ReferenceFlat(AuthError.InvalidKey, Messages, $"call {calls} \"quoted\"", null), body, "flat chosen");
            (body, _) = await Write(envelope, AuthError.Undeclared, "t");
            AssertSameBytes(ReferenceEnvelope(AuthError.Undeclared, Messages, null, null), body, "envelope not chosen");
        }
        Assert.Equal(6, calls);
    }
}

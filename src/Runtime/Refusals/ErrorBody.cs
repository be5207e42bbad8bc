using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Declarative.Auth;

/// <summary>
/// Writes refusal bodies straight to the response's <see cref="PipeWriter"/>, with a Content-Length: the constant
/// part of each body is serialized once (by <see cref="Utf8JsonWriter"/>, see <see cref="RefusalCache"/>), and only
/// a per-request string such as the trace id is escaped per request, with the same encoder.
/// </summary>
internal static class ErrorBody
{
    // The body is JSON, never HTML: keep quotes and angle brackets readable in messages.
    public static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions Options = new() { Encoder = Encoder };

    /// <summary>Serializes once, for a cache: compact JSON with <see cref="Options"/>.</summary>
    public static byte[] Serialize<TState>(TState state, Action<Utf8JsonWriter, TState> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, Options))
            write(json, state);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes a whole, already serialized body.</summary>
    public static Task WriteAsync(HttpContext context, ReadOnlySpan<byte> body)
    {
        var response = context.Response;
        response.ContentLength = body.Length;
        var pipe = response.BodyWriter;
        pipe.Write(body);
        return FlushAsync(pipe, context.RequestAborted);
    }

    /// <summary>
    /// Writes <paramref name="prefix"/>, then <paramref name="value"/> escaped as the inside of a JSON string, then
    /// <paramref name="suffix"/>: the bytes <see cref="Utf8JsonWriter.WriteString(string, string?)"/> writes for
    /// the value (it too escapes UTF-16 with the encoder, then transcodes).
    /// </summary>
    public static Task WriteAsync(HttpContext context, ReadOnlySpan<byte> prefix, ReadOnlySpan<char> value, ReadOnlySpan<byte> suffix)
    {
        const int StackChars = 384;
        var longest = checked(value.Length * 6); // "\uXXXX" is the longest escape of one UTF-16 unit
        char[]? rented = null;
        Span<char> escaped = longest <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(longest));
        PipeWriter pipe;
        try
        {
            if (Encoder.Encode(value, escaped, out _, out var written) != OperationStatus.Done)
                throw new InvalidOperationException("A JSON-escaped string outgrew six characters per character.");
            var chars = escaped[..written];
            var length = prefix.Length + Encoding.UTF8.GetByteCount(chars) + suffix.Length;

            var response = context.Response;
            response.ContentLength = length;
            pipe = response.BodyWriter;
            var span = pipe.GetSpan(length);
            prefix.CopyTo(span);
            var at = prefix.Length + Encoding.UTF8.GetBytes(chars, span[prefix.Length..]);
            suffix.CopyTo(span[at..]);
            pipe.Advance(length);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<char>.Shared.Return(rented);
        }
        return FlushAsync(pipe, context.RequestAborted);
    }

    private static Task FlushAsync(PipeWriter pipe, CancellationToken cancellationToken)
    {
        var flush = pipe.FlushAsync(cancellationToken);
        if (!flush.IsCompletedSuccessfully)
            return flush.AsTask();
        _ = flush.Result; // releases a pooled source
        return Task.CompletedTask;
    }
}

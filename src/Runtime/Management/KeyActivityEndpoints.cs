using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>
/// The management API's read-only views of key activity, admin only like the rest of it: <c>GET {prefix}/audit</c>,
/// <c>GET {prefix}/{id}/audit</c> (newest first; <c>?since=</c>, <c>?limit=</c>) and <c>GET {prefix}/{id}/usage</c>
/// (<c>?span=minute|hour</c>, <c>?hours=</c>). An admin key restricted to a workspace sees only that workspace's keys.
/// </summary>
internal static class KeyActivityEndpoints
{
    internal const int DefaultLimit = 100;
    internal const int MaxLimit = 1000;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/audit", (RequestDelegate)AllAudit).WithName("DeclarativeAuth.KeyAudit");
        group.MapGet("/{id}/audit", (RequestDelegate)KeyAudit).WithName("DeclarativeAuth.KeyAuditOfKey");
        group.MapGet("/{id}/usage", (RequestDelegate)Usage).WithName("DeclarativeAuth.KeyUsage");
    }

    private static Task AllAudit(HttpContext context) => ApiKeyManagementEndpoints.Handle(context, async (service, _) =>
    {
        var (since, limit) = AuditQuery(context);
        var audit = context.RequestServices.GetRequiredService<KeyAuditLog>();
        var entries = await Read(audit, null, since, service.Workspace, limit, context).ConfigureAwait(false);
        await Write(context, entries).ConfigureAwait(false);
    });

    private static Task KeyAudit(HttpContext context) => ApiKeyManagementEndpoints.Handle(context, async (service, _) =>
    {
        var key = await Visible(service, context).ConfigureAwait(false);
        var (since, limit) = AuditQuery(context);
        var audit = context.RequestServices.GetRequiredService<KeyAuditLog>();
        var entries = await Read(audit, key.Id, since, null, limit, context).ConfigureAwait(false);
        await Write(context, entries).ConfigureAwait(false);
    });

    private static Task Usage(HttpContext context) => ApiKeyManagementEndpoints.Handle(context, async (service, now) =>
    {
        var key = await Visible(service, context).ConfigureAwait(false);
        var query = context.Request.Query;
        var span = query["span"].ToString() switch
        {
            "" or "minute" => KeyUsageSpan.Minute,
            "hour" => KeyUsageSpan.Hour,
            _ => throw Invalid("span must be 'minute' (the last 24 hours by minute) or 'hour'."),
        };
        var maxHours = span == KeyUsageSpan.Minute ? 24 : 24 * 90;
        var hours = Int(query["hours"].ToString(), "hours", 1, maxHours) ?? (span == KeyUsageSpan.Minute ? 24 : 24 * 7);
        var to = KeyUsageTime.Floor(now, span).AddSeconds((int)span);
        var from = to - TimeSpan.FromHours(hours);
        var store = context.RequestServices.GetRequiredService<IKeyUsageStore>();
        var options = context.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<DeclarativeAuthOptions>>().Value;
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        IReadOnlyList<KeyUsageBucket> buckets;
        try
        {
            buckets = await store.ReadAsync(key.Id, span, from, context.RequestAborted).WaitAsync(options.StoreTimeout, time, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new KeyStoreUnavailableException("The usage store did not answer in time.", ex);
        }
        await context.Response.WriteAsJsonAsync(KeyUsageView.Of(key.Id, span, from, to, buckets), ManagementJsonContext.Default.KeyUsageView,
            cancellationToken: context.RequestAborted).ConfigureAwait(false);
    });

    private static async Task<IReadOnlyList<KeyAuditEntry>> Read(KeyAuditLog audit, string? keyId, DateTimeOffset? since, string? workspace, int limit, HttpContext context)
    {
        try
        {
            return await audit.ReadAsync(keyId, since, workspace, limit, context.RequestAborted).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new KeyStoreUnavailableException("The audit store did not answer in time.", ex);
        }
    }

    // Another workspace's key is "not found", as everywhere in the management API.
    private static async Task<ApiKey> Visible(ApiKeyService service, HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string ?? "";
        return await service.GetAsync(id, context.RequestAborted).ConfigureAwait(false)
            ?? throw new ApiKeyOperationException("NOT_FOUND", $"No key with id '{KeyAuditText.Bound(id, KeyAuditText.MaxKeyId)}'.");
    }

    private static (DateTimeOffset? Since, int Limit) AuditQuery(HttpContext context)
    {
        var query = context.Request.Query;
        DateTimeOffset? since = null;
        if (query["since"].ToString() is { Length: > 0 } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                throw Invalid("since must be a date and time, e.g. 2026-11-30T08:00:00Z.");
            since = parsed;
        }
        return (since, Int(query["limit"].ToString(), "limit", 1, MaxLimit) ?? DefaultLimit);
    }

    private static int? Int(string text, string name, int min, int max)
    {
        if (text.Length == 0)
            return null;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw Invalid($"{name} must be a whole number from {min} to {max}.");
        return value;
    }

    private static Task Write(HttpContext context, IReadOnlyList<KeyAuditEntry> entries)
    {
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(entries, ManagementJsonContext.Default.IReadOnlyListKeyAuditEntry, cancellationToken: context.RequestAborted);
    }

    private static ApiKeyOperationException Invalid(string message) => new("INVALID_REQUEST", message);
}

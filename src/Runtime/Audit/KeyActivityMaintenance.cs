using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Declarative.Auth;

/// <summary>
/// The background step of the audit log and usage counts: every <see cref="KeyAuditOptions.MaintenanceInterval"/> it
/// retries audit entries a store failure held back, then purges audit entries older than
/// <see cref="KeyAuditOptions.Retention"/> and usage buckets older than <see cref="KeyUsageOptions"/>'s retentions, in
/// batches (one short statement each, so a large purge never holds the store for long). At start it warns when the
/// audit log would be lost on restart without anyone having chosen that: a custom key store (<c>UseStore</c>) keeps
/// the audit log and usage in memory unless <see cref="KeyAuditOptions.AllowInMemory"/> says that is intended.
/// </summary>
internal sealed partial class KeyActivityMaintenance(
    KeyAuditLog audit,
    IKeyUsageStore usage,
    TimeProvider time,
    IOptions<DeclarativeAuthOptions> options,
    ILogger<KeyActivityMaintenance> logger,
    IServiceProvider? services = null) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (services is not null && LostOnRestart(services))
            LogInMemoryOnly(logger);
        return base.StartAsync(cancellationToken);
    }

    // In memory, and not because the keys are too (UseInMemoryStore) or the app said so.
    private bool LostOnRestart(IServiceProvider services)
        => audit.Store is InMemoryKeyAuditStore && services.GetService<InMemoryApiKeyStore>() is null && !options.Value.Audit.AllowInMemory;

    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await audit.RetryPendingAsync(cancellationToken).ConfigureAwait(false);
            await audit.PurgeAsync(cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            await PurgeUsage(KeyUsageSpan.Minute, now - options.Value.Usage.MinuteRetention, cancellationToken).ConfigureAwait(false);
            await PurgeUsage(KeyUsageSpan.Hour, now - options.Value.Usage.HourRetention, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex.GetType().Name);
        }
    }

    private async Task PurgeUsage(KeyUsageSpan span, DateTimeOffset before, CancellationToken cancellationToken)
    {
        while (await usage.PurgeAsync(span, before, KeyAuditLog.PurgeBatch, cancellationToken).ConfigureAwait(false) == KeyAuditLog.PurgeBatch)
        {
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Audit.MaintenanceInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(74, LogLevel.Warning, "Declarative.Auth: the audit log and usage counts are kept in memory and lost on restart (the key store is not UseSqliteStore or UsePostgreSqlStore); set DeclarativeAuth:Audit:AllowInMemory=true if that is intended.")]
    private static partial void LogInMemoryOnly(ILogger logger);

    [LoggerMessage(73, LogLevel.Warning, "Declarative.Auth: purging old audit entries or usage counts failed ({Kind}); will retry at the next interval.")]
    private static partial void LogFailed(ILogger logger, string kind);
}

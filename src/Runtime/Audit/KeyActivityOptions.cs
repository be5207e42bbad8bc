using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Declarative.Auth;

/// <summary>The audit log's and usage counts' services and settings checks, kept here so the hosting files only call in.</summary>
internal static class KeyActivityOptions
{
    private const string Section = DeclarativeAuthOptions.SectionName;

    public static void AddServices(IServiceCollection services)
    {
        // A database store registers its own (UseSqliteStore, UsePostgreSqlStore); otherwise they live in memory.
        services.TryAddSingleton<IKeyAuditStore, InMemoryKeyAuditStore>();
        services.TryAddSingleton<IKeyUsageStore, InMemoryKeyUsageStore>();
        services.TryAddSingleton<KeyAuditLog>();
        services.TryAddSingleton<KeyUsageCounters>();
        services.TryAddSingleton<KeyActivityMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyActivityMaintenance>());
    }

    /// <summary>Keeps the audit log and usage in memory, replacing those of a database store registered before.</summary>
    public static void UseInMemory(IServiceCollection services)
    {
        services.RemoveAll<IKeyAuditStore>();
        services.RemoveAll<IKeyUsageStore>();
        services.AddSingleton<IKeyAuditStore, InMemoryKeyAuditStore>();
        services.AddSingleton<IKeyUsageStore, InMemoryKeyUsageStore>();
    }

    public static void Validate(List<string> failures, DeclarativeAuthOptions options)
    {
        Positive(failures, options.Audit.Retention, "Audit:Retention", "e.g. \"90.00:00:00\" for 90 days");
        Positive(failures, options.Audit.MaintenanceInterval, "Audit:MaintenanceInterval", "e.g. \"00:01:00\"");
        if (options.Audit.DeniedPerMinute < 0)
            failures.Add($"{Section}:Audit:DeniedPerMinute must be 0 or more; got {options.Audit.DeniedPerMinute}.");
        Positive(failures, options.Usage.MinuteRetention, "Usage:MinuteRetention", "e.g. \"1.00:00:00\" for 24 hours");
        Positive(failures, options.Usage.HourRetention, "Usage:HourRetention", "e.g. \"30.00:00:00\" for 30 days");
    }

    private static void Positive(List<string> failures, TimeSpan value, string setting, string example)
    {
        if (value <= TimeSpan.Zero)
            failures.Add($"{Section}:{setting} must be positive ({example}); got {value}.");
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Testing;

/// <summary>What the kit registered in the app under test: its options and the app's key service.</summary>
internal sealed class KitState(DeclarativeAuthTestOptions options, IServiceProvider services)
{
    private WrittenCodes? _codes;

    public DeclarativeAuthTestOptions Options { get; } = options;

    public ApiKeyService Keys => services.GetRequiredService<ApiKeyService>();

    public TimeProvider Time => services.GetRequiredService<TimeProvider>();

    public IServiceProvider Services => services;

    /// <summary>The codes the app's error writer writes for our refusals.</summary>
    public WrittenCodes Codes => _codes ??= new WrittenCodes(services);

    /// <summary>The permissions the running app knows (what its key service accepts), admin included.</summary>
    public IReadOnlyCollection<string> KnownPermissions() => services.GetRequiredService<DeclarativeAuthState>().KnownPermissions();
}

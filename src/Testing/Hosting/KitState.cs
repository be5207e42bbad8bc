using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth.Testing;

/// <summary>What the kit registered in the app under test: its options and the app's key service.</summary>
internal sealed class KitState(DeclarativeAuthTestOptions options, IServiceProvider services)
{
    public DeclarativeAuthTestOptions Options { get; } = options;

    public ApiKeyService Keys => services.GetRequiredService<ApiKeyService>();

    public TimeProvider Time => services.GetRequiredService<TimeProvider>();

    public IServiceProvider Services => services;
}

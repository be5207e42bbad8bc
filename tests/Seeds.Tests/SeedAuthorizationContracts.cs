using Declarative.Auth.Testing;

namespace Declarative.Auth.Seeds.Tests;

/// <summary>
/// Each seed app's endpoints checked against their declarations by Declarative.Auth.Testing's generated contract. The
/// table covers the four apps (one assembly); a host maps one, so each class keeps its app's file and Program.cs.
/// </summary>
internal static class SeedContract
{
    public static IEnumerable<object[]> Cases(string appFile)
        => AuthContract.Cases<Program>(e => e.SourceFile == "Program.cs" || e.SourceFile == $"Apps/{appFile}");
}

public sealed class KrenalisAuthorizationContract(KrenalisFactory factory) : IClassFixture<KrenalisFactory>
{
    public static IEnumerable<object[]> Cases => SeedContract.Cases("KrenalisApp.cs");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Endpoint_enforces_its_declaration(AuthCase @case) => factory.VerifyAsync(@case);
}

public sealed class KaneoAuthorizationContract(KaneoFactory factory) : IClassFixture<KaneoFactory>
{
    public static IEnumerable<object[]> Cases => SeedContract.Cases("KaneoApp.cs");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Endpoint_enforces_its_declaration(AuthCase @case) => factory.VerifyAsync(@case);
}

public sealed class KenerAuthorizationContract(KenerFactory factory) : IClassFixture<KenerFactory>
{
    public static IEnumerable<object[]> Cases => SeedContract.Cases("KenerApp.cs");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Endpoint_enforces_its_declaration(AuthCase @case) => factory.VerifyAsync(@case);
}

public sealed class FloKitAuthorizationContract(FloKitFactory factory) : IClassFixture<FloKitFactory>
{
    public static IEnumerable<object[]> Cases => SeedContract.Cases("FloKitApp.cs");

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Endpoint_enforces_its_declaration(AuthCase @case) => factory.VerifyAsync(@case);
}

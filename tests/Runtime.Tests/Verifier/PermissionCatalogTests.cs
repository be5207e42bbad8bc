namespace Declarative.Auth.Tests.Verifier;

public sealed class PermissionCatalogTests
{
    private static readonly PermissionCatalog Catalog = new(["read:events", "write:events", "delete:events", "read:monitors"]);

    [Theory]
    [InlineData(new[] { "read:events" }, "read:events", true)]
    [InlineData(new[] { "write:events" }, "read:events", true)]
    [InlineData(new[] { "write:events" }, "delete:events", false)]
    [InlineData(new[] { "delete:events" }, "read:events", false)]
    [InlineData(new[] { "write:events" }, "read:monitors", false)]
    [InlineData(new[] { "admin" }, "delete:events", true)]
    [InlineData(new[] { "admin" }, "admin", true)]
    [InlineData(new[] { "write:events", "read:monitors" }, "admin", false)]
    [InlineData(new string[0], "read:events", false)]
    public void Grants_compile_to_bits_that_match_the_string_rules(string[] granted, string required, bool expected)
    {
        var grants = Catalog.CompileGrants(granted);
        Assert.True(Catalog.TryCompileRequirement([required], out var need));
        Assert.Equal(expected, grants.Covers(need));
        var key = new ApiKey { Id = "k", Name = "k", Hash = default, Permissions = granted };
        Assert.Equal(expected, key.Grants(required));
    }

    [Fact]
    public void A_catalog_past_64_permissions_spans_several_words()
    {
        var names = Enumerable.Range(0, 150).Select(i => $"read:s{i:D3}").ToArray();
        var catalog = new PermissionCatalog(names);
        Assert.Equal(151, catalog.Count);
        var grants = catalog.CompileGrants(["read:s149", "read:s001"]);
        Assert.True(catalog.TryCompileRequirement(["read:s149", "read:s001"], out var both));
        Assert.True(grants.Covers(both));
        Assert.True(catalog.TryCompileRequirement(["read:s100"], out var other));
        Assert.False(grants.Covers(other));
    }

    [Fact]
    public void Unknown_required_permission_does_not_compile()
        => Assert.False(Catalog.TryCompileRequirement(["read:nothing"], out _));

    [Theory]
    [InlineData("read:events", KeyType.Read, "events")]
    [InlineData("write:api-keys", KeyType.Write, "api-keys")]
    [InlineData("admin", KeyType.Admin, null)]
    public void Permission_names_round_trip(string permission, KeyType type, string? scope)
    {
        Assert.True(PermissionName.TryParse(permission, out var t, out var s));
        Assert.Equal((type, scope), (t, s));
        Assert.Equal(permission, PermissionName.Format(type, scope));
    }

    [Theory]
    [InlineData("READ:events")]
    [InlineData("read:")]
    [InlineData("read:Events")]
    [InlineData("update:events")]
    [InlineData("events")]
    [InlineData("")]
    public void Malformed_permissions_do_not_parse(string permission)
        => Assert.False(PermissionName.TryParse(permission, out _, out _));
}

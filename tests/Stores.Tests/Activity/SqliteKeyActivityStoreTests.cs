using Declarative.Auth.Sqlite;
using Microsoft.Data.Sqlite;

namespace Declarative.Auth.Stores.Tests.Activity;

public sealed class SqliteKeyActivityStoreTests : KeyActivityStoreContract, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("dauth-activity-").FullName;

    private protected override Task<(IKeyAuditStore, IKeyUsageStore)> CreateAsync()
    {
        var store = new SqliteKeyActivityStore(new SqliteApiKeyStore(Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".db")));
        return Task.FromResult<(IKeyAuditStore, IKeyUsageStore)>((store, store));
    }

    [Fact]
    public async Task Another_process_on_the_same_file_reads_what_this_one_wrote()
    {
        var path = Path.Combine(_dir, "shared.db");
        await new SqliteKeyActivityStore(new SqliteApiKeyStore(path)).AppendAsync(new KeyAuditEntry(T0, "cli:ana", "revoke", "key_a", "revoked"));
        var other = new SqliteKeyActivityStore(new SqliteApiKeyStore(path));

        Assert.Equal("cli:ana", Assert.Single(await other.ReadAsync(null, null, null, 10)).Actor);
    }

    [Fact]
    public async Task A_missing_file_is_unavailable_not_an_empty_log()
    {
        var path = Path.Combine(_dir, "gone.db");
        var store = new SqliteKeyActivityStore(new SqliteApiKeyStore(path));
        await store.AppendAsync(new KeyAuditEntry(T0, "code", "create", "key_a", "x"));
        SqliteConnection.ClearAllPools();
        File.Delete(path);

        await Assert.ThrowsAsync<KeyStoreUnavailableException>(() => store.ReadAsync(null, null, null, 10));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

using System.Text.RegularExpressions;

namespace Declarative.Auth.PostgreSql;

/// <summary>Settings of the PostgreSQL key store and its change feed.</summary>
public sealed partial class PostgreSqlStoreOptions
{
    /// <summary>The channel every key change is announced on (<c>NOTIFY declarative_auth_keys, '&lt;key id&gt;'</c>).</summary>
    public const string Channel = "declarative_auth_keys";

    /// <summary>
    /// The schema holding the tables (created if missing). Lowercase letters, digits and underscores, starting
    /// with a letter or underscore. Default <c>public</c>.
    /// </summary>
    public string Schema { get; set; } = "public";

    /// <summary>
    /// How long a key lookup (the verifier's query, connection included) may take before the request is refused
    /// with 503 rather than left waiting. Default 2 seconds.
    /// </summary>
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the change feed checks, while no notification arrives, that its <c>LISTEN</c> is still in place
    /// (a dead or stuck network is otherwise silent). With <see cref="ListenCheckTimeout"/> it bounds how long a
    /// broken channel can go unnoticed, and so how long a cache may serve a key revoked elsewhere: keep their sum
    /// under a second, with room for a busy machine's late timers. Default 200 ms (one small round trip on the
    /// feed's own connection, five times a second while no notification arrives).
    /// </summary>
    public TimeSpan ListenCheckInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long that check may take before the channel is declared lost (caches stop serving from memory and the
    /// feed reconnects). Default 400 ms: a LISTEN answers in a round trip, and a busy machine gets some slack.
    /// </summary>
    public TimeSpan ListenCheckTimeout { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>First wait before reconnecting a lost change feed; doubles on each failure. Default 250 ms.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between reconnection attempts. Default 10 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(10);

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    internal void Validate()
    {
        if (Schema is null || !SchemaName().IsMatch(Schema))
        {
            throw new ArgumentException(
                $"PostgreSqlStoreOptions.Schema must be 1 to 63 lowercase letters, digits or underscores, starting with a letter or underscore; got \"{Schema}\".",
                nameof(Schema));
        }
        Positive(LookupTimeout, nameof(LookupTimeout));
        Positive(ListenCheckInterval, nameof(ListenCheckInterval));
        Positive(ListenCheckTimeout, nameof(ListenCheckTimeout));
        Positive(ReconnectDelay, nameof(ReconnectDelay));
        Positive(MaxReconnectDelay, nameof(MaxReconnectDelay));
        if (MaxReconnectDelay < ReconnectDelay)
        {
            throw new ArgumentException(
                "PostgreSqlStoreOptions.MaxReconnectDelay must not be shorter than ReconnectDelay.", nameof(MaxReconnectDelay));
        }
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
            throw new ArgumentException($"PostgreSqlStoreOptions.{name} must be more than zero and at most an hour; got {value}.", name);
    }

    internal PostgreSqlStoreOptions Clone() => (PostgreSqlStoreOptions)MemberwiseClone();
}

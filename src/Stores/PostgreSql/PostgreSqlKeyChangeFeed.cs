using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Declarative.Auth.PostgreSql;

/// <summary>
/// Keeps one dedicated connection that <c>LISTEN</c>s on <c>declarative_auth_keys</c> and tells caches which keys
/// another instance changed, within milliseconds of its commit. Healthy means the <c>LISTEN</c> is in place right
/// now: until the first one succeeds, and from the moment the connection is lost until a new one listens, it is
/// unhealthy and caches serve nothing from memory. On losing and on regaining the channel it tells subscribers to
/// drop everything (changes may have been missed), then reconnects with exponential backoff. While no
/// notification arrives the <c>LISTEN</c> is re-issued every <see cref="PostgreSqlStoreOptions.ListenCheckInterval"/>
/// and must answer within <see cref="PostgreSqlStoreOptions.ListenCheckTimeout"/>: a connection that is silently
/// stuck (no reset, no bytes) is declared lost the moment that deadline passes, without waiting for the socket or
/// the command to give up, so caches stop serving well within the one-second revocation promise.
/// </summary>
internal sealed partial class PostgreSqlKeyChangeFeed : IKeyChangeFeed, IHostedService, IAsyncDisposable, IDisposable
{
    /// <summary>The application name the listening connection reports unless the connection string sets one.</summary>
    public const string ListenerApplicationName = "Declarative.Auth key change feed";

    private readonly PostgreSqlApiKeyStore _store;
    private readonly PostgreSqlStoreOptions _options;
    private readonly ILogger<PostgreSqlKeyChangeFeed> _logger;
    private readonly NpgsqlDataSource _listenSource;
    private readonly bool _ownsListenSource = true;
    private readonly List<Action<string?>> _subscribers = [];
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startLock = new();
    private Task? _loop;
    private volatile bool _healthy;
    private bool _everHealthy;
    private int _disposed;

    /// <summary>A feed for the database and schema of <paramref name="store"/>. Call <see cref="StartAsync"/> (the host does).</summary>
    public PostgreSqlKeyChangeFeed(PostgreSqlApiKeyStore store, ILogger<PostgreSqlKeyChangeFeed> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _options = store.Options;
        _logger = logger;
        if (store.ConnectionString is null)
        {
            // The app's own data source (its password never reaches us): LISTEN holds one of its pooled connections
            // for as long as the channel is up. Its settings (cancellation timeout, keepalive) are the app's.
            _listenSource = store.AppDataSource!;
            _ownsListenSource = false;
            return;
        }
        var builder = new NpgsqlDataSourceBuilder(store.ConnectionString);
        // Its own physical connection: never pooled (a pooled reset would UNLISTEN), never multiplexed.
        builder.ConnectionStringBuilder.Pooling = false;
        builder.ConnectionStringBuilder.Multiplexing = false;
        // An abandoned check breaks the connection at once instead of waiting for the server to confirm the cancel.
        builder.ConnectionStringBuilder.CancellationTimeout = -1;
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName))
            builder.ConnectionStringBuilder.ApplicationName = ListenerApplicationName;
        _listenSource = builder.Build();
    }

    /// <inheritdoc />
    public bool IsHealthy => _healthy;

    /// <inheritdoc />
    public void Subscribe(Action<string?> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_subscribers)
            _subscribers.Add(onChange);
    }

    /// <summary>
    /// Creates or upgrades the schema (start-up fails if the database cannot be reached or is from a newer
    /// version), starts listening, and returns once the first attempt to listen has succeeded or failed; a failed
    /// attempt is retried in the background.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _store.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (KeyStoreUnavailableException ex)
        {
            throw new InvalidOperationException($"Declarative.Auth cannot prepare the PostgreSQL key store ({_store.Target}): {ex.Message}", ex);
        }
        lock (_startLock)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None); // runs until StopAsync, not until start is cancelled
        }
        await _firstAttempt.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the channel; from then on the feed is unhealthy.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var delay = _options.ReconnectDelay;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _listenSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                connection.Notification += OnNotification;
                await ListenAsync(connection, stop).ConfigureAwait(false);

                // Healthy first, then drop: a lookup racing this either sees the drop or started after LISTEN.
                _healthy = true;
                Notify(null);
                if (_everHealthy)
                    LogRecovered(_logger);
                else
                    LogListening(_logger, _options.Schema);
                _everHealthy = true;
                _firstAttempt.TrySetResult();
                delay = _options.ReconnectDelay;

                while (true)
                {
                    if (!await connection.WaitAsync(_options.ListenCheckInterval, stop).ConfigureAwait(false))
                        await CheckAliveAsync(connection, stop).ConfigureAwait(false);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                Lost(ex);
                _firstAttempt.TrySetResult();
            }
            try
            {
                await Task.Delay(Jitter(delay), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
        if (_healthy)
        {
            _healthy = false;
            Notify(null);
        }
        _firstAttempt.TrySetResult();
    }

    // Re-issuing LISTEN is idempotent and proves the session is alive. The deadline is kept here, not by the command:
    // a stuck socket may take seconds to fail the command (and its cancellation), and until the feed says it is
    // unhealthy a cache keeps answering with keys that may have been revoked.
    private async Task CheckAliveAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        using var abandon = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var check = ListenAsync(connection, abandon.Token);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var deadline = Task.Delay(_options.ListenCheckTimeout, timer.Token);
        if (await Task.WhenAny(check, deadline).ConfigureAwait(false) == check)
        {
            await timer.CancelAsync().ConfigureAwait(false);
            await check.ConfigureAwait(false);
            return;
        }
        stop.ThrowIfCancellationRequested();
        var stuck = new TimeoutException($"The change channel did not answer within {_options.ListenCheckTimeout.TotalMilliseconds:0} ms.");
        Lost(stuck);
        await abandon.CancelAsync().ConfigureAwait(false);
        try
        {
            await check.WaitAsync(TimeSpan.FromSeconds(5), stop).ConfigureAwait(false);
        }
        catch (Exception) when (!stop.IsCancellationRequested)
        {
            // Expected: the abandoned command fails or is still stuck; the connection is thrown away either way.
        }
        throw stuck;
    }

    private async Task ListenAsync(NpgsqlConnection connection, CancellationToken stop)
    {
        await using var listen = new NpgsqlCommand($"LISTEN {PostgreSqlStoreOptions.Channel};", connection)
        {
            CommandTimeout = Math.Max(1, (int)Math.Ceiling(_options.LookupTimeout.TotalSeconds)),
        };
        await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
    }

    private void Lost(Exception ex)
    {
        if (_healthy)
        {
            // Unhealthy first, then drop: a lookup finishing now does not re-cache.
            _healthy = false;
            Notify(null);
            LogLost(_logger, ex.GetType().Name, ex.Message);
        }
        else if (!_firstAttempt.Task.IsCompleted)
        {
            LogCannotListen(_logger, ex.GetType().Name, ex.Message);
        }
        else
        {
            LogStillDown(_logger, ex.GetType().Name, ex.Message);
        }
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay * (0.8 + (Random.Shared.NextDouble() * 0.4));

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel == PostgreSqlStoreOptions.Channel)
            Notify(string.IsNullOrEmpty(e.Payload) ? null : e.Payload);
    }

    private void Notify(string? keyId)
    {
        Action<string?>[] subscribers;
        lock (_subscribers)
            subscribers = [.. _subscribers];
        foreach (var subscriber in subscribers)
        {
            try
            {
                subscriber(keyId);
            }
            catch (Exception ex)
            {
                LogSubscriberFailed(_logger, ex);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            try
            {
                await loop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
        if (_ownsListenSource)
            await _listenSource.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    [LoggerMessage(40, LogLevel.Information, "Listening for key changes on PostgreSQL (schema {Schema}).")]
    private static partial void LogListening(ILogger logger, string schema);

    [LoggerMessage(41, LogLevel.Warning, "Lost the PostgreSQL key change channel ({Kind}: {Reason}); cached keys are not served until it is back.")]
    private static partial void LogLost(ILogger logger, string kind, string reason);

    [LoggerMessage(42, LogLevel.Debug, "The PostgreSQL key change channel is still down ({Kind}: {Reason}); retrying.")]
    private static partial void LogStillDown(ILogger logger, string kind, string reason);

    [LoggerMessage(43, LogLevel.Information, "The PostgreSQL key change channel is back; the key cache was cleared.")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(45, LogLevel.Warning, "Cannot listen for key changes on PostgreSQL ({Kind}: {Reason}); cached keys are not served until it can.")]
    private static partial void LogCannotListen(ILogger logger, string kind, string reason);

    [LoggerMessage(44, LogLevel.Error, "A key change subscriber failed.")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);
}

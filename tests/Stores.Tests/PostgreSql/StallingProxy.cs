using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Declarative.Auth.Stores.Tests.PostgreSql;

/// <summary>
/// A TCP proxy in front of the test server that can silently stall the change feed's connections (recognised by
/// the application name in their start-up message): bytes stop flowing both ways while the sockets stay open, as
/// when a NAT or firewall drops a long-lived connection without a reset. Other connections keep working.
/// </summary>
internal sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Link> _links = [];
    private readonly Task _accepting;

    public StallingProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Stops forwarding on every change-feed connection, now and from now on.</summary>
    public void StallListeners()
    {
        lock (_links)
        {
            StallNew = true;
            foreach (var link in _links.Where(l => l.IsListener))
                link.Stalled = true;
        }
    }

    private bool StallNew { get; set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            var server = new TcpClient();
            await server.ConnectAsync(_targetHost, _targetPort);
            var link = new Link(client, server);
            lock (_links)
                _links.Add(link);
            _ = PumpAsync(link, client.GetStream(), server.GetStream(), fromClient: true);
            _ = PumpAsync(link, server.GetStream(), client.GetStream(), fromClient: false);
        }
    }

    private async Task PumpAsync(Link link, NetworkStream from, NetworkStream to, bool fromClient)
    {
        var buffer = new byte[16384];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                    break;
                if (fromClient && !link.IsListener && link.Seen < 4096)
                {
                    link.Seen += read;
                    if (Encoding.UTF8.GetString(buffer, 0, read).Contains(PostgreSqlChangeFeedName, StringComparison.Ordinal))
                    {
                        lock (_links)
                        {
                            link.IsListener = true;
                            link.Stalled = StallNew;
                        }
                    }
                }
                while (link.Stalled)
                    await Task.Delay(Timeout.Infinite, _stop.Token); // swallowed: the peer hears nothing, ever
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested || link.Closed)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            link.Close();
        }
    }

    private const string PostgreSqlChangeFeedName = Declarative.Auth.PostgreSql.PostgreSqlKeyChangeFeed.ListenerApplicationName;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting; } catch (Exception) { }
        lock (_links)
        {
            foreach (var link in _links)
                link.Close();
        }
        _stop.Dispose();
    }

    private sealed class Link(TcpClient client, TcpClient server)
    {
        public volatile bool IsListener;
        public volatile bool Stalled;
        public volatile bool Closed;
        public int Seen;

        public void Close()
        {
            Closed = true;
            client.Dispose();
            server.Dispose();
        }
    }
}

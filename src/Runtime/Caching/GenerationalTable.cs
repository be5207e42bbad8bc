using System.Collections.Concurrent;

namespace Declarative.Auth;

/// <summary>
/// A concurrent map of recently used entries with a hard size bound and O(1) work per call. Entries live in two
/// generations: new and looked-up entries go to the current one; the current one becomes the previous one when
/// it holds half the capacity or is <c>maxAge</c> old, and the previous one is then dropped whole (to the GC).
/// An entry is therefore kept while it is used, is forgotten at the latest two <c>maxAge</c>s after its last use,
/// and under a flood of new keys the least recently used half goes first. Nothing scans the table, and nothing
/// reads <see cref="ConcurrentDictionary{TKey,TValue}.Count"/> (which takes every lock) on the way.
/// </summary>
/// <remarks>
/// Callers whose entries carry their own expiry (a rate window, a cached miss) choose <c>maxAge</c> at least that
/// long: an entry dropped by age had not been used for a whole <c>maxAge</c>, so it had expired anyway.
/// </remarks>
internal sealed class GenerationalTable<TKey, TValue>
    where TKey : notnull
    where TValue : class
{
    private readonly int _half;
    private readonly long _maxAgeTicks;
    private readonly TimeProvider _time;
    private readonly IEqualityComparer<TKey>? _comparer;
    private readonly Lock _rotating = new();
    private volatile Generation _current;
    private volatile Generation _previous;

    private sealed class Generation(long startedAt, IEqualityComparer<TKey>? comparer)
    {
        public readonly ConcurrentDictionary<TKey, TValue> Items = new(comparer);
        public readonly long StartedAt = startedAt;
        public int Added;
    }

    public GenerationalTable(int capacity, TimeSpan maxAge, TimeProvider time, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _half = capacity / 2;
        _maxAgeTicks = maxAge.Ticks;
        _time = time;
        _comparer = comparer;
        var now = time.GetUtcNow().UtcTicks;
        _current = new Generation(now, comparer);
        _previous = new Generation(now, comparer);
    }

    /// <summary>The most entries the table holds at once (give or take one per racing thread).</summary>
    public int Capacity => _half * 2;

    /// <summary>Entries held now. Takes every lock of both generations: for tests and diagnostics only.</summary>
    public int Count => _current.Items.Count + _previous.Items.Count;

    /// <summary>The entry for <paramref name="key"/> if held; a hit in the previous generation moves it to the current one.</summary>
    public bool TryGet(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        var current = Current();
        if (current.Items.TryGetValue(key, out value))
            return true;
        if (!_previous.Items.TryGetValue(key, out value))
            return false;
        value = Insert(current, key, value);
        return true;
    }

    /// <summary>The entry for <paramref name="key"/>, created by <paramref name="create"/> when none is held.</summary>
    public TValue GetOrAdd<TState>(TKey key, Func<TKey, TState, TValue> create, TState state)
        => TryGet(key, out var found) ? found : Insert(_current, key, create(key, state));

    /// <summary>Adds or replaces the entry for <paramref name="key"/>.</summary>
    public void Set(TKey key, TValue value)
    {
        var current = Current();
        _previous.Items.TryRemove(key, out _);
        if (current.Items.TryAdd(key, value))
            Added(current);
        else
            current.Items[key] = value;
    }

    /// <summary>Forgets <paramref name="key"/>.</summary>
    public void Remove(TKey key)
    {
        _current.Items.TryRemove(key, out _);
        _previous.Items.TryRemove(key, out _);
    }

    /// <summary>Forgets <paramref name="key"/> if it still maps to <paramref name="value"/>.</summary>
    public void Remove(TKey key, TValue value)
    {
        var pair = KeyValuePair.Create(key, value);
        _current.Items.TryRemove(pair);
        _previous.Items.TryRemove(pair);
    }

    /// <summary>Forgets everything (two reference swaps; the old maps go to the GC).</summary>
    public void Clear()
    {
        lock (_rotating)
        {
            var now = _time.GetUtcNow().UtcTicks;
            _previous = new Generation(now, _comparer);
            _current = new Generation(now, _comparer);
        }
    }

    private TValue Insert(Generation generation, TKey key, TValue value)
    {
        var held = generation.Items.GetOrAdd(key, value);
        if (ReferenceEquals(held, value))
            Added(generation);
        return held;
    }

    private void Added(Generation generation)
    {
        if (Interlocked.Increment(ref generation.Added) >= _half)
            Rotate(generation);
    }

    private Generation Current()
    {
        var current = _current;
        return _time.GetUtcNow().UtcTicks - current.StartedAt >= _maxAgeTicks ? Rotate(current) : current;
    }

    private Generation Rotate(Generation seen)
    {
        lock (_rotating)
        {
            if (ReferenceEquals(_current, seen))
            {
                _previous = seen;
                _current = new Generation(_time.GetUtcNow().UtcTicks, _comparer);
            }
            return _current;
        }
    }
}

using System.Collections.Frozen;

namespace Declarative.Auth;

/// <summary>
/// The dense index of every permission the app uses: the generated manifests' catalogs, then any
/// permission found on endpoint metadata that no manifest listed, then <c>admin</c>. Built once at start-up.
/// </summary>
internal sealed class PermissionCatalog
{
    private readonly FrozenDictionary<string, int> _index;
    private readonly string[] _names;
    private readonly int[] _readOfWrite; // index of read:x for write:x, else -1

    /// <summary>Creates a catalog over <paramref name="permissions"/> (duplicates ignored, order kept).</summary>
    public PermissionCatalog(IEnumerable<string> permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        var names = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in permissions.Append(PermissionName.Admin))
        {
            if (seen.Add(p))
                names.Add(p);
        }
        _names = [.. names];
        _index = names.Select((n, i) => KeyValuePair.Create(n, i)).ToFrozenDictionary(StringComparer.Ordinal);
        _readOfWrite = _names.Select(n => n.StartsWith("write:", StringComparison.Ordinal) && _index.TryGetValue("read:" + n[6..], out var r) ? r : -1).ToArray();
        AdminIndex = _index[PermissionName.Admin];
    }

    /// <summary>Number of permissions, <c>admin</c> included.</summary>
    public int Count => _names.Length;

    /// <summary>The names, in index order.</summary>
    public IReadOnlyList<string> Names => _names;

    internal int AdminIndex { get; }

    /// <summary>The dense index of <paramref name="permission"/>, or -1.</summary>
    public int IndexOf(string permission) => _index.TryGetValue(permission, out var i) ? i : -1;

    /// <summary>
    /// Compiles what a key holds into the set of catalog permissions it satisfies: <c>admin</c> → all,
    /// <c>write:x</c> → <c>write:x</c> and <c>read:x</c>, anything else → itself.
    /// </summary>
    public PermissionSet CompileGrants(IEnumerable<string> granted)
    {
        var bits = new ulong[Words];
        foreach (var permission in granted)
        {
            if (permission == PermissionName.Admin)
            {
                Array.Fill(bits, ulong.MaxValue);
                break;
            }
            var i = IndexOf(permission);
            if (i >= 0)
            {
                Set(bits, i);
                if (_readOfWrite[i] >= 0)
                    Set(bits, _readOfWrite[i]);
            }
            else if (permission.StartsWith("write:", StringComparison.Ordinal) && IndexOf("read:" + permission[6..]) is >= 0 and var read)
            {
                Set(bits, read); // write:x still implies read:x when no endpoint requires write:x itself
            }
        }
        return new PermissionSet(bits);
    }

    /// <summary>Compiles an endpoint's requirement (all of <paramref name="required"/>); false if one is not in the catalog.</summary>
    public bool TryCompileRequirement(IEnumerable<string> required, out PermissionSet set)
    {
        var bits = new ulong[Words];
        foreach (var permission in required)
        {
            var i = IndexOf(permission);
            if (i < 0)
            {
                set = default;
                return false;
            }
            Set(bits, i);
        }
        set = new PermissionSet(bits);
        return true;
    }

    private int Words => (_names.Length + 63) / 64;

    private static void Set(ulong[] bits, int index) => bits[index >> 6] |= 1UL << (index & 63);
}

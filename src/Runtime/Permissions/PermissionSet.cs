namespace Declarative.Auth;

/// <summary>A bit set over a <see cref="PermissionCatalog"/>. Checking a requirement is a few AND-NOTs.</summary>
internal readonly struct PermissionSet
{
    private readonly ulong[]? _bits;

    internal PermissionSet(ulong[] bits) => _bits = bits;

    /// <summary>True when every permission of <paramref name="required"/> is in this set.</summary>
    public bool Covers(in PermissionSet required)
    {
        var need = required._bits;
        if (need is null)
            return true;
        var have = _bits;
        if (have is null || have.Length < need.Length)
            return false;
        for (var i = 0; i < need.Length; i++)
        {
            if ((need[i] & ~have[i]) != 0)
                return false;
        }
        return true;
    }

    /// <summary>True when the permission at <paramref name="index"/> is in the set.</summary>
    public bool Contains(int index)
        => _bits is { } bits && (uint)(index >> 6) < (uint)bits.Length && (bits[index >> 6] & (1UL << (index & 63))) != 0;
}

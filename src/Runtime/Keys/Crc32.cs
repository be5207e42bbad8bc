namespace Declarative.Auth;

/// <summary>
/// CRC-32 (IEEE 802.3, as zlib and GitHub's token checksums use) over ASCII characters. Written here
/// because System.IO.Hashing is a separate package and the runtime should bring no dependencies.
/// Slicing-by-4: four table lookups per four characters, independent of each other, instead of a chain
/// of one lookup per character.
/// </summary>
internal static class Crc32
{
    // Table k maps a byte to the CRC of that byte followed by k zero bytes; table 0 is the classic one.
    private static readonly uint[][] Tables = BuildTables();

    private static uint[][] BuildTables()
    {
        var tables = new uint[4][];
        for (var k = 0; k < 4; k++)
            tables[k] = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            tables[0][n] = c;
        }
        for (var k = 1; k < 4; k++)
        {
            for (var n = 0; n < 256; n++)
                tables[k][n] = (tables[k - 1][n] >> 8) ^ tables[0][tables[k - 1][n] & 0xFF];
        }
        return tables;
    }

    /// <summary>The CRC-32 of <paramref name="ascii"/> (each character's low byte).</summary>
    public static uint Compute(ReadOnlySpan<char> ascii) => ~Update(0xFFFFFFFFu, ascii);

    /// <summary>
    /// Runs the CRC register over more characters: start from <c>0xFFFFFFFF</c>, finish with <c>~</c>. Lets a caller
    /// compute the register over a constant head once and continue from it.
    /// </summary>
    public static uint Update(uint crc, ReadOnlySpan<char> ascii)
    {
        var tables = Tables;
        uint[] t0 = tables[0], t1 = tables[1], t2 = tables[2], t3 = tables[3];
        var i = 0;
        for (; i <= ascii.Length - 4; i += 4)
        {
            crc ^= (byte)ascii[i] | (uint)(byte)ascii[i + 1] << 8 | (uint)(byte)ascii[i + 2] << 16 | (uint)(byte)ascii[i + 3] << 24;
            crc = t3[(byte)crc] ^ t2[(byte)(crc >> 8)] ^ t1[(byte)(crc >> 16)] ^ t0[crc >> 24];
        }
        for (; i < ascii.Length; i++)
            crc = t0[(byte)(crc ^ ascii[i])] ^ (crc >> 8);
        return crc;
    }
}

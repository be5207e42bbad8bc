using System.Runtime.InteropServices;

namespace Declarative.Auth.Sqlite;

/// <summary>
/// Which file a path names right now: device and inode. SQLite keeps writing to an open file after it was deleted
/// or replaced (its connections hold the old inode), so the store compares this before and after every operation
/// to notice a database that is no longer the one at the path.
/// </summary>
internal readonly record struct SqliteFileIdentity(ulong Device, ulong Inode)
{
    /// <summary>The identity of the file at <paramref name="path"/>, or null when nothing is there.</summary>
    public static SqliteFileIdentity? Of(string path)
    {
        if (OperatingSystem.IsWindows())
            // An open SQLite file cannot be deleted or replaced on Windows; existence is all that can change.
            return File.Exists(path) ? new SqliteFileIdentity(0, 0) : null;
        var buffer = new byte[256]; // larger than struct stat on every 64-bit Unix
        if (Stat(path, buffer) != 0)
            return File.Exists(path) ? Unknown : null;
        if (OperatingSystem.IsMacOS() || OperatingSystem.IsIOS())
            // Darwin: dev_t (int32), mode (uint16), nlink (uint16), then the 64-bit inode.
            return new SqliteFileIdentity((uint)BitConverter.ToInt32(buffer, 0), BitConverter.ToUInt64(buffer, 8));
        // Linux (glibc and musl, x64 and arm64): st_dev and st_ino are the first two 64-bit fields.
        return new SqliteFileIdentity(BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

    // stat failed for a file that exists (an unusual platform): fall back to existence, still catching deletion.
    private static SqliteFileIdentity Unknown => new(0, 0);

    private delegate int StatFunction([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] buffer);

    // libc by its real file name: "libc" alone finds a linker script on glibc systems, not the library.
    private static readonly StatFunction? s_stat = LoadStat();

    private static StatFunction? LoadStat()
    {
        foreach (var name in new[] { "libc.so.6", "libc.dylib", "/usr/lib/libSystem.dylib", "libc" })
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "stat", out var stat))
                return Marshal.GetDelegateForFunctionPointer<StatFunction>(stat);
        }
        return null;
    }

    private static int Stat(string path, byte[] buffer) => s_stat is { } stat ? stat(path, buffer) : -1;
}

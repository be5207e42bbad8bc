using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>Why a presented key was refused before any store lookup.</summary>
public enum KeyFormatError
{
    /// <summary>Well formed.</summary>
    None = 0,

    /// <summary>Not <c>&lt;prefix&gt;_&lt;live|test&gt;_&lt;body&gt;</c>, wrong length or alphabet.</summary>
    Malformed,

    /// <summary>Another app's prefix.</summary>
    WrongPrefix,

    /// <summary>A test key sent to a live app, or the reverse.</summary>
    WrongEnvironment,

    /// <summary>The checksum does not match: a typo or a truncated copy.</summary>
    BadChecksum,
}

using System.Security.Cryptography;

namespace Declarative.Auth;

/// <summary>Which environment a key belongs to. A live app refuses test keys and the other way round.</summary>
public enum KeyEnvironment
{
    /// <summary>Production: keys read <c>&lt;prefix&gt;_live_…</c>.</summary>
    Live = 0,

    /// <summary>Everything else: keys read <c>&lt;prefix&gt;_test_…</c>.</summary>
    Test = 1,
}

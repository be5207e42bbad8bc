namespace Declarative.Auth;

/// <summary>The size of a usage bucket, in seconds (what the stores keep in their span column).</summary>
internal enum KeyUsageSpan
{
    Minute = 60,
    Hour = 3600,
}

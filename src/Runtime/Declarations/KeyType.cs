namespace Declarative.Auth;

/// <summary>The kind of access an endpoint demands. Together with a scope it names a permission.</summary>
public enum KeyType
{
    /// <summary><c>read:&lt;scope&gt;</c>. Granted by <c>read:x</c>, <c>write:x</c> and <c>admin</c>.</summary>
    Read = 0,

    /// <summary><c>write:&lt;scope&gt;</c>. Granted by <c>write:x</c> and <c>admin</c>.</summary>
    Write = 1,

    /// <summary><c>delete:&lt;scope&gt;</c>. Granted by <c>delete:x</c> and <c>admin</c>.</summary>
    Delete = 2,

    /// <summary><c>admin</c>: everything. Takes no scope.</summary>
    Admin = 3,
}

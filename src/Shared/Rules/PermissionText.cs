// Permission strings and the scope rule, written once: the runtime's PermissionName, the generator's table and the
// analyzers' DAUTH002 all call these (this file is linked into each of them).
namespace Declarative.Auth.Rules
{
    internal static class PermissionText
    {
        public const string Admin = "admin";

        /// <summary>
        /// The permission of a key type (KeyType's numbers: 0 read, 1 write, 2 delete, 3 admin) and scope. Never
        /// throws: a missing or malformed scope is kept as written (the analyzers report it; the runtime checks
        /// <see cref="IsValidScope"/> first).
        /// </summary>
        public static string Format(int keyType, string? scope) => keyType switch
        {
            0 => "read:" + scope,
            1 => "write:" + scope,
            2 => "delete:" + scope,
            3 => Admin,
            _ => keyType.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + scope,
        };

        /// <summary>
        /// True when a key holding <paramref name="held"/> meets <paramref name="required"/>: the same permission,
        /// admin (which meets every one), or write:x for read:x.
        /// </summary>
        public static bool Grants(string held, string required)
            => held == Admin || held == required
                || (required.StartsWith("read:", System.StringComparison.Ordinal) && held.StartsWith("write:", System.StringComparison.Ordinal)
                    && string.CompareOrdinal(required, 5, held, 6, int.MaxValue) == 0);

        /// <summary>
        /// Every permission that meets <paramref name="required"/> by <see cref="Grants"/>: itself, write:x for read:x,
        /// and admin (last). What a refusal tells a caller would have been accepted.
        /// </summary>
        public static string[] AcceptedFor(string required)
            => required == Admin ? new[] { Admin }
                : required.StartsWith("read:", System.StringComparison.Ordinal) ? new[] { required, "write:" + required.Remove(0, 5), Admin }
                : new[] { required, Admin };

        /// <summary>1–64 of lowercase ASCII letters, digits, '-', '_' and '.', starting with a letter.</summary>
        public static bool IsValidScope(string? scope)
        {
            if (scope is null || scope.Length == 0 || scope.Length > 64 || !(scope[0] >= 'a' && scope[0] <= 'z'))
                return false;
            foreach (var c in scope)
            {
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
                    return false;
            }
            return true;
        }
    }
}

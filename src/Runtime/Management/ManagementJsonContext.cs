using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Auth;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CreateKeyBody))]
[JsonSerializable(typeof(RotateKeyBody))]
[JsonSerializable(typeof(KeyView))]
[JsonSerializable(typeof(IReadOnlyList<KeyView>))]
[JsonSerializable(typeof(CreatedKeyView))]
[JsonSerializable(typeof(KeyIntrospection))]
[JsonSerializable(typeof(KeyReachView))]
[JsonSerializable(typeof(IReadOnlyList<KeyAuditEntry>))]
[JsonSerializable(typeof(KeyUsageView))]
internal sealed partial class ManagementJsonContext : JsonSerializerContext;

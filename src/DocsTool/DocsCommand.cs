using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;

namespace Declarative.Auth.DocsTool;

/// <summary>
/// <c>Declarative.Auth.DocsTool &lt;assembly.dll&gt; &lt;output-dir&gt; [--check]</c>: reads the JSON constant of
/// <c>Declarative.Auth.Generated.DeclarativeAuthDocs</c> from the assembly's metadata (the assembly is never loaded)
/// and writes it to <c>permissions.json</c> and its rendering (<see cref="PermissionsMarkdown"/>) to <c>permissions.md</c>; with <c>--check</c> it compares them
/// with the files there instead and reports the first difference as an MSBuild error (DAUTH100).
/// </summary>
internal static class DocsCommand
{
    public const string TypeNamespace = "Declarative.Auth.Generated";
    public const string TypeName = "DeclarativeAuthDocs";

    public static readonly (string Field, string File)[] Documents = [("Markdown", "permissions.md"), ("Json", "permissions.json")];

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var (check, baseline, approvals) = (false, (string?)null, (string?)null);
        var positional = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--check")
                check = true;
            else if (args[i] == "--baseline" && i + 1 < args.Length)
                baseline = args[++i];
            else if (args[i] == "--approvals" && i + 1 < args.Length)
                approvals = args[++i];
            else
                positional.Add(args[i]);
        }
        if (positional.Count != 2)
        {
            stderr.WriteLine("error DAUTH101: usage: Declarative.Auth.DocsTool <assembly.dll> <output-directory> [--check] [--baseline <permissions.json> [--approvals <file>]]");
            return 2;
        }
        var (assembly, directory) = (positional[0], positional[1]);

        Dictionary<string, string> docs;
        try
        {
            docs = ReadConstants(assembly);
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{assembly}: error DAUTH101: cannot read the permission docs from the assembly: {e.Message}");
            return 2;
        }
        if (docs.Count == 0)
        {
            // The generator did not run (the project does not reference Declarative.Auth): nothing to write.
            stdout.WriteLine($"Declarative.Auth: {Path.GetFileName(assembly)} has no generated permission docs.");
            return 0;
        }

        if (check)
        {
            foreach (var (field, file) in Documents)
            {
                var path = Path.Combine(directory, file);
                var expected = docs[field];
                var message = Compare(file, expected, File.Exists(path) ? File.ReadAllText(path) : null, out var line);
                if (message is not null)
                {
                    // MSBuild's canonical format, so the IDE and the build log point at the line.
                    stderr.WriteLine($"{Path.GetFullPath(path)}{(line > 0 ? $"({line})" : "")}: {message}");
                    return 1;
                }
            }
            stdout.WriteLine($"Declarative.Auth: permission docs in {directory} match the code.");
            return baseline is null ? 0 : BaselineGate.Run(docs["Json"], baseline, approvals, stdout, stderr);
        }

        Directory.CreateDirectory(directory);
        foreach (var (field, file) in Documents)
        {
            var path = Path.Combine(directory, file);
            var bytes = Utf8.GetBytes(docs[field]);
            // Same bytes: leave the file (and its timestamp) alone so incremental builds stay quiet.
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
                continue;
            File.WriteAllBytes(path, bytes);
        }
        stdout.WriteLine($"Declarative.Auth: permission docs written to {directory}");
        return baseline is null ? 0 : BaselineGate.Run(docs["Json"], baseline, approvals, stdout, stderr);
    }

    /// <summary>Null when equal (line ends normalized); else an MSBuild-formatted error naming the first differing line.</summary>
    public static string? Compare(string file, string expected, string? found, out int line)
    {
        const string Fix = "(run a build without DeclarativeAuthDocsCheck to regenerate)";
        line = 0;
        if (found is null)
            return $"error DAUTH100: {file} is missing; the code declares permission docs {Fix}";
        var expectedLines = expected.ReplaceLineEndings("\n").Split('\n');
        var foundLines = found.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < Math.Max(expectedLines.Length, foundLines.Length); i++)
        {
            var e = i < expectedLines.Length ? expectedLines[i] : null;
            var f = i < foundLines.Length ? foundLines[i] : null;
            if (e == f)
                continue;
            line = i + 1;
            return $"error DAUTH100: {file} differs from the code at line {i + 1}: expected {Quote(e)} found {Quote(f)} {Fix}";
        }
        return null;
    }

    private static string Quote(string? line) => line is null ? "end of file" : "'" + line + "'";

    /// <summary>The permission docs by <see cref="Documents"/> field: the generated JSON and the Markdown rendered from it; empty when the type is absent.</summary>
    public static Dictionary<string, string> ReadConstants(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if (!reader.StringComparer.Equals(type.Name, TypeName) || !reader.StringComparer.Equals(type.Namespace, TypeNamespace))
                continue;
            foreach (var fieldHandle in type.GetFields())
            {
                var field = reader.GetFieldDefinition(fieldHandle);
                var constantHandle = field.GetDefaultValue();
                if (constantHandle.IsNil)
                    continue;
                var constant = reader.GetConstant(constantHandle);
                if (constant.TypeCode != ConstantTypeCode.String)
                    continue;
                var blob = reader.GetBlobReader(constant.Value);
                result[reader.GetString(field.Name)] = blob.ReadUTF16(blob.Length);
            }
        }
        return result.TryGetValue("Json", out var json)
            ? new Dictionary<string, string>(StringComparer.Ordinal) { ["Markdown"] = PermissionsMarkdown.Render(json), ["Json"] = json }
            : [];
    }
}

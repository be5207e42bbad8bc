using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Auth.TestKit;

/// <summary>Builds C# compilations of small ASP.NET Core apps for generator and analyzer tests.</summary>
public static class TestCompilation
{
    /// <summary>The usings an ASP.NET Core web project gets from implicit usings, plus Declarative.Auth.</summary>
    public const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.Linq;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.AspNetCore.Authorization;
        global using Microsoft.AspNetCore.Mvc;
        global using Microsoft.Extensions.DependencyInjection;
        global using Declarative.Auth;
        """;

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview);

    /// <summary>Compiles <paramref name="sources"/> (file name → text) as an executable web app.</summary>
    public static CSharpCompilation Create(IEnumerable<(string Path, string Text)> sources, string assemblyName = "TestApp")
    {
        var trees = sources
            .Append(("GlobalUsings.g.cs", GlobalUsings))
            .Select(s => CSharpSyntaxTree.ParseText(s.Item2, ParseOptions, path: s.Item1));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            References.All,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>Compiles one Program.cs.</summary>
    public static CSharpCompilation Create(string program, string assemblyName = "TestApp")
        => Create([("Program.cs", program)], assemblyName);

    /// <summary>Errors of a compilation, formatted for an assertion message.</summary>
    public static string[] Errors(Compilation compilation)
        => compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => d.ToString())
            .ToArray();
}

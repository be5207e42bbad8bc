using System.Diagnostics;
using System.Runtime.CompilerServices;
using Declarative.Auth.Generator;
using Declarative.Auth.TestKit;

namespace Declarative.Auth.Docs.Tests;

/// <summary>
/// The package's build targets under real MSBuild: a project with no SDK that imports
/// <c>buildTransitive/Declarative.Auth.targets</c>, points it at an assembly built with the generator and at the
/// docs tool, and defines an empty Build target for the docs step to follow.
/// </summary>
public sealed class DocsTargetsTests : IDisposable
{
    private const string App = """
        var app = WebApplication.Create(args);
        app.MapGet("/v1/monitors", [RequiresKey(KeyType.Read, Scope = "monitors")] () => "list");
        app.Run();
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("dauth-targets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_no_op_build_skips_the_docs_tool_and_a_missing_docs_file_runs_it_again()
    {
        var project = Project(Assembly(App));

        var first = MsBuild(project);
        Assert.True(first.Exit == 0, first.Output);
        Assert.True(File.Exists(Path.Combine(_root, "docs", "permissions.md")), first.Output);

        var second = MsBuild(project);
        Assert.True(second.Exit == 0, second.Output);
        Assert.Contains("Skipping target \"DeclarativeAuthDocs\" because all output files are up-to-date", second.Output);

        File.Delete(Path.Combine(_root, "docs", "permissions.md"));
        var third = MsBuild(project);
        Assert.True(third.Exit == 0, third.Output);
        Assert.DoesNotContain("Skipping target \"DeclarativeAuthDocs\"", third.Output);
        Assert.True(File.Exists(Path.Combine(_root, "docs", "permissions.md")));
    }

    [Fact]
    public void A_failed_check_is_reported_again_on_the_next_build()
    {
        var project = Project(Assembly(App));
        Assert.Equal(0, MsBuild(project).Exit);
        File.WriteAllText(Path.Combine(_root, "docs", "permissions.md"), "edited by hand\n");

        // The exit code is the SDK's to decide (an SDK build fails on a logged error; this bare project does not):
        // what the targets owe is the error, on every build until the files are fixed.
        for (var build = 0; build < 2; build++)
        {
            var check = MsBuild(project, "-p:DeclarativeAuthDocsCheck=true");
            Assert.Contains("error DAUTH100: permissions.md differs from the code", check.Output);
            Assert.DoesNotContain("Skipping target \"DeclarativeAuthDocs\"", check.Output);
        }
    }

    private string Assembly(string program)
    {
        var run = GeneratorDriverRunner.Run(new DeclarativeAuthGenerator(), TestCompilation.Create(program, "TargetsApp"));
        var path = Path.Combine(_root, "bin", "TargetsApp.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        var emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return path;
    }

    private string Project(string assembly)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "Declarative.Auth.DocsTool.dll");
        var path = Path.Combine(_root, "app.proj");
        File.WriteAllText(path, $"""
            <Project>
              <PropertyGroup>
                <TargetPath>{assembly}</TargetPath>
                <OutDir>bin/</OutDir>
                <IntermediateOutputPath>obj/</IntermediateOutputPath>
                <DeclarativeAuthDocsPath>docs/</DeclarativeAuthDocsPath>
                <DeclarativeAuthDocsTool>{tool}</DeclarativeAuthDocsTool>
              </PropertyGroup>
              <Import Project="{Path.Combine(RepoRoot(), "src", "Runtime", "buildTransitive", "Declarative.Auth.targets")}" />
              <Target Name="Build" />
            </Project>
            """);
        Directory.CreateDirectory(Path.Combine(_root, "obj"));
        return path;
    }

    private static (int Exit, string Output) MsBuild(string project, params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["msbuild", project, "-t:Build", "-v:n", "-nologo", "-nr:false", .. extra])
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    private static string RepoRoot([CallerFilePath] string here = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
}

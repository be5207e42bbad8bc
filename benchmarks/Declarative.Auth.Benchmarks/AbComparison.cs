using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// <c>ab &lt;dirA&gt; &lt;dirB&gt; [dirC ...] [methods] [rounds]</c>: two or more builds of this project (e.g. an older commit and now) in
/// one process, each in its own load context, their <see cref="VerifyBenchmarks"/> methods timed in interleaved
/// batches (A, B, B, A, ...). On a shared machine the load moves between two separate runs; here both builds see
/// the same load, so their ratio holds even when absolute times do not. Prints min, p25 and median ns per call.
/// </summary>
public static class AbComparison
{
    private const int Batch = 100_000;

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: ab <build dir A> <build dir B> [more build dirs] [Method1,Method2] [rounds]");
            return 2;
        }
        var dirs = args.TakeWhile(Directory.Exists).ToArray();
        var rest = args[dirs.Length..];
        var methods = (rest.Length > 0 ? rest[0] : "MiddlewareValid,MiddlewareValidFirstSeen,MiddlewareLacking").Split(',');
        var rounds = rest.Length > 1 ? int.Parse(rest[1], CultureInfo.InvariantCulture) : 40;
        var runs = new List<(string Build, string Method, Func<int> Call)>();
        foreach (var dir in dirs)
        {
            var context = new BuildLoadContext(Path.GetFullPath(dir));
            var type = context.LoadFromAssemblyPath(Path.Combine(context.Dir, "Declarative.Auth.Benchmarks.dll"))
                .GetType(typeof(VerifyBenchmarks).FullName!)!;
            var bench = Activator.CreateInstance(type)!;
            type.GetMethod(nameof(VerifyBenchmarks.Setup))!.Invoke(bench, null);
            foreach (var method in methods)
            {
                // A method the other build lacks is skipped there, not an error: builds differ.
                if (type.GetMethod(method) is { } found)
                    runs.Add((dir, method, found.CreateDelegate<Func<int>>(bench)));
            }
        }
        var times = runs.Select(_ => new List<double>()).ToArray();
        for (var warm = 0; warm < 3; warm++)
        {
            foreach (var run in runs)
                Time(run.Call);
        }
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < runs.Count; k++)
            {
                var i = round % 2 == 0 ? k : runs.Count - 1 - k;
                times[i].Add(Time(runs[i].Call));
            }
        }
        for (var k = 0; k < runs.Count; k++)
        {
            var t = times[k].Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{runs[k].Build,-28} {runs[k].Method,-34} min {t[0],7:0.0}  p25 {t[t.Length / 4],7:0.0}  median {t[t.Length / 2],7:0.0} ns"));
        }
        return 0;
    }

    private static double Time(Func<int> call)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Batch; i++)
            call();
        return watch.Elapsed.TotalNanoseconds / Batch;
    }

    /// <summary>Loads a build's own assemblies from its directory; the shared framework stays shared.</summary>
    private sealed class BuildLoadContext(string dir) : AssemblyLoadContext(isCollectible: false)
    {
        // The framework only: the trusted list also names the running build's own assemblies (its deps.json), and
        // deferring those to the default context made every build run the running build's Declarative.Auth.dll.
        private static readonly HashSet<string> Platform = [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => !string.Equals(Path.GetDirectoryName(Path.GetFullPath(p)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(AppContext.BaseDirectory)), StringComparison.Ordinal))
            .Select(p => Path.GetFileNameWithoutExtension(p))];

        public string Dir { get; } = dir;

        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(Dir, name.Name + ".dll");
            return File.Exists(path) && !Platform.Contains(name.Name!) ? LoadFromAssemblyPath(path) : null;
        }
    }
}

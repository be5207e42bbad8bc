using System.Globalization;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Declarative.Auth.Benchmarks;

/// <summary>
/// <c>profile &lt;trace.nettrace&gt; [frame prefix] [top]</c>: reads a CPU-sample trace taken with
/// <c>dotnet-trace collect --profile dotnet-sampled-thread-time -- …</c> and says where the time inside our code
/// goes. Only samples whose stack holds a frame starting with the prefix (default <c>Declarative.Auth</c>) count:
/// <list type="bullet">
/// <item>by entry: the outermost such frame (which generator step, analyzer callback or middleware);</item>
/// <item>by callee: the innermost such frame and the first frame it calls outside our code (e.g. the Roslyn API
/// whose binding we pay for), or "(self)".</item>
/// </list>
/// Written by hand because <c>dotnet-trace report topN</c> ranks whole-process frames, where thread-pool waits and
/// the compiler's own binding drown the part we are responsible for.
/// </summary>
public static class ProfileReport
{
    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: profile <trace.nettrace> [frame prefix, default Declarative.Auth] [top rows, default 25]");
            return 2;
        }
        var prefix = args.Length > 1 ? args[1] : "Declarative.Auth";
        var top = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 25;
        // Optional: a frame of ours to open up; its samples are broken down by the frames below it.
        var focus = args.Length > 3 ? args[3] : null;
        var underFocus = new Dictionary<string, int>(StringComparer.Ordinal);
        var etlx = TraceLog.CreateFromEventPipeDataFile(args[0]);
        using var log = new TraceLog(etlx);

        var total = 0;
        var ours = 0;
        var byEntry = new Dictionary<string, int>(StringComparer.Ordinal);
        var byCallee = new Dictionary<string, int>(StringComparer.Ordinal);
        var byOurFrame = new Dictionary<string, int>(StringComparer.Ordinal);
        var frames = new List<string>();
        foreach (var e in log.Events)
        {
            if (e.ProviderName != "Microsoft-DotNETCore-SampleProfiler")
                continue;
            var stack = e.CallStack();
            if (stack is null)
                continue;
            frames.Clear();
            for (var s = stack; s is not null; s = s.Caller) // leaf first
                frames.Add(s.CodeAddress.FullMethodName ?? "?");
            // Threads parked in waits are sampled too; they are not CPU time.
            if (frames.Count > 0 && IsWait(frames[0]))
                continue;
            total++;
            var innermost = frames.FindIndex(f => f.StartsWith(prefix, StringComparison.Ordinal));
            if (innermost < 0)
                continue;
            ours++;
            var outermost = frames.FindLastIndex(f => f.StartsWith(prefix, StringComparison.Ordinal));
            Add(byEntry, Short(frames[outermost]));
            var callee = innermost == 0 ? "(self)" : Short(frames[innermost - 1]);
            Add(byCallee, Short(frames[innermost]) + "  ->  " + callee);
            if (focus is not null && frames.FindIndex(f => Short(f).Contains(focus, StringComparison.Ordinal)) is var at and > 0)
            {
                // Non-recursive frames called (directly or not) from the focus: inclusive time per frame.
                foreach (var f in frames.Take(at).Select(Short).Distinct())
                    Add(underFocus, f);
                Add(underFocus, "(focus total)");
            }
            foreach (var f in frames.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).Select(Short).Distinct())
                Add(byOurFrame, f);
        }

        Console.WriteLine($"CPU samples (waits excluded): {total}; with a '{prefix}' frame: {ours} ({Pct(ours, total)})");
        Print("outermost frame of ours (entry point)", byEntry, ours, top);
        Print("any frame of ours, inclusive", byOurFrame, ours, top);
        Print("innermost frame of ours -> what it calls", byCallee, ours, top);
        if (focus is not null)
            Print($"frames below '{focus}', inclusive", underFocus, ours, top);
        return 0;
    }

    private static bool IsWait(string leaf) =>
        leaf.Contains("WaitNative", StringComparison.Ordinal) || leaf.Contains("Monitor.Wait", StringComparison.Ordinal)
        || leaf.Contains("WaitOneNoCheck", StringComparison.Ordinal) || leaf.Contains("PollGCWorker", StringComparison.Ordinal)
        || leaf.Contains("Sleep", StringComparison.Ordinal) || leaf.Contains("epoll_wait", StringComparison.Ordinal);

    private static void Add(Dictionary<string, int> map, string key) => map[key] = map.GetValueOrDefault(key) + 1;

    private static string Pct(int part, int whole) => whole == 0 ? "0%" : (100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>Drops parameter lists and namespaces' noise so rows fit a line.</summary>
    private static string Short(string frame)
    {
        var paren = frame.IndexOf('(', StringComparison.Ordinal);
        var name = paren > 0 ? frame[..paren] : frame;
        return name.Replace("Microsoft.CodeAnalysis.", "", StringComparison.Ordinal)
            .Replace("Declarative.Auth.", "", StringComparison.Ordinal);
    }

    private static void Print(string title, Dictionary<string, int> map, int whole, int top)
    {
        Console.WriteLine();
        Console.WriteLine($"-- {title}");
        foreach (var (key, count) in map.OrderByDescending(kv => kv.Value).Take(top))
            Console.WriteLine($"{Pct(count, whole),7}  {count,6}  {key}");
    }
}

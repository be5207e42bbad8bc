using System.Globalization;

namespace Declarative.Auth.Benchmarks;

/// <summary>Rows of the one summary table: each mode appends to the same TSV file, run.sh prints it.</summary>
public static class Summary
{
    public static string PathFromEnvironment => Environment.GetEnvironmentVariable("BENCH_SUMMARY") ?? Path.Combine(Path.GetTempPath(), "dauth-bench-summary.tsv");

    public static void Row(string area, string measure, string value, string target = "", string status = "")
    {
        var line = string.Join('\t', area, measure, value, target, status);
        Console.WriteLine("SUMMARY " + line);
        File.AppendAllText(PathFromEnvironment, line + "\n");
    }

    public static string Met(bool ok) => ok ? "met" : "MISSED";

    public static string F(double v, string format = "0.0") => v.ToString(format, CultureInfo.InvariantCulture);
}

namespace Declarative.Auth.Conformance.Tests;

/// <summary>Builds the matrix once for the suite (it starts the app and probes every endpoint) and writes the report.</summary>
public sealed class ConformanceFixture : IAsyncLifetime
{
    internal ConformanceMatrix Matrix { get; private set; } = null!;

    public string ReportPath { get; } = Path.Combine(AppContext.BaseDirectory, "conformance-report.md");

    public async Task InitializeAsync()
    {
        Matrix = await ConformanceMatrix.BuildAsync();
        await File.WriteAllTextAsync(ReportPath, Matrix.Report());
    }

    public Task DisposeAsync() => Task.CompletedTask;
}

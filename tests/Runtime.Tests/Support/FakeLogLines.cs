namespace Declarative.Auth.Tests.Support;

/// <summary>A host's collected log as lines (<c>level|category|message[|exception]</c>), for Contains/DoesNotContain.</summary>
public static class FakeLogLines
{
    public static IReadOnlyList<string> Lines(this FakeLogCollector logs)
        => [.. logs.GetSnapshot().Select(r => $"{r.Level}|{r.Category}|{r.Message}{(r.Exception is null ? "" : "|" + r.Exception)}")];
}

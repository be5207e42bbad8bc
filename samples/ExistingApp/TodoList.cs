using System.Collections.Concurrent;
using System.Security.Claims;

namespace ExistingApp;

/// <summary>Each user's todos, found by the caller's user id (its name identifier), as the app always did.</summary>
internal sealed class TodoList
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Todo>> _byUser = new(StringComparer.Ordinal);

    public int Count => _byUser.Values.Sum(q => q.Count);

    public IReadOnlyList<Todo> Of(ClaimsPrincipal user)
        => _byUser.TryGetValue(UserId(user), out var todos) ? [.. todos] : [];

    public Todo Add(ClaimsPrincipal user, string title)
    {
        var todo = new Todo(Guid.NewGuid().ToString("N"), title);
        _byUser.GetOrAdd(UserId(user), _ => new ConcurrentQueue<Todo>()).Enqueue(todo);
        return todo;
    }

    // A handler that reads the current user fails loudly without one, as the app's handlers did.
    private static string UserId(ClaimsPrincipal user)
        => user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No current user.");
}

internal sealed record Todo(string Id, string Title);

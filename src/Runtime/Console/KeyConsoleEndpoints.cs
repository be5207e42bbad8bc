using System.Reflection;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Declarative.Auth;

/// <summary>
/// The key console: a self-contained admin page (HTML, CSS and a small script embedded in this assembly) over the
/// management API. Off unless mapped.
/// </summary>
public static class KeyConsoleEndpoints
{
    // Every console response: no script or style from anywhere but this origin, no inline script, no framing,
    // no caching of a page that shows secrets once. img-src allows data: only for the empty favicon.
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>
    /// Serves the console at <paramref name="path"/> (with <c>console.css</c> and <c>console.js</c> below it) and
    /// the catalog it reads at <c>GET {managementPrefix}/catalog</c>. Call <c>MapApiKeyManagement(managementPrefix)</c>
    /// too: the page only talks to those endpoints.
    /// </summary>
    /// <remarks>
    /// The page and its assets are public: they hold no data, and a browser cannot send a bearer key on a top-level
    /// navigation. Every data call the page makes carries the admin key the operator types in (kept in
    /// <c>sessionStorage</c>, for the tab only) and goes to an <c>admin</c>-only endpoint.
    /// </remarks>
    /// <returns>The page's route group, for further conventions (e.g. <c>RequireHost</c>).</returns>
    public static IEndpointConventionBuilder MapKeyConsole(this IEndpointRouteBuilder endpoints, string path = "/auth/console", string managementPrefix = "/auth/keys")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(managementPrefix);
        path = "/" + path.Trim('/');
        managementPrefix = "/" + managementPrefix.Trim('/');

        endpoints.MapGet(managementPrefix + "/catalog", (RequestDelegate)KeyConsoleCatalog.WriteAsync)
            .RequireKey(KeyType.Admin)
            .WithName("DeclarativeAuth.KeyCatalog");

        var page = endpoints.MapGroup(path).AllowAnonymous();
        page.MapGet("/", context => WritePage(context, path, managementPrefix)).WithName("DeclarativeAuth.KeyConsole");
        page.MapGet("/console.css", context => WriteAsset(context, "console.css", "text/css; charset=utf-8"));
        page.MapGet("/console.js", context => WriteAsset(context, "console.js", "text/javascript; charset=utf-8"));
        return page;
    }

    private static Task WritePage(HttpContext context, string path, string managementPrefix)
    {
        var pathBase = context.Request.PathBase.Value ?? "";
        var html = Asset("console.html")
            .Replace("%CONSOLE_BASE%", HtmlEncoder.Default.Encode(pathBase + path), StringComparison.Ordinal)
            .Replace("%MANAGEMENT_BASE%", HtmlEncoder.Default.Encode(pathBase + managementPrefix), StringComparison.Ordinal);
        SetHeaders(context.Response, "text/html; charset=utf-8");
        return context.Response.WriteAsync(html, context.RequestAborted);
    }

    private static Task WriteAsset(HttpContext context, string name, string contentType)
    {
        SetHeaders(context.Response, contentType);
        return context.Response.WriteAsync(Asset(name), context.RequestAborted);
    }

    internal static void SetHeaders(HttpResponse response, string contentType)
    {
        response.ContentType = contentType;
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }

    private static readonly Dictionary<string, string> s_assets = new(StringComparer.Ordinal);
    private static readonly Lock s_gate = new();

    internal static string Asset(string name)
    {
        lock (s_gate)
        {
            if (s_assets.TryGetValue(name, out var text))
                return text;
            using var stream = typeof(KeyConsoleEndpoints).Assembly.GetManifestResourceStream("DeclarativeAuth.Console." + name)
                ?? throw new InvalidOperationException($"The key console asset '{name}' is not embedded in {typeof(KeyConsoleEndpoints).Assembly.GetName().Name}.");
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
            s_assets[name] = text;
            return text;
        }
    }
}

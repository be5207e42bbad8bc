namespace Declarative.Auth.Analyzers.Tests;

/// <summary>DAUTH003: a key requirement and an AllowAnonymous that contradict each other on one endpoint.</summary>
public class ContradictionTests
{
    [Fact]
    public Task DAUTH003_fires_on_the_key_requirement_at_the_same_level_and_where_the_handler_overrides_the_chain()
        => Verify.WithAsync([new ContradictionAnalyzer()], [("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [{|DAUTH003:RequiresKey(KeyType.Read, Scope = "a")|}, AllowAnonymous] () => "a");
            app.MapGet("/v1/b", [AllowAnonymous] () => "b").{|DAUTH003:RequireKey|}(KeyType.Read, "b");
            app.MapGroup("/v1/c").{|DAUTH003:RequireKey|}(KeyType.Read, "c").AllowAnonymous().MapGet("/", () => "c");
            var d = app.MapGroup("/v1/d");
            d.{|DAUTH003:RequireKey|}(KeyType.Read, "d");
            d.AllowAnonymous();
            d.MapGet("/", () => "d");
            app.MapGet("/v1/k", () => "k").WithMetadata(new AllowAnonymousAttribute()).{|DAUTH003:RequireKey|}(KeyType.Read, "k");
            var l = app.MapGroup("/v1/l").{|DAUTH003:RequireKey|}(KeyType.Read, "l").WithTags("l");
            l.AllowAnonymous();
            l.MapGet("/", () => "l");

            // Nearer replaces farther: an ordinary exception, not a contradiction.
            var e = app.MapGroup("/v1/e").RequireKey(KeyType.Read, "e");
            e.MapGet("/public", [AllowAnonymous] () => "e");
            app.MapGroup("/v1/f").AllowAnonymous().MapGet("/", [RequiresKey(KeyType.Read, Scope = "f")] () => "f");
            app.MapGroup("/v1/g").AllowAnonymous().MapGet("/", () => "g").RequireKey(KeyType.Read, "g");
            app.MapGet("/v1/h", () => "h").RequireKey(KeyType.Read, "h");
            app.MapGet("/v1/i", [AllowAnonymous] () => "i").RequireAuthorization();
            app.Run();
            """), ("Controllers.cs", """
            [RequiresKey(KeyType.Read, Scope = "h")]
            public sealed class HController : ControllerBase { [AllowAnonymous] public IActionResult Get() => Ok(); }

            [{|DAUTH003:RequiresKey(KeyType.Read, Scope = "i")|}]
            [AllowAnonymous]
            public sealed class IController : ControllerBase { public IActionResult Get() => Ok(); }

            public sealed class JController : ControllerBase
            {
                [{|DAUTH003:RequiresKey(KeyType.Delete, Scope = "j")|}, AllowAnonymous]
                public IActionResult Delete() => Ok();

                [AllowAnonymous]
                public IActionResult Get() => Ok();
            }
            """)],
            "[RequiresKey(KeyType.Read, Scope = \"i\")] contradicts [AllowAnonymous] on the same class 'IController'; which one applies depends on the attributes' order; remove one of them",
            "[RequiresKey(KeyType.Delete, Scope = \"j\")] contradicts [AllowAnonymous] on the same method 'Delete'; the key is required at run time (fail closed); remove one of them",
            "[RequiresKey(KeyType.Read, Scope = \"a\")] contradicts [AllowAnonymous] on the same handler; the key is required at run time (fail closed); remove one of them",
            "RequireKey(KeyType.Read, \"b\") contradicts [AllowAnonymous] on the endpoint's handler; the handler's attribute wins at run time and the endpoint is public; remove one of them",
            "RequireKey(KeyType.Read, \"c\") contradicts AllowAnonymous() on the same builder; the later AllowAnonymous applies at run time and the endpoint is public; remove one of them",
            "RequireKey(KeyType.Read, \"d\") contradicts AllowAnonymous() on the same builder 'd'; the later AllowAnonymous applies at run time and the endpoint is public; remove one of them",
            "RequireKey(KeyType.Read, \"k\") contradicts WithMetadata(new AllowAnonymousAttribute()) on the same builder; the later key requirement applies at run time; remove one of them",
            "RequireKey(KeyType.Read, \"l\") contradicts AllowAnonymous() on the same builder 'l'; the later AllowAnonymous applies at run time and the endpoint is public; remove one of them");
}

/// <summary>
/// The attribute actions look at names before binding; a using alias (in any file) or a qualified name still
/// reaches the full check.
/// </summary>
public class AttributeNameFilterTests
{
    [Fact]
    public Task Aliased_and_qualified_key_attributes_are_still_checked()
        => Verify.WithAsync([new ContradictionAnalyzer(), new DeclarationAnalyzer()], [("Program.cs", """
            using Key = Declarative.Auth.RequiresKeyAttribute;

            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [{|DAUTH003:Key(KeyType.Read, Scope = "a")|}, AllowAnonymous] () => "a");
            app.MapGet("/v1/b", [{|DAUTH003:Declarative.Auth.RequiresKey(KeyType.Read, Scope = "b")|}, AllowAnonymous] () => "b");
            app.MapGet("/v1/c", [Key(KeyType.Admin, Scope = {|DAUTH004:"c"|})] () => "c");
            app.Run();
            """)]);

    [Fact]
    public Task A_global_alias_in_another_file_is_honoured()
        => Verify.WithAsync([new ContradictionAnalyzer(), new DeclarationAnalyzer()], [("Program.cs", """
            var app = WebApplication.Create(args);
            app.MapGet("/v1/a", [{|DAUTH003:Needs(KeyType.Read, Scope = "a")|}, AllowAnonymous] () => "a");
            app.MapGet("/v1/c", [Needs(KeyType.Admin, Scope = {|DAUTH004:"c"|})] () => "c");
            app.Run();
            """), ("Aliases.cs", """
            global using Needs = Declarative.Auth.RequiresKeyAttribute;
            """)]);
}

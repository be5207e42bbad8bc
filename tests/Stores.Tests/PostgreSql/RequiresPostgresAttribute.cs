using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Declarative.Auth.Stores.Tests.PostgreSql.PostgresAwareTestFramework", "Declarative.Auth.Stores.Tests")]

namespace Declarative.Auth.Stores.Tests.PostgreSql;

/// <summary>
/// Marks a test class whose tests (inherited plain <c>[Fact]</c>s included, such as the store contract's) need
/// PostgreSQL: when it is not installed they are reported as skipped with the reason, except under
/// <c>CI=true</c>, where they run (and fail). xunit 2 has no dynamic skip, and an inherited <c>[Fact]</c> cannot
/// be swapped for <see cref="PostgresFactAttribute"/>, hence the discoverer below.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>The standard xunit 2 framework, except that it honours <see cref="RequiresPostgresAttribute"/>.</summary>
public sealed class PostgresAwareTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo)
        => new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assembly, ISourceInformationProvider source, IMessageSink diagnostics)
        : XunitTestFrameworkDiscoverer(assembly, source, diagnostics)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus,
            ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (PostgresAvailability.SkipReason is { } reason
                && testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any()
                && testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                var skipped = new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(),
                    discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
                return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
            }
            return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
        }
    }
}

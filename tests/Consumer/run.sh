#!/usr/bin/env bash
# Packs the libraries, then builds and tests an app that gets them only from artifacts/packages,
# as a user's `dotnet add package Declarative.Auth` would. Also installs the CLI as a dotnet tool.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
here="$root/tests/Consumer"
packages="$root/artifacts/packages"
rm -rf "$packages" "$root/artifacts/consumer-packages" "$root/artifacts/tools"
mkdir -p "$packages"

echo "== pack"
for project in src/Runtime src/Stores/Sqlite src/Stores/PostgreSql src/OpenApi src/Testing src/Cli; do
  dotnet pack "$root/$project" -c Release -o "$packages" --nologo -v quiet
done
ls "$packages"

echo "== package hygiene"
nuspec=$(unzip -p "$packages"/Declarative.Auth.0.*.nupkg '*.nuspec')
if grep -qi "Microsoft.CodeAnalysis" <<<"$nuspec"; then echo "FAIL: the runtime package depends on Roslyn"; exit 1; fi
contents=$(unzip -l "$packages"/Declarative.Auth.0.*.nupkg)
for f in lib/net10.0/Declarative.Auth.dll lib/net10.0/Declarative.Auth.xml README.md \
         analyzers/dotnet/cs/Declarative.Auth.Generator.dll analyzers/dotnet/cs/Declarative.Auth.Analyzers.dll \
         analyzers/dotnet/cs/Declarative.Auth.Analyzers.CodeFixes.dll buildTransitive/Declarative.Auth.props; do
  grep -q "$f" <<<"$contents" || { echo "FAIL: $f missing from Declarative.Auth package"; exit 1; }
done
if grep -q "lib/.*Analyzers\|lib/.*Generator" <<<"$contents"; then echo "FAIL: analyzers shipped as libraries"; exit 1; fi
echo "ok: no Roslyn dependency, generator and analyzers under analyzers/dotnet/cs only"
# The OpenAPI package asks for the floor, never more: an app's own Microsoft.AspNetCore.OpenApi 10.0.x must win
# without NU1605 (a downgrade error), and Microsoft.OpenApi 3.x (another object model) is refused.
openapi=$(unzip -p "$packages"/Declarative.Auth.OpenApi.0.*.nupkg '*.nuspec')
grep -q 'id="Microsoft.AspNetCore.OpenApi" version="10.0.0"' <<<"$openapi" || { echo "FAIL: Declarative.Auth.OpenApi must depend on Microsoft.AspNetCore.OpenApi >= 10.0.0"; grep dependency <<<"$openapi"; exit 1; }
grep -q 'id="Microsoft.OpenApi" version="\[2.3.0, 3.0.0)"' <<<"$openapi" || { echo "FAIL: Declarative.Auth.OpenApi must depend on Microsoft.OpenApi [2.3.0, 3.0.0)"; grep dependency <<<"$openapi"; exit 1; }
echo "ok: Declarative.Auth.OpenApi asks for Microsoft.AspNetCore.OpenApi >= 10.0.0 and Microsoft.OpenApi 2.x"

# The testing kit is a plain library on the runtime package: no analyzers of its own, the same version of Declarative.Auth.
testing=$(unzip -p "$packages"/Declarative.Auth.Testing.0.*.nupkg '*.nuspec')
grep -q 'id="Declarative.Auth" version="0.1.0"' <<<"$testing" || { echo "FAIL: Declarative.Auth.Testing must depend on Declarative.Auth 0.1.0"; grep dependency <<<"$testing"; exit 1; }
testingContents=$(unzip -l "$packages"/Declarative.Auth.Testing.0.*.nupkg)
grep -q "lib/net10.0/Declarative.Auth.Testing.dll" <<<"$testingContents" || { echo "FAIL: Declarative.Auth.Testing.dll missing from its package"; exit 1; }
if grep -q "analyzers/" <<<"$testingContents"; then echo "FAIL: the testing kit ships analyzers"; exit 1; fi
echo "ok: Declarative.Auth.Testing packs its library and depends on Declarative.Auth"

echo "== consumer build at the OpenAPI floor (the app's Microsoft.AspNetCore.OpenApi 10.0.0)"
dotnet build "$here/ConsumerApp/ConsumerApp.csproj" -c Release --nologo -v quiet -p:AppOpenApiVersion=10.0.0 -p:DeclarativeAuthDocs=false
echo "ok: builds next to Microsoft.AspNetCore.OpenApi 10.0.0"

echo "== consumer build (from packages only, next to the app's Microsoft.AspNetCore.OpenApi 10.0.12)"
log=$(mktemp)
dotnet build "$here/ConsumerApp/ConsumerApp.csproj" -c Release --nologo --no-incremental 2>&1 | tee "$log"
grep -q "Program.cs(20,5): warning DAUTH001" "$log" || { echo "FAIL: DAUTH001 from the package was not reported on Program.cs line 20"; exit 1; }
count=$(grep -o "warning DAUTH001[^[]*" "$log" | sort -u | wc -l)
[ "$count" -eq 1 ] || { echo "FAIL: expected exactly one DAUTH001, got $count"; exit 1; }
echo "ok: DAUTH001 raised by the packaged analyzer on the undeclared endpoint only"
if [ -n "${DECLARATIVE_AUTH_EXPECT_DOCS:-}" ]; then
  test -s "$here/ConsumerApp/docs/permissions.md" || { echo "FAIL: permissions.md not written"; exit 1; }
  echo "ok: permissions.md written"
fi

echo "== consumer tests"
dotnet test "$here/ConsumerApp.Tests/ConsumerApp.Tests.csproj" -c Release --nologo

echo "== CLI as a dotnet tool"
# The consumer's nuget.config maps Declarative.Auth.* to the local folder (package source mapping).
(cd "$here" && dotnet tool install Declarative.Auth.Cli --tool-path "$root/artifacts/tools" --version "0.1.0" >/dev/null)
"$root/artifacts/tools/declarative-auth" keys create --help | grep -q -- "--permission" || { echo "FAIL: the installed tool does not run"; exit 1; }
echo "ok: declarative-auth installed from the local folder and runs"

#!/usr/bin/env bash
# Compares the verify benchmarks of another commit with the working tree's, in ONE process (interleaved batches),
# so the ratio holds on a shared, loaded machine where two separate BenchmarkDotNet runs drift apart.
#   benchmarks/ab.sh <commit> [Method1,Method2,...] [rounds]
# Builds <commit> in a temporary clone (its benchmark project must have the same VerifyBenchmarks methods; missing
# ones are skipped), builds the working tree, then runs `ab`.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?usage: benchmarks/ab.sh <commit> [methods] [rounds]}
out=$(mktemp -d)
git clone -q --shared . "$out/src" && git -C "$out/src" checkout -q "$commit"
proj=benchmarks/Declarative.Auth.Benchmarks/Declarative.Auth.Benchmarks.csproj
dotnet build "$out/src/$proj" -c Release -nologo -v q -m:1 -o "$out/$commit" >&2
dotnet build "$proj" -c Release -nologo -v q -m:1 >&2
mkdir -p "$out/now" && cp -r benchmarks/Declarative.Auth.Benchmarks/bin/Release/net10.0/. "$out/now/"
dotnet "$out/now/Declarative.Auth.Benchmarks.dll" ab "$out/$commit" "$out/now" "${2:-MiddlewareValid,MiddlewareValidFirstSeen,MiddlewareBadChecksum,MiddlewareUnknown,MiddlewareLacking}" "${3:-40}"

#!/usr/bin/env bash
# Compares the generator + analyzers of another commit with the working tree's on the 2,000-endpoint build benchmark,
# in ONE process (each side's assemblies in its own load context, rounds alternating), so the ratio holds on a shared,
# loaded machine where two separate `run.sh build` runs drift apart.
#   benchmarks/ab-build.sh <commit> [rounds]        (default 7 measured rounds per side, after 2 warm-up rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?usage: benchmarks/ab-build.sh <commit> [rounds]}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
git clone -q --shared . "$out/src" && git -C "$out/src" checkout -q "$commit"
name=$(git -C "$out/src" rev-parse --short HEAD)
build() { dotnet build "$@" -c Release -nologo -v q -m:1 > "$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }; }
for p in src/Generator/Declarative.Auth.Generator.csproj src/Analyzers/Declarative.Auth.Analyzers.csproj; do
  build "$out/src/$p" -o "$out/$name"
  build "$p" -o "$out/now"
done
build benchmarks/Declarative.Auth.Benchmarks/Declarative.Auth.Benchmarks.csproj
dotnet benchmarks/Declarative.Auth.Benchmarks/bin/Release/net10.0/Declarative.Auth.Benchmarks.dll ab-build "$out/$name" "$out/now" "${2:-7}"

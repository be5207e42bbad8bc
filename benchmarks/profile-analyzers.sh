#!/usr/bin/env bash
# Our analyzers' own work at <commit> and in the working tree, as CPU samples inside Declarative.Auth.Analyzers frames
# (dotnet-trace), over the same passes (AnalyzerPasses: SDK analyzers bind first, then ours). Samples count only while a
# thread runs, so the two figures compare on a machine shared with other builds, where wall and process-CPU A/Bs of the
# whole build cannot resolve the analyzers' share.
#   benchmarks/profile-analyzers.sh <commit> [passes]      (default 12)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null || dotnet tool install -g dotnet-trace >/dev/null
commit=${1:?usage: benchmarks/profile-analyzers.sh <commit> [passes]}
out=$(mktemp -d)
git clone -q --shared . "$out/src" && git -C "$out/src" checkout -q "$commit"
name=$(git -C "$out/src" rev-parse --short HEAD)
build() { dotnet build "$@" -c Release -nologo -v q -m:1 > "$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }; }
build "$out/src/src/Analyzers/Declarative.Auth.Analyzers.csproj" -o "$out/$name"
build src/Analyzers/Declarative.Auth.Analyzers.csproj -o "$out/now"
build benchmarks/Declarative.Auth.Benchmarks/Declarative.Auth.Benchmarks.csproj
dll=benchmarks/Declarative.Auth.Benchmarks/bin/Release/net10.0/Declarative.Auth.Benchmarks.dll
for side in "$name" now; do
  dotnet-trace collect --profile dotnet-sampled-thread-time -o "$out/$side.nettrace" -- dotnet "$dll" analyzer-passes "$out/$side" "${2:-12}" >&2
  echo "== $side"
  dotnet "$dll" profile "$out/$side.nettrace" Declarative.Auth.Analyzers 12 | sed -n '1,16p'
done
echo "traces: $out" >&2

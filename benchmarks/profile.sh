#!/usr/bin/env bash
# CPU profiles behind the notes in RESULTS.md (needs dotnet-trace: `dotnet tool install -g dotnet-trace`).
#   benchmarks/profile.sh build            the build benchmark, then where our generator/analyzers spend it
#   benchmarks/profile.sh e2e <mode> [s]   the end-to-end app (off|on|on-public|conventional) under wrk for s seconds
# Each prints the `profile` report of the trace (samples inside Declarative.Auth frames, by entry and by callee);
# e2e also prints the share of the server's CPU samples per middleware frame.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-trace >/dev/null || dotnet tool install -g dotnet-trace >/dev/null
dotnet build benchmarks/Declarative.Auth.Benchmarks/Declarative.Auth.Benchmarks.csproj -c Release -nologo -v q >&2
dll=benchmarks/Declarative.Auth.Benchmarks/bin/Release/net10.0/Declarative.Auth.Benchmarks.dll
out=$(mktemp -d)
case "${1:-}" in
  build)
    dotnet-trace collect --profile dotnet-sampled-thread-time -o "$out/build.nettrace" -- dotnet "$dll" build >&2
    dotnet "$dll" profile "$out/build.nettrace" Declarative.Auth 30 ;;
  e2e)
    mode=${2:-on}; seconds=${3:-8}
    command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
    key=$(dotnet "$dll" key)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    DAUTH_BENCH_KEY=$key dotnet "$dll" serve "$mode" "$port" & server=$!
    trap 'kill $server 2>/dev/null || true' EXIT
    until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do sleep 0.2; done
    wrk -t1 -c32 -d2s -H "Authorization: Bearer $key" "http://127.0.0.1:$port/monitors" >/dev/null # warm-up
    pid=$(pgrep -f "serve $mode $port" | head -1)
    dotnet-trace collect -p "$pid" --profile dotnet-sampled-thread-time --duration "00:00:00:$(printf %02d "$seconds")" -o "$out/e2e-$mode.nettrace" >/dev/null &
    tracer=$!
    sleep 1
    wrk -t1 -c32 -d"$((seconds - 2))s" -H "Authorization: Bearer $key" "http://127.0.0.1:$port/monitors"
    wait $tracer
    dotnet "$dll" profile "$out/e2e-$mode.nettrace" Microsoft.AspNetCore 40 ;;
  *) echo "usage: $0 build | e2e <off|on|on-public|conventional> [seconds]" >&2; exit 2 ;;
esac
echo "trace: $out" >&2

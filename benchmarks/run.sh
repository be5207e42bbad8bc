#!/usr/bin/env bash
# Issue 8 benchmarks, from a clean clone: builds Release, installs wrk if missing, runs
#   verify   (BenchmarkDotNet, in-process short job: ours vs the conventional handler + policy vs no auth)
#   build    (generator + analyzers over 2,000 generated endpoints; incremental rerun)
#   startup  (host build -> first answer, 2,000 endpoints, fresh processes)
#   e2e      (Kestrel on 127.0.0.1:<free port> + wrk: off / ours / conventional, interleaved rounds)
#   limits   (BenchmarkDotNet: the failed-attempt guard under an address flood, 10k / 200k addresses, before vs now;
#             then the memory it holds after 10k ... 1M addresses)                       [not in the default set]
#   flood    (SQLite store + wrk: a legitimate client next to valid-key / unknown-key / bad-checksum floods,
#             store-lookup budget on and off)                                             [not in the default set]
# and prints ONE summary table. Usage: benchmarks/run.sh [verify|build|startup|e2e ...]  (default: all)
# Env: E2E_SECONDS (default 3), E2E_ROUNDS (5), STARTUP_ROUNDS (1), VERIFY_ARGS (e.g. --long),
#      FLOOD_SECONDS (3), FLOOD_ROUNDS (5), LIMITS_ARGS (e.g. --long).
set -euo pipefail
cd "$(dirname "$0")/.."
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(verify build startup e2e)

if ! command -v wrk >/dev/null 2>&1 && [[ " ${parts[*]} " == *" e2e "* || " ${parts[*]} " == *" flood "* ]]; then
  echo "installing wrk (Debian package)..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi

dotnet build benchmarks/Declarative.Auth.Benchmarks/Declarative.Auth.Benchmarks.csproj -c Release -nologo -v q >&2
bench="dotnet benchmarks/Declarative.Auth.Benchmarks/bin/Release/net10.0/Declarative.Auth.Benchmarks.dll"

out=$(mktemp -d)
export BENCH_SUMMARY="$out/summary.tsv"
export BENCH_ARTIFACTS="$out/bdn"
: > "$BENCH_SUMMARY"
for part in "${parts[@]}"; do
  echo "== $part" >&2
  case "$part" in
    verify)  $bench verify ${VERIFY_ARGS:-} > "$out/verify.log" 2>&1 || { tail -50 "$out/verify.log" >&2; exit 1; } ;;
    build)   $bench build   2>&1 | tee "$out/build.log" | { grep -v '^SUMMARY' || true; } >&2 ;;
    startup) $bench startup "${STARTUP_ROUNDS:-1}" 2>&1 | tee "$out/startup.log" | { grep -v '^SUMMARY' || true; } >&2 ;;
    e2e)     $bench e2e "${E2E_SECONDS:-3}" "${E2E_ROUNDS:-5}" 2>&1 | tee "$out/e2e.log" | { grep -v '^SUMMARY' || true; } >&2 ;;
    limits)  $bench limits ${LIMITS_ARGS:-} > "$out/limits.log" 2>&1 || { tail -50 "$out/limits.log" >&2; exit 1; } ;;
    flood)   $bench flood "${FLOOD_SECONDS:-3}" "${FLOOD_ROUNDS:-5}" 2>&1 | tee "$out/flood.log" | { grep -v '^SUMMARY' || true; } >&2 ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
  esac
done

echo
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), .NET $(dotnet --version)"
echo "Logs (BenchmarkDotNet reports included): $out"
echo
{ printf 'area\tmeasure\tvalue\ttarget\tstatus\n'; cat "$BENCH_SUMMARY"; } | column -t -s $'\t'

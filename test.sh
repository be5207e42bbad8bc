#!/usr/bin/env bash
# Runs every test of the solution and ends with one summary line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"
log=$(mktemp)
dotnet test Declarative.sln "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -E '^(Passed|Failed)!' "$log" | grep -Eo 'Passed: +[0-9]+' | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
failed=$(grep -E '^(Passed|Failed)!' "$log" | grep -Eo 'Failed: +[0-9]+' | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
skipped=$(grep -E '^(Passed|Failed)!' "$log" | grep -Eo 'Skipped: +[0-9]+' | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
rm -f "$log"
echo
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"

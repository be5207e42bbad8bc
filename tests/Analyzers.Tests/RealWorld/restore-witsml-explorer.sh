#!/usr/bin/env bash
# Restores RealWorld/WitsmlExplorer (upstream third-party sources, never committed here; see README.md) from a clone
# of https://github.com/equinor/witsml-explorer: restore-witsml-explorer.sh <clone or git dir>. Each file gets a
# two-line header naming its origin, so a fixture's line N is upstream line N-2.
set -euo pipefail
repo=${1:?usage: restore-witsml-explorer.sh <clone or git dir of github.com/equinor/witsml-explorer>}
commit=f241760314526a188d8c326c61f051a0f4a0de49
out="$(cd "$(dirname "$0")" && pwd)/WitsmlExplorer"
files=(Program.cs Startup.cs Routes.cs Extensions/WebApplicationExtensions.cs Services/NotificationsHub.cs)
for f in "${files[@]}"; do
  mkdir -p "$out/$(dirname "$f")"
  {
    echo "// Upstream: github.com/equinor/witsml-explorer, Src/WitsmlExplorer.Api/$f at commit $commit."
    echo "// Apache License 2.0, Copyright 2021 Equinor ASA. Copied unchanged below this header (BOM removed) as a test fixture."
    git -C "$repo" show "$commit:Src/WitsmlExplorer.Api/$f" | sed '1s/^\xEF\xBB\xBF//'
  } > "$out/$f.txt"
done
echo "restored ${#files[@]} files into $out"

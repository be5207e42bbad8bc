#!/usr/bin/env bash
# Restores RealWorld/FlowSynx (upstream third-party sources, never committed here; see README.md) from a clone of
# https://github.com/flowsynx/flowsynx: restore-flowsynx.sh <clone or git dir>. Each file gets a two-line header
# naming its origin, so a fixture's line N is upstream line N-2.
set -euo pipefail
repo=${1:?usage: restore-flowsynx.sh <clone or git dir of github.com/flowsynx/flowsynx>}
commit=386566db2a2d6433f18962419056d71f58dc4e6f
out="$(cd "$(dirname "$0")" && pwd)/FlowSynx"
files=(
  Program.cs
  Hubs/WorkflowsHub.cs
  Endpoints/EndpointGroupBase.cs Endpoints/Activities.cs Endpoints/Audits.cs Endpoints/Execute.cs
  Endpoints/Tenants.cs Endpoints/Version.cs Endpoints/WorkflowApplications.cs Endpoints/Workflows.cs
  Extensions/ApplicationBuilderExtensions.cs Extensions/AuthorizationExtensions.cs
  Extensions/EndpointRouteBuilderExtensions.cs Extensions/WebApplicationExtensions.cs
  Security/Permissions.cs Security/CustomClaimTypes.cs Security/PermissionRequirement.cs
)
for f in "${files[@]}"; do
  mkdir -p "$out/$(dirname "$f")"
  {
    echo "// Upstream: github.com/flowsynx/flowsynx, src/FlowSynx/$f at commit $commit."
    echo "// MIT License, Copyright (c) 2023 FlowSynx. Copied unchanged below this header (BOM removed) as a test fixture."
    git -C "$repo" show "$commit:src/FlowSynx/$f" | sed '1s/^\xEF\xBB\xBF//'
  } > "$out/$f.txt"
done
echo "restored ${#files[@]} files into $out"

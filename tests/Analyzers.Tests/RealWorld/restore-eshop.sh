#!/usr/bin/env bash
# Restores RealWorld/eShop (upstream third-party sources, never committed here; see README.md) from a clone of
# https://github.com/dotnet/eShop: restore-eshop.sh <clone or git dir>. Headers: two lines (fixture line N is
# upstream line N-2), four for CatalogApi.cs (N-4), whose handler bodies the tests do not need.
set -euo pipefail
repo=${1:?usage: restore-eshop.sh <clone or git dir of github.com/dotnet/eShop>}
out="$(cd "$(dirname "$0")" && pwd)/eShop"
copy() { # path commit [extra header line...]
  local path=$1 commit=$2; shift 2
  mkdir -p "$out/$(dirname "$path")"
  {
    echo "// Upstream: github.com/dotnet/eShop, src/$path at commit $commit."
    echo "// MIT License, Copyright (c) .NET Foundation and Contributors. Copied unchanged below this header as a test fixture."
    for line in "$@"; do echo "$line"; done
    git -C "$repo" show "$commit:src/$path" | sed '1s/^\xEF\xBB\xBF//'
  } > "$out/$path.txt"
}
copy Ordering.API/Program.cs 3970c3b782ff7848eabe11b0311a03a88ddb2c63
copy Ordering.API/Apis/OrdersApi.cs 00cd2dd734019611ed1ba1a64cd73f7e684665b0
copy Webhooks.API/Program.cs 3970c3b782ff7848eabe11b0311a03a88ddb2c63
copy Webhooks.API/Apis/WebHooksApi.cs 3970c3b782ff7848eabe11b0311a03a88ddb2c63
copy Catalog.API/Apis/CatalogApi.cs 01a3b90d01bc32f10c3acbb733e4ef0af36c44b9 \
  "// The handler bodies are not needed by the tests (compile errors inside bodies are expected anyway);" \
  "// they are kept as upstream wrote them."
copy eShop.ServiceDefaults/Extensions.cs 0db17b45fefd088784d410707e477cfc4d6a503d
echo "restored 6 files into $out"

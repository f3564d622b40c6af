#!/usr/bin/env bash
# Installs Debian's pypy3 (PyPy 7.3, Python 3.9, standard library only) for the PyPy harness run of
# `npm run bench:model` when it is missing. Idempotent and quiet (apt's output is shown only when it fails).
set -euo pipefail

if ! command -v pypy3 >/dev/null; then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  echo "installing pypy3 from Debian's packages" >&2
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! { "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pypy3; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
fi
pypy3 --version | tail -1

#!/usr/bin/env bash
# Installs Debian's chromium for the browser test (test/http/browser.test.ts) when it is missing: Playwright's
# own browser download cannot reach its servers here, so playwright-core drives /usr/bin/chromium.
# Idempotent and quiet (apt's output is shown only when it fails); prints the version.
set -euo pipefail

if [[ ! -x /usr/bin/chromium ]]; then
  sudo=()
  ((EUID == 0)) || sudo=(sudo)
  echo "installing chromium from Debian's packages" >&2
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  if ! { "${sudo[@]}" apt-get update -qq &&
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
  fi
fi
# The binary itself, not Debian's /usr/bin/chromium wrapper, whose /dev/shm check warns on machines
# where /dev/shm is mounted twice; the version is the same.
/usr/lib/chromium/chromium --version

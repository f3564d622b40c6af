#!/usr/bin/env bash
# Builds the Docker image and checks it for real without a Docker engine: podman (chroot build,
# runc runtime) on a locally made base image. Prints PASS/FAIL per check, exits 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE="${BASE_IMAGE:-localhost/node:24-bookworm-slim}"
IMAGE="${IMAGE:-localhost/task-advisor:check}"
CTR="task-advisor-check-$$"
# crun fails here on setrlimit; runc with explicit ulimits works
RUN_OPTS=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --network host)

failed=0
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; failed=1; }
start=$SECONDS
phase_start=$SECONDS
phase() { echo "time: $1 $((SECONDS - phase_start))s"; phase_start=$SECONDS; }

tmp="$(mktemp -d)"
cleanup() {
  podman rm -f "$CTR" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# --- tools: Debian's packages, installed only when missing (needs root) ---
missing=()
for tool in podman buildah runc debootstrap; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
phase tools

# --- lint: hadolint is not installable here; dockerfile-utils checks syntax and exits 1 on errors ---
if npx --yes dockerfile-utils@0.16.3 lint Dockerfile; then pass "lint Dockerfile"; else fail "lint Dockerfile"; exit 1; fi
phase lint

# --- base image (cached as a podman image) ---
bash scripts/docker-base-image.sh
phase base-image

# --- build ---
# npm inside the build must trust this machine's CA bundle. A folder with the bundle and an npmrc
# naming it is bind-mounted, for the build only, over /usr/local/etc (npm's global config folder
# when node lives in /usr/local, as in the official image; an existing empty folder, so nothing is
# left in the image). The Dockerfile stays unchanged for real engines.
# --format docker keeps HEALTHCHECK (OCI format drops it); chroot isolation because the
# default runtime fails on this cgroup setup.
mkdir "$tmp/etc"
cp /etc/ssl/certs/ca-certificates.crt "$tmp/etc/host-ca.crt"
printf 'cafile=/usr/local/etc/host-ca.crt\n' >"$tmp/etc/npmrc"
if podman build --quiet --isolation chroot --format docker --network host \
    --build-arg NODE_IMAGE="$BASE_IMAGE" \
    -v "$tmp/etc:/usr/local/etc:ro" \
    -t "$IMAGE" . >"$tmp/build.log" 2>&1; then
  pass "build $IMAGE"
else
  tail -40 "$tmp/build.log"; fail "build $IMAGE"; exit 1
fi
phase build

# --- run on a free port of 127.0.0.1 ---
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
url="http://127.0.0.1:$port"
# podman tries to schedule the HEALTHCHECK with systemd timers, absent here: its errors go to a
# log shown only on failure, and the check is run once by hand below instead
podman run -d --name "$CTR" "${RUN_OPTS[@]}" -e PORT="$port" "$IMAGE" >/dev/null 2>"$tmp/podman.log" \
  || { cat "$tmp/podman.log"; fail "podman run"; exit 1; }
up=0
for _ in $(seq 1 60); do
  if curl -fsS -o /dev/null "$url/health" 2>/dev/null; then up=1; break; fi
  sleep 0.5
done
if ((up)); then pass "GET /health on port $port"; else podman logs "$CTR" | tail -20; fail "GET /health on port $port"; exit 1; fi
phase start

# --- behaviour (each probe tolerates errors so a failure prints its FAIL line) ---
# post_check <path> <json body> <field the 200 reply must hold> <what it shows>
post_check() {
  local out="$tmp/reply.json" code
  code="$(curl -sS -o "$out" -w '%{http_code}' -H 'content-type: application/json' -d "$2" "$url$1" || true)"
  if [[ "$code" == 200 ]] && grep -q "\"$3\"" "$out"; then pass "POST $1 $4"; else fail "POST $1 answered $code: $(head -c 300 "$out")"; fi
}
post_check /advise '{"tasks":500,"cpuMsPerTask":100,"waitMsPerTask":200,"cores":8}' recommendation 'answers 200 with a recommendation'

# The page at / ships in the image: its HTML and the chart library it loads from node_modules
page_ok=1
for path in / /page.js /vendor/chart.umd.min.js /vendor/highlight/core.min.js; do
  code="$(curl -sS -o /dev/null -w '%{http_code}' "$url$path" || true)"
  [[ "$code" == 200 ]] || { page_ok=0; fail "GET $path answered $code"; }
done
if ((page_ok)); then pass "GET / serves the page and its libraries"; fi

# The pools start inside the container: readiness, then a small job on the forked processes
code="$(curl -sS -o /dev/null -w '%{http_code}' "$url/ready" || true)"
if [[ "$code" == 200 ]]; then pass "GET /ready: the pools are started"; else fail "GET /ready answered $code"; fi
post_check /jobs '{"pool":"processes","tasks":4,"cpuMsPerTask":5,"waitMsPerTask":5}' wallMs 'runs a sample job on the process pool'

# The server process itself (not only the image's USER): its real uid, read from /proc inside. Found by its
# command line: Node 24 names its main thread "MainThread", so /proc/PID/status no longer says "node".
node_user="$(podman exec "$CTR" sh -c 'for p in /proc/[0-9]*; do
    if tr "\0" " " <"$p/cmdline" 2>/dev/null | grep -q "^node dist/src/server.js"; then
      id -un "$(awk "/^Uid:/{print \$2}" "$p/status")"; break
    fi
  done' || true)"
if [[ "$node_user" == node ]]; then pass "node process runs as user node"; else fail "node process runs as '$node_user'"; fi

pid1="$(podman exec "$CTR" cat /proc/1/comm || true)"
if [[ "$pid1" == tini ]]; then pass "PID 1 is tini"; else fail "PID 1 is '$pid1', not tini"; fi

hc="$(podman image inspect --format '{{json .Config.Healthcheck}}' "$IMAGE" || true)"
if [[ "$hc" == *"/health"* ]]; then pass "HEALTHCHECK in image config"; else fail "HEALTHCHECK missing: $hc"; fi
if podman healthcheck run "$CTR" >>"$tmp/podman.log" 2>&1; then pass "HEALTHCHECK command reports healthy"
else tail -5 "$tmp/podman.log"; fail "HEALTHCHECK command reports unhealthy"; fi
phase checks

# --- graceful stop: SIGTERM through tini to node, close-with-grace exits 0 ---
podman stop -t 15 "$CTR" >/dev/null 2>>"$tmp/podman.log" || true
exit_code="$(podman inspect --format '{{.State.ExitCode}}' "$CTR" || true)"
if [[ "$exit_code" == 0 ]]; then pass "podman stop: exit code 0"; else podman logs "$CTR" | tail -10; fail "podman stop: exit code $exit_code"; fi
phase stop

echo "time: total $((SECONDS - start))s"
if ((failed)); then echo "docker:check FAILED"; exit 1; fi
echo "docker:check passed"

#!/usr/bin/env bash
# `docker run --rm --runtime R busybox true` through the docker CLI against one Berth daemon, for
# R = berth, runc, crun, alternating per round so load drifts hit each alike. Run on purpose as
# root, not in CI:
#   bench/containers/runtimes.sh [ROUNDS]
# Prints the median and mean wall time per run for each runtime, their ratio to berth, and the
# load average.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-15}"
work="$(mktemp -d /tmp/berth-runtimes-bench.XXXXXX)"
daemon=
cleanup() {
    [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
    grep " $work" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$repo/bin/berth" daemon --data-root "$work/data" --exec-root "$work/exec" -H "unix://$work/berth.sock" \
    --bridge none --iptables=false >"$work/berth.log" 2>&1 &
daemon=$!
export DOCKER_HOST="unix://$work/berth.sock"
for _ in $(seq 1 150); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
docker version >/dev/null 2>&1 || { echo "berth did not start" >&2; cat "$work/berth.log" >&2; exit 1; }
"$repo/bin/berth" image bootstrap busybox >/dev/null

runtimes=(berth runc crun)
for r in "${runtimes[@]}"; do
    for _ in 1 2 3; do docker run --rm --runtime "$r" busybox true; done  # warm-up
done
for _ in $(seq 1 "$rounds"); do
    for r in "${runtimes[@]}"; do
        t0=$(date +%s.%N)
        docker run --rm --runtime "$r" busybox true
        t1=$(date +%s.%N)
        echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}' >>"$work/$r.times"
    done
done
base=$(sort -n "$work/berth.times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
for r in "${runtimes[@]}"; do
    sort -n "$work/$r.times" | awk -v r="$r" -v base="$base" \
        '{a[NR]=$1; s+=$1} END {m=a[int((NR+1)/2)]; printf "%-6s median %.3f s  mean %.3f s  (%.2fx berth)\n", r, m, s/NR, m/base}'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

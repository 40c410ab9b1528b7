#!/usr/bin/env bash
# What Docker's default seccomp profile costs `docker run --rm busybox true` on Berth: one daemon,
# runs with the default filter and with --security-opt seccomp=unconfined taken in turn (so a
# change of machine load falls on both alike). Run on purpose as root, not in CI:
#   bench/containers/seccomp-cost.sh [PAIRS]
# Prints the median wall time of each and their difference, with the load average.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
pairs="${1:-40}"
work="$(mktemp -d /tmp/berth-seccomp-bench.XXXXXX)"
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
    grep " $work" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$repo/bin/berth" daemon --data-root "$work/data" --exec-root "$work/exec" -H "unix://$work/berth.sock" \
    --bridge none --iptables=false >"$work/berth.log" 2>&1 &
pid=$!
export DOCKER_HOST="unix://$work/berth.sock"
for _ in $(seq 1 150); do docker version >/dev/null 2>&1 && break; sleep 0.2; done
"$repo/bin/berth" image bootstrap busybox >/dev/null

run() {  # prints the wall time of one run, in milliseconds
    local t0 t1
    t0=$(date +%s%N)
    docker run --rm --network none "$@" busybox true
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000))
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%.2f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2) / 1000}'; }

for _ in 1 2 3 4 5; do run >/dev/null; run --security-opt seccomp=unconfined >/dev/null; done  # warm-up
: >"$work/default"; : >"$work/unconfined"
for _ in $(seq 1 "$pairs"); do
    run >>"$work/default"
    run --security-opt seccomp=unconfined >>"$work/unconfined"
done
d=$(median <"$work/default"); u=$(median <"$work/unconfined")
printf 'docker run --rm busybox true, %d runs each, load average %s\n' "$pairs" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  default seccomp profile:  median %s ms\n' "$d"
printf '  seccomp=unconfined:       median %s ms\n' "$u"
printf '  cost of the filter:       %.2f ms\n' "$(echo "$d - $u" | bc -l)"

#!/usr/bin/env bash
# `docker run --rm busybox true` through the docker CLI, against Berth and against dockerd
# (Debian's docker.io) in one run, with the same busybox image in both (saved from Berth, loaded
# into dockerd). Run on purpose as root, not in CI:
#   bench/containers/run-rm-true.sh [RUNS]
# Prints the mean and median wall time per run for each engine and their ratio, and the resident
# memory of a Berth shim supervising a running container.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-20}"
work="$(mktemp -d /tmp/berth-run-bench.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    grep " $work" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$repo/bin/berth" daemon --data-root "$work/berth-data" --exec-root "$work/berth-exec" \
    -H "unix://$work/berth.sock" >"$work/berth.log" 2>&1 &
pids+=($!)
/usr/sbin/dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
    --pidfile "$work/docker.pid" --bridge=none --iptables=false --ip6tables=false >"$work/dockerd.log" 2>&1 &
pids+=($!)
for sock in berth docker; do
    for _ in $(seq 1 150); do DOCKER_HOST="unix://$work/$sock.sock" docker version >/dev/null 2>&1 && break; sleep 0.2; done
    DOCKER_HOST="unix://$work/$sock.sock" docker version >/dev/null 2>&1 || { echo "$sock did not start" >&2; exit 1; }
done

DOCKER_HOST="unix://$work/berth.sock" "$repo/bin/berth" image bootstrap busybox >/dev/null
DOCKER_HOST="unix://$work/berth.sock" docker save busybox:latest | DOCKER_HOST="unix://$work/docker.sock" docker load >/dev/null

measure() {  # $1 = engine name; prints one duration per run (seconds)
    local host="unix://$work/$1.sock" i t0 t1
    for i in 1 2 3; do DOCKER_HOST="$host" docker run --rm --network none busybox true; done  # warm-up
    for i in $(seq 1 "$runs"); do
        t0=$(date +%s.%N)
        DOCKER_HOST="$host" docker run --rm --network none busybox true
        t1=$(date +%s.%N)
        echo "$t1 - $t0" | bc -l
    done
}
stats() { sort -n | awk '{a[NR]=$1; s+=$1} END {printf "%.3f %.3f\n", s/NR, (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

read -r berth_mean berth_median < <(measure berth | stats)
read -r docker_mean docker_median < <(measure docker | stats)
printf 'docker run --rm busybox true, %d runs each\n' "$runs"
printf '  berth:   mean %ss  median %ss\n' "$berth_mean" "$berth_median"
printf '  dockerd: mean %ss  median %ss\n' "$docker_mean" "$docker_median"
printf '  ratio berth/dockerd (mean): %.2f\n' "$(echo "$berth_mean / $docker_mean" | bc -l)"

id=$(DOCKER_HOST="unix://$work/berth.sock" docker run -d busybox sleep 30)
shim=$(pgrep -f "berth-shim .*$work/berth-exec/containers/$id" | head -1 || true)
if [ -n "$shim" ]; then
    printf '  berth-shim resident memory while supervising: %s\n' "$(grep VmRSS /proc/"$shim"/status | awk '{print $2" "$3}')"
fi
DOCKER_HOST="unix://$work/berth.sock" docker rm -f "$id" >/dev/null

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
. "$repo/bench/lib/engines.sh"
engines_init berth-run-bench
berth_start
dockerd_start
engines_wait
busybox_load

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

#!/usr/bin/env bash
# Every figure of issue 14 in one run: Berth against dockerd 20.10 (Debian's docker.io, with its own
# containerd and runc), through the same docker CLI, each timed figure measured alternately
# (berth, dockerd, berth, dockerd, ...) so that load from elsewhere hits both alike. Reported, not
# asserted. Run on purpose as root on a quiet machine, not in CI:
#   bench/engine-vs-dockerd.sh [RUNS]          RUNS per figure and engine, default 10 (2 for a smoke run)
#   PULL=0 bench/engine-vs-dockerd.sh ...      without the pull (needs docker-registry, ~150 MB in /tmp)
# Prints, per figure, median / min / max of each engine and berth/dockerd of the medians, and the
# load average during the run.
#
# What is measured:
# - latencies: wall time of one docker CLI command (the CLI's own ~20 ms included in both), after two
#   untimed warm-ups per engine. `docker start` starts a created `busybox true`.
# - memory: RSS of the daemon process; for dockerd, dockerd plus its containerd (the per-container
#   shims of either engine not counted). Idle: after start-up, image load and the warm-ups, no
#   container. With 50: 50 `busybox sleep` running. After: those 50 removed, 5 s later. Sampled
#   RUNS times, 1 s apart.
# - `berth ps` against `docker ps`: both against the same Berth daemon with the 50 containers.
# Both engines run with --bridge=none (no bridges or iptables rules on this shared machine), so the
# default network of each is a namespace with only lo; bench/containers/network-vs-dockerd.sh sets
# them against each other on bridges.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
runs="${1:-10}"
. "$repo/bench/lib/engines.sh"
engines_init berth-engine-bench

pull=${PULL:-1}
if [ "$pull" != 0 ]; then  # the registry and its image first, before anything is measured
    echo "pull: making a 6-layer image in a local registry ..." >&2
    registry_start
    image="127.0.0.1:$registry_port/bench/big:1"
    python3 "$repo/bench/make-registry-image.py" "127.0.0.1:$registry_port" bench/big 1 6 25 >/dev/null
fi
berth_start
if [ "$pull" != 0 ]; then dockerd_start --insecure-registry "127.0.0.1:$registry_port"; else dockerd_start; fi
engines_wait
busybox_load
containerd_pid=$(pgrep -P "$dockerd_pid" -x containerd)

# One record: figure engine value load
record() { echo "$1 $2 $3 $(cut -d' ' -f1 /proc/loadavg)" >>"$work/figures"; }
# Wall time in ms of a command: figure engine command...
timed() {
    local figure=$1 engine=$2 t0 t1
    shift 2
    t0=$(date +%s%N)
    "$@" >/dev/null
    t1=$(date +%s%N)
    record "$figure" "$engine" "$(((t1 - t0) / 1000))"  # µs
}
d() { local engine=$1; shift; DOCKER_HOST="$(host "$engine")" DOCKER_CONFIG="$work/cli" docker "$@"; }
rss_kib() { awk '/^VmRSS/ {s += $2} END {print s}' "${@/#//proc/}" 2>/dev/null; }
rss() {  # figure: RUNS samples of both daemons' RSS in MiB, 1 s apart
    for _ in $(seq 1 "$runs"); do
        record "$1" berth "$(($(rss_kib "$berth_pid/status") / 1024))"
        record "$1" docker "$(($(rss_kib "$dockerd_pid/status" "$containerd_pid/status") / 1024))"
        sleep 1
    done
}
# Each figure: RUNS rounds of (berth, dockerd), after two untimed rounds.
alternate() {  # figure, then a function of (figure, engine)
    local i engine
    for i in $(seq -1 "$runs"); do
        for engine in berth docker; do
            if [ "$i" -le 0 ]; then "$2" warmup "$engine"; else "$2" "$1" "$engine"; fi
        done
    done
}
exec_true() { timed "$1" "$2" d "$2" exec bench-exec true; }
run_true() { timed "$1" "$2" d "$2" run --rm busybox true; }
run_none_true() { timed "$1" "$2" d "$2" run --rm --network none busybox true; }
start_true() { local id; id=$(d "$2" create busybox true); timed "$1" "$2" d "$2" start "$id"; d "$2" rm -f "$id" >/dev/null; }
ps_50() { timed "$1" "$2" d "$2" ps; }
# the same Berth daemon: "berth" is the berth CLI, "docker" the docker CLI
cli_ps() {
    if [ "$2" = berth ]; then timed "$1" berth env DOCKER_HOST="$(host berth)" "$repo/bin/berth" ps
    else timed "$1" docker d berth ps; fi
}

echo "warming up, $runs runs per figure ..." >&2
for engine in berth docker; do d "$engine" run --rm busybox true >/dev/null; done
sleep 2
rss rss-idle
for engine in berth docker; do d "$engine" run -d --name bench-exec busybox sleep 1d >/dev/null; done
alternate exec exec_true
for engine in berth docker; do d "$engine" rm -f bench-exec >/dev/null; done
alternate run run_true
alternate run-none run_none_true
alternate start start_true
echo "50 containers ..." >&2
for i in $(seq 1 50); do
    for engine in berth docker; do d "$engine" run -d busybox sleep 1d >/dev/null; done
done
alternate ps-50 ps_50
alternate berth-ps cli_ps
rss rss-50
for engine in berth docker; do d "$engine" rm -f $(d "$engine" ps -aq) >/dev/null; done
sleep 5
rss rss-after

if [ "$pull" != 0 ]; then
    pull_image() {
        timed "$1" "$2" d "$2" pull -q "$image"
        d "$2" rmi "$image" >/dev/null
        sync
    }
    alternate pull pull_image
fi

python3 - "$work/figures" "$runs" <<'PY'
import statistics, sys
rows = [  # figure, what, unit, target (berth/dockerd)
    ("exec", "docker exec CT true", "ms", "<= 0.3"),
    ("run", "docker run --rm busybox true", "ms", "<= 0.15"),
    ("run-none", "docker run --rm --network none busybox true", "ms", "<= 0.15"),
    ("start", "docker start of a created container", "ms", "<= 0.15"),
    ("rss-idle", "idle daemon RSS (dockerd + containerd)", "MiB", "<= 0.75"),
    ("rss-50", "daemon RSS with 50 running containers", "MiB", "<= 0.8"),
    ("rss-after", "daemon RSS after those 50 are removed", "MiB", "back to idle"),
    ("ps-50", "docker ps with 50 containers", "ms", "<= 0.6"),
    ("pull", "cold pull, 6 layers ~150 MB, local registry", "ms", "<= 0.25"),
    ("berth-ps", "berth ps | docker ps (same Berth daemon)", "ms", "<= 2"),
]
values, loads = {}, []
for line in open(sys.argv[1]):
    figure, engine, value, load = line.split()
    if figure == "warmup":
        continue
    # latencies are recorded in µs, memory in MiB
    values.setdefault((figure, engine), []).append(float(value) / (1 if figure.startswith("rss") else 1000))
    loads.append(float(load))
def cell(v, unit):
    return f"{statistics.median(v):7.0f} ({min(v):.0f}-{max(v):.0f}) {unit}"
print(f"{'figure':46s} {'berth median (min-max)':>26s} {'dockerd median (min-max)':>26s}  ratio  target")
for figure, what, unit, target in rows:
    b, d = values.get((figure, "berth")), values.get((figure, "docker"))
    if not b or not d:
        continue
    ratio = statistics.median(b) / statistics.median(d)
    print(f"{what:46s} {cell(b, unit):>26s} {cell(d, unit):>26s}  {ratio:5.2f}  {target}")
print(f"{sys.argv[2]} runs per figure and engine, alternating; load average (1 min) during the run "
      f"{min(loads):.1f}-{max(loads):.1f}, median {statistics.median(loads):.1f}")
PY

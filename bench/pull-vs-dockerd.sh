#!/usr/bin/env bash
# Pull of a ~150 MB multi-layer image from a local registry: Berth daemon versus dockerd, same
# machine, same registry, same client (the docker CLI). Reported, not asserted.
#
# usage: bench/pull-vs-dockerd.sh [RUNS] [LAYERS] [MB_PER_LAYER]     (defaults 3, 6, 25)
#
# Measured 2026-11-27 22:11 UTC on the shared 2-core dev machine, 6 layers / 147 MB compressed,
# 7 alternating pulls each, median (first, cold-JIT pull included in the runs):
#   load ~4:   berth 1.83 s, dockerd 4.62 s  -> dockerd/berth 2.52x   (22:34 UTC)
#   load ~1.4: berth 1.29 s, dockerd 3.37 s  -> dockerd/berth 2.62x   (2026-11-28 01:06 UTC, 5 runs)
#   load ~8:   berth 2.42 s, dockerd 6.72 s  -> dockerd/berth 2.78x
#   load ~12:  berth 4.81 s, dockerd 7.67 s  -> 1.60x (before the LayerFeed fix: GC pauses)
# Daemon CPU per warm pull (user+sys): berth ~1.5 s, dockerd ~3.0 s.
# Earlier (one daemon after the other, before the pull-speed work): 1.42x quiet, 0.52x at load 20.
#
# Needs root, docker-registry, dockerd (apt docker.io), python3, and a built Berth
# (mvn -pl berth-cli,berth-daemon -am package -DskipTests). Everything lives under a temp dir and is removed.
set -euo pipefail
runs=${1:-3}; layers=${2:-6}; mb=${3:-25}
repo="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
. "$repo/bench/lib/engines.sh"
engines_init berth-bench-pull
export DOCKER_CONFIG="$work/cli"

registry_start
image="127.0.0.1:$registry_port/bench/big:1"
python3 "$repo/bench/make-registry-image.py" "127.0.0.1:$registry_port" bench/big 1 "$layers" "$mb"

# One pull against DOCKER_HOST $1, timed, then the image removed again.
time_pull() {
  local host=$1 name=$2 start end
  start=$(date +%s.%N)
  DOCKER_HOST=$host docker pull -q "$image" > /dev/null
  end=$(date +%s.%N)
  echo "$name $(echo "$end - $start" | bc) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$work/times"
  DOCKER_HOST=$host docker rmi "$image" > /dev/null
  sync
}

# Both daemons run side by side and the pulls alternate, so that on a shared machine a burst of
# load from elsewhere hits both about equally. Berth as users run it (bin/berth daemon).
berth_start
dockerd_start --insecure-registry "127.0.0.1:$registry_port"
engines_wait
for i in $(seq "$runs"); do
  time_pull "$(host berth)" berth
  time_pull "$(host docker)" dockerd
done

python3 - "$work/times" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    name, t = line.split()[:2]
    times.setdefault(name, []).append(float(t))
b, d = statistics.median(times["berth"]), statistics.median(times["dockerd"])
print(f"median pull: berth {b:.2f}s, dockerd {d:.2f}s; dockerd/berth = {d / b:.2f}x")
print("first pulls (cold JIT / cold daemon) included; the pulls alternate berth, dockerd, berth, ...")
PY

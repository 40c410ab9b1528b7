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
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
work="$(mktemp -d /tmp/berth-bench-pull.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  if [ -f "$work/dockerd.pid" ]; then kill "$(cat "$work/dockerd.pid")" 2>/dev/null || true; sleep 3; fi
  grep -F "$work" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/registry.yml" <<YML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $work/registry}}
http: {addr: 127.0.0.1:$port}
YML
/usr/bin/docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
pids+=($!)
until curl -fs "http://127.0.0.1:$port/v2/" > /dev/null; do sleep 0.2; done
image="127.0.0.1:$port/bench/big:1"
python3 "$root/bench/make-registry-image.py" "127.0.0.1:$port" bench/big 1 "$layers" "$mb"

# One pull against DOCKER_HOST $1, timed, then the image removed again.
time_pull() {
  local host=$1 name=$2 start end
  start=$(date +%s.%N)
  DOCKER_HOST=$host DOCKER_CONFIG=$work/cli docker pull -q "$image" > /dev/null
  end=$(date +%s.%N)
  echo "$name $(echo "$end - $start" | bc) load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$work/times"
  DOCKER_HOST=$host DOCKER_CONFIG=$work/cli docker rmi "$image" > /dev/null
  sync
}

# Both daemons run side by side and the pulls alternate, so that on a shared machine a burst of
# load from elsewhere hits both about equally.
# Berth as users run it: bin/berth daemon (full JIT, serial GC, class-data archive).
"$root/bin/berth" daemon \
  --data-root "$work/berth" --exec-root "$work/berth-exec" -H "unix://$work/berth.sock" > "$work/berth.log" 2>&1 &
pids+=($!)
# dockerd (starts its own containerd under the exec root)
dockerd --data-root "$work/docker" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
  -p "$work/dockerd.pid" --insecure-registry "127.0.0.1:$port" --bridge=none --iptables=false \
  --ip-masq=false --containerd-namespace berth-bench --containerd-plugins-namespace berth-bench-plugins \
  > "$work/dockerd.log" 2>&1 &
pids+=($!)
until DOCKER_HOST=unix://$work/berth.sock docker version > /dev/null 2>&1; do sleep 0.5; done
until DOCKER_HOST=unix://$work/docker.sock docker version > /dev/null 2>&1; do sleep 0.5; done
for i in $(seq "$runs"); do
  time_pull "unix://$work/berth.sock" berth
  time_pull "unix://$work/docker.sock" dockerd
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

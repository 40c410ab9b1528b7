#!/usr/bin/env bash
# Networking, Berth against dockerd (Debian's docker.io) in one run, same busybox image, same client:
#  1. `docker run --rm busybox true` on each engine's default bridge (veth, address, route, /etc files);
#  2. the time from `docker run -d -p 127.0.0.1:PORT:80 busybox httpd` until PORT answers an HTTP GET.
# Run on purpose as root, on a quiet machine, not in CI:
#   bench/containers/network-vs-dockerd.sh [RUNS]
#
# Both engines get bridges, subnets and (for Berth) iptables chains of their own, so that a dockerd
# already running here keeps its docker0 and DOCKER chains untouched: this dockerd runs on a bridge
# the script makes (bdbench0) with --iptables=false (its DOCKER chains are the host's dockerd's), so
# it publishes through docker-proxy alone; Berth runs as users run it, iptables on. All of it goes
# when the script ends.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
runs="${1:-20}"
work="$(mktemp -d /tmp/berth-net-bench.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    grep " $work" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    ip link delete bdbench0 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# two /24s no route of the host uses, one per engine
free_net() {
    local x
    for x in $(seq "$1" 250); do
        ip -4 route show table all | grep -q "10\.$x\." || { echo "$x"; return; }
    done
    echo "no free 10.X.0.0/16" >&2; exit 1
}
b=$(free_net 200); d=$(free_net $((b + 1)))
ip link add bdbench0 type bridge
ip addr add "10.$d.0.1/24" dev bdbench0
ip link set bdbench0 up
echo "nameserver 127.0.0.1" > "$work/resolv.conf"

"$repo/bin/berth" daemon --data-root "$work/berth-data" --exec-root "$work/berth-exec" -H "unix://$work/berth.sock" \
    --bridge btbench0 --iptables-chain-prefix BTBENCH --default-address-pool "base=10.$b.0.0/16,size=24" \
    --resolv-conf "$work/resolv.conf" >"$work/berth.log" 2>&1 &
pids+=($!)
/usr/sbin/dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "unix://$work/docker.sock" \
    --pidfile "$work/docker.pid" --bridge=bdbench0 --iptables=false --ip6tables=false >"$work/dockerd.log" 2>&1 &
pids+=($!)
for sock in berth docker; do
    for _ in $(seq 1 300); do DOCKER_HOST="unix://$work/$sock.sock" docker version >/dev/null 2>&1 && break; sleep 0.2; done
    DOCKER_HOST="unix://$work/$sock.sock" docker version >/dev/null 2>&1 || { echo "$sock did not start" >&2; exit 1; }
done
DOCKER_HOST="unix://$work/berth.sock" "$repo/bin/berth" image bootstrap busybox >/dev/null
DOCKER_HOST="unix://$work/berth.sock" docker save busybox:latest | DOCKER_HOST="unix://$work/docker.sock" docker load >/dev/null

run_rm() {  # $1 = engine; one duration per run
    local host="unix://$work/$1.sock" i t0 t1
    for i in 1 2 3; do DOCKER_HOST="$host" docker run --rm busybox true; done  # warm-up
    for i in $(seq 1 "$runs"); do
        t0=$(date +%s.%N)
        DOCKER_HOST="$host" docker run --rm busybox true
        t1=$(date +%s.%N)
        echo "$t1 - $t0" | bc -l
    done
}

port_answers() {  # $1 = engine, $2 = port; one duration per run
    local host="unix://$work/$1.sock" port=$2 i t0 t1 id
    for i in $(seq 0 "$runs"); do
        t0=$(date +%s.%N)
        id=$(DOCKER_HOST="$host" docker run -d -p "127.0.0.1:$port:80" busybox \
            sh -c 'mkdir -p /www && echo up > /www/index.html && exec httpd -f -p 80 -h /www')
        until curl -fs -m 1 "http://127.0.0.1:$port/" >/dev/null; do sleep 0.005; done
        t1=$(date +%s.%N)
        DOCKER_HOST="$host" docker rm -f "$id" >/dev/null
        [ "$i" -gt 0 ] && echo "$t1 - $t0" | bc -l  # the first one warms up
    done
}

stats() { sort -n | awk '{a[NR]=$1; s+=$1} END {printf "%.3f %.3f\n", s/NR, (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

read -r bm bmed < <(run_rm berth | stats)
read -r dm dmed < <(run_rm docker | stats)
read -r pbm pbmed < <(port_answers berth 45901 | stats)
read -r pdm pdmed < <(port_answers docker 45902 | stats)
printf 'load %s; %d runs each\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$runs"
printf 'docker run --rm busybox true, default bridge\n'
printf '  berth:   mean %ss  median %ss\n' "$bm" "$bmed"
printf '  dockerd: mean %ss  median %ss\n' "$dm" "$dmed"
printf '  berth/dockerd (mean): %.2f\n' "$(echo "$bm / $dm" | bc -l)"
printf 'docker run -d -p until the port answers\n'
printf '  berth:   mean %ss  median %ss\n' "$pbm" "$pbmed"
printf '  dockerd: mean %ss  median %ss\n' "$pdm" "$pdmed"
printf '  berth/dockerd (mean): %.2f\n' "$(echo "$pbm / $pdm" | bc -l)"

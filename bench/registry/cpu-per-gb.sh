#!/usr/bin/env bash
# CPU seconds (user + sys, from /proc/<pid>/stat) that the Berth registry and Debian's
# docker-registry each spend to take 1 GB of uploads (POST, PATCH of 200 MB, PUT ?digest=) and to
# serve 1 GB of blob GETs, driven by curl on 127.0.0.1. On a shared, loaded machine wall-clock
# throughput swings by tens of percent between runs; CPU spent per byte hardly moves, so it is
# the figure to compare code changes with. Run on purpose, not in CI:
#   bench/registry/cpu-per-gb.sh [ROUNDS]
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-2}"
work="$(mktemp -d /tmp/berth-registry-cpu.XXXXXX)"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
head -c $((200 * 1024 * 1024)) /dev/urandom >"$work/blob"

measure() {  # $1 = berth | dist
    local port loc d ds="" c0 c1 c2 i
    port="$(free_port)"
    if [ "$1" = berth ]; then
        "$repo/bin/berth" registry serve --addr "127.0.0.1:$port" --root "$work/root-$1" >"$work/$1.log" 2>&1 &
    else
        printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: 127.0.0.1:%s\n' \
            "$work/root-$1" "$port" >"$work/dist.yml"
        /usr/bin/docker-registry serve "$work/dist.yml" >"$work/$1.log" 2>&1 &
    fi
    pid=$!
    for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break; sleep 0.2; done
    abs() { case "$1" in http*) echo "$1" ;; *) echo "http://127.0.0.1:$port$1" ;; esac; }
    upload() {
        printf '%s' "$1" | dd of="$work/blob" bs=1 count=1 conv=notrunc 2>/dev/null
        d="sha256:$(sha256sum "$work/blob" | cut -d' ' -f1)"
        loc=$(curl -s -D - -o /dev/null -X POST "http://127.0.0.1:$port/v2/bench/cpu/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
        loc=$(curl -s -D - -o /dev/null -X PATCH -T "$work/blob" -H 'Content-Type: application/octet-stream' "$(abs "$loc")" \
            | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')
        loc="$(abs "$loc")"; case "$loc" in *\?*) loc="$loc&" ;; *) loc="$loc?" ;; esac
        curl -s -o /dev/null -X PUT "${loc}digest=$d"
        echo "$d"
    }
    cpu() { awk '{print ($14 + $15) / 100}' "/proc/$pid/stat"; }
    # Warm-up, not counted: the JIT compiles Berth's upload and download paths here.
    for i in a b c; do curl -s -o /dev/null "http://127.0.0.1:$port/v2/bench/cpu/blobs/$(upload "w$i")"; done
    c0=$(cpu)
    for i in $(seq 1 $((5 * rounds))); do ds="$ds $(upload "$i")"; done
    c1=$(cpu)
    for d in $ds; do curl -s -o /dev/null "http://127.0.0.1:$port/v2/bench/cpu/blobs/$d"; done
    c2=$(cpu)
    printf '%-6s CPU per GB: upload %5.2f s, download %5.2f s\n' "$1" \
        "$(echo "($c1 - $c0) / $rounds" | bc -l)" "$(echo "($c2 - $c1) / $rounds" | bc -l)"
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
measure berth
measure dist
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

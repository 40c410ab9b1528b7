#!/usr/bin/env bash
# Push and pull throughput of the Berth registry versus Debian's docker-registry (distribution
# 2.8), with the same client (skopeo) on 127.0.0.1. Run on purpose, not in CI:
#   bench/registry/skopeo-throughput.sh [ROUNDS] [LAYERS] [MB_PER_LAYER]
# Each round makes a fresh image of random (incompressible) uncompressed tar layers, so no
# registry and no client-side blob cache has seen it, then pushes it to both registries and
# pulls it back from both, alternating which registry goes first. Round 0 is a warm-up for both
# (the JVM compiles Berth's upload and download paths then, as JMH's warm-up iterations do) and
# is printed but not counted. The load average is printed before and after: on a shared machine
# compare ratios from one run, never figures from different runs.
# PULL_ROUNDS=N (default 0) adds N pull-only rounds of the last image from both registries,
# alternating, after a warm-up pull: the combined rounds time each pull right after that
# registry's push, when the disk may still be busy with it (docker-registry does not fsync, so
# its writes reach the disk later, during whatever runs next).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${1:-3}"; layers="${2:-3}"; mb="${3:-50}"
work="$(mktemp -d /tmp/berth-registry-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_up() { for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$1/v2/" >/dev/null 2>&1 && return 0; sleep 0.2; done; echo "registry on $1 did not start" >&2; exit 1; }
now() { date +%s.%N; }

# --- the two registries ----------------------------------------------------------------------
berth_port="$(free_port)"
"$repo/bin/berth" registry serve --addr "127.0.0.1:$berth_port" --root "$work/berth-root" >"$work/berth.log" 2>&1 &
pids+=($!)
dist_port="$(free_port)"
cat >"$work/dist.yml" <<YAML
version: 0.1
log: {level: error}
storage:
  filesystem: {rootdirectory: $work/dist-root}
  delete: {enabled: true}
http:
  addr: 127.0.0.1:$dist_port
YAML
/usr/bin/docker-registry serve "$work/dist.yml" >"$work/dist.log" 2>&1 &
pids+=($!)
wait_up "$berth_port"; wait_up "$dist_port"

# --- a fresh image ---------------------------------------------------------------------------
make_image() {  # $1 = layout dir
    local dir="$1" diffs="" descs="" i f d s
    mkdir -p "$dir/blobs/sha256" "$work/gen"
    for i in $(seq 1 "$layers"); do
        head -c "$((mb * 1024 * 1024))" /dev/urandom >"$work/gen/data$i"
        tar -C "$work/gen" -cf "$work/gen/layer.tar" "data$i"
        d="$(sha256sum "$work/gen/layer.tar" | cut -d' ' -f1)"; s="$(stat -c %s "$work/gen/layer.tar")"
        mv "$work/gen/layer.tar" "$dir/blobs/sha256/$d"; rm -f "$work/gen/data$i"
        diffs="$diffs${diffs:+,}\"sha256:$d\""
        descs="$descs${descs:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$d\",\"size\":$s}"
    done
    printf '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffs" >"$work/gen/config"
    d="$(sha256sum "$work/gen/config" | cut -d' ' -f1)"; s="$(stat -c %s "$work/gen/config")"
    mv "$work/gen/config" "$dir/blobs/sha256/$d"
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' "$d" "$s" "$descs" >"$work/gen/manifest"
    d="$(sha256sum "$work/gen/manifest" | cut -d' ' -f1)"; s="$(stat -c %s "$work/gen/manifest")"
    mv "$work/gen/manifest" "$dir/blobs/sha256/$d"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' "$d" "$s" >"$dir/index.json"
}

declare -A push_s pull_s
push_s[berth]=0; push_s[dist]=0; pull_s[berth]=0; pull_s[dist]=0
total_mb=$((layers * mb))
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 0 "$rounds"); do
    make_image "$work/img$r"
    order="berth dist"; [ $((r % 2)) -eq 0 ] && order="dist berth"
    for reg in $order; do
        port=$berth_port; [ "$reg" = dist ] && port=$dist_port
        t0=$(now)
        skopeo --insecure-policy copy -q --dest-tls-verify=false "oci:$work/img$r:latest" "docker://127.0.0.1:$port/bench/img$r:latest" >/dev/null
        t1=$(now)
        skopeo --insecure-policy copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/img$r:latest" "dir:$work/out-$reg-$r" >/dev/null
        t2=$(now)
        rm -rf "$work/out-$reg-$r"
        push=$(echo "$t1 - $t0" | bc -l); pull=$(echo "$t2 - $t1" | bc -l)
        if [ "$r" -gt 0 ]; then
            push_s[$reg]=$(echo "${push_s[$reg]} + $push" | bc -l); pull_s[$reg]=$(echo "${pull_s[$reg]} + $pull" | bc -l)
        fi
        printf 'round %d %-6s push %6.2f s (%6.1f MB/s)  pull %6.2f s (%6.1f MB/s)\n' "$r" "$reg" "$push" \
            "$(echo "$total_mb / $push" | bc -l)" "$pull" "$(echo "$total_mb / $pull" | bc -l)"
    done
    [ "$r" -lt "$rounds" ] && rm -rf "$work/img$r"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)  (round 0 is the warm-up, not counted)"
for reg in berth dist; do
    printf '%-6s mean push %6.1f MB/s, mean pull %6.1f MB/s\n' "$reg" \
        "$(echo "$total_mb * $rounds / ${push_s[$reg]}" | bc -l)" "$(echo "$total_mb * $rounds / ${pull_s[$reg]}" | bc -l)"
done
printf 'ratio berth/docker-registry: push %.2f, pull %.2f (higher is better for berth)\n' \
    "$(echo "${push_s[dist]} / ${push_s[berth]}" | bc -l)" "$(echo "${pull_s[dist]} / ${pull_s[berth]}" | bc -l)"

pull_rounds="${PULL_ROUNDS:-0}"
if [ "$pull_rounds" -gt 0 ]; then
    declare -A only_s; only_s[berth]=0; only_s[dist]=0
    for r in $(seq 0 "$pull_rounds"); do
        order="berth dist"; [ $((r % 2)) -eq 0 ] && order="dist berth"
        for reg in $order; do
            port=$berth_port; [ "$reg" = dist ] && port=$dist_port
            t1=$(now)
            skopeo --insecure-policy copy -q --src-tls-verify=false "docker://127.0.0.1:$port/bench/img$rounds:latest" "dir:$work/only-$reg-$r" >/dev/null
            t2=$(now); rm -rf "$work/only-$reg-$r"
            pull=$(echo "$t2 - $t1" | bc -l)
            [ "$r" -gt 0 ] && only_s[$reg]=$(echo "${only_s[$reg]} + $pull" | bc -l)
            printf 'pull-only %d %-6s %6.2f s (%6.1f MB/s)\n' "$r" "$reg" "$pull" "$(echo "$total_mb / $pull" | bc -l)"
        done
    done
    echo "load after pull-only rounds: $(cut -d' ' -f1-3 /proc/loadavg)"
    printf 'pull-only ratio berth/docker-registry: %.2f (round 0 not counted)\n' "$(echo "${only_s[dist]} / ${only_s[berth]}" | bc -l)"
fi

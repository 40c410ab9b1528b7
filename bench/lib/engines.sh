# Sourced by the benches that set Berth against dockerd (Debian's docker.io, 20.10) on one machine:
# both daemons of one run on their own temporary roots and sockets, stopped and removed on exit.
# Never touches a system dockerd or containerd, /var/lib/berth or /run/berth.
#
#   . "$repo/bench/lib/engines.sh"
#   engines_init NAME        work dir /tmp/NAME.XXXXXX in $work, removal on exit
#   berth_start              Berth daemon (bin/berth daemon) on $work/berth.sock, no bridge (as dockerd_start's);
#                            pid in $berth_pid
#   dockerd_start [ARGS...]  dockerd and its own containerd on $work/docker.sock; pid in $dockerd_pid
#   engines_wait             until both answer `docker version`
#   busybox_load             busybox:latest into both: made offline by Berth, saved, loaded into dockerd
#   registry_start           a distribution registry (docker-registry) on 127.0.0.1:$registry_port, a
#                            free port, its storage in the work dir; dockerd needs
#                            --insecure-registry 127.0.0.1:$registry_port to pull from it
#   host berth|docker        the DOCKER_HOST of one engine
[ -n "${repo:-}" ] || repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
pids=()
berth_pid=
dockerd_pid=

engines_init() {
    work="$(mktemp -d "/tmp/$1.XXXXXX")"
    # dockerd's containers go into a cgroup of this run, removed with it (cgroupfs driver)
    cgroup_parent="/$(basename "$work")"
    trap engines_cleanup EXIT
}

host() { echo "unix://$work/$1.sock"; }

berth_start() {
    "$repo/bin/berth" daemon --data-root "$work/berth-data" --exec-root "$work/berth-exec" \
        -H "$(host berth)" --bridge none --iptables=false >"$work/berth.log" 2>&1 &
    berth_pid=$!
    pids+=("$berth_pid")
}

dockerd_start() {
    /usr/sbin/dockerd --data-root "$work/docker-data" --exec-root "$work/docker-exec" -H "$(host docker)" \
        --pidfile "$work/docker.pid" --bridge=none --iptables=false --ip6tables=false --ip-masq=false \
        --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "$cgroup_parent" \
        --containerd-namespace "$(basename "$work")" --containerd-plugins-namespace "$(basename "$work")-plugins" \
        "$@" >"$work/dockerd.log" 2>&1 &
    dockerd_pid=$!
    pids+=("$dockerd_pid")
}

engines_wait() {
    local engine
    for engine in berth docker; do
        for _ in $(seq 1 300); do DOCKER_HOST="$(host $engine)" docker version >/dev/null 2>&1 && break; sleep 0.2; done
        DOCKER_HOST="$(host $engine)" docker version >/dev/null 2>&1 || { echo "$engine did not start" >&2; exit 1; }
    done
}

busybox_load() {
    DOCKER_HOST="$(host berth)" "$repo/bin/berth" image bootstrap busybox >/dev/null
    DOCKER_HOST="$(host berth)" docker save busybox:latest | DOCKER_HOST="$(host docker)" docker load >/dev/null
}

registry_start() {
    registry_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: 127.0.0.1:%s}\n' \
        "$work/registry" "$registry_port" >"$work/registry.yml"
    /usr/bin/docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
    pids+=($!)
    until curl -fs "http://127.0.0.1:$registry_port/v2/" >/dev/null; do sleep 0.2; done
}

# Stops both daemons (dockerd stops its containers and its containerd), then removes what is left:
# mounts under the work dir, dockerd's cgroups of this run, the work dir.
engines_cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for _ in $(seq 1 150); do
        local alive=
        for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ -z "$alive" ] && break
        sleep 0.2
    done
    for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    grep " $work" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    find /sys/fs/cgroup -depth -type d -path "*$cgroup_parent*" -exec rmdir {} + 2>/dev/null || true
    rm -rf "$work"
}

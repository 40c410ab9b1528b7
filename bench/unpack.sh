#!/usr/bin/env bash
# Unpack benchmark: GNU tar -x versus Berth's LayerUnpacker on the same ~200 MB layer tar with
# many small files, in one run, on the same filesystem. Not a test: run it on purpose.
#
#   bench/unpack.sh [work dir, default /tmp/berth-bench] 
#   FILES=40000 SIZE_MB=200 RUNS=3 LAYER_GZIP=1 bench/unpack.sh
#
# Prints every run, the median of each side and the ratio Berth / tar (below 1: Berth is faster).
# Both sides run as the current user (as root: both keep owners and modes) and extract into the
# work dir's filesystem (use a tmpfs such as /dev/shm/x to leave the disk out); dirty pages are
# written back (sync, untimed) before every timed run, and the layer file is read once first.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/tmp/berth-bench}"
files="${FILES:-40000}"
size_mb="${SIZE_MB:-200}"
runs="${RUNS:-3}"

source "$here/bin/lib/java-home.sh" 2>/dev/null || true
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
export PATH="$JAVA_HOME/bin:$PATH"

mkdir -p "$work"
layer="$work/layer.tar"
if [[ ! -f "$layer" || "${REBUILD:-0}" == 1 ]]; then
  echo "making a layer of $files files, ~$size_mb MB ..."
  rm -rf "$work/tree"
  python3 "$here/bench/make-layer.py" "$work/tree" "$files" "$size_mb"
  tar --sort=name --numeric-owner -C "$work/tree" -cf "$layer" .
  rm -rf "$work/tree"
fi
if [[ "${LAYER_GZIP:-0}" == 1 ]]; then  # (not GZIP: gzip reads that variable)
  [[ -s "$layer.gz" ]] || { gzip -1 -c "$layer" > "$layer.gz.tmp" && mv "$layer.gz.tmp" "$layer.gz"; }
  layer="$layer.gz"
fi
echo "layer: $layer ($(du -h "$layer" | cut -f1), $(tar -tf "$layer" | wc -l) entries)"

echo "building berth-core ..."
cp_file="$work/classpath"
# One reactor run: berth-core's test dependencies (berth-testing) come from the reactor, not ~/.m2;
# each module writes the file, berth-core (built last) wins.
(cd "$here" && mvn -B -q -pl berth-core -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test)
classpath="$here/berth-core/target/classes:$here/berth-core/target/test-classes:$(cat "$cp_file")"

cat "$layer" > /dev/null # warm the page cache for the input on both sides

# Berth's side stays up like the daemon (a JVM with warm JIT) and takes destinations on stdin, so
# tar and Berth runs alternate and share whatever load the machine has at the time. Run 0 is a
# warm-up for both and not counted.
coproc BERTH { exec java --enable-native-access=ALL-UNNAMED -cp "$classpath" dev.berth.core.layer.UnpackBench "$layer"; }

tar_times=()
berth_times=()
for i in $(seq 0 "$runs"); do
  dest="$work/tar-$i"
  rm -rf "$dest"; mkdir -p "$dest"; sync
  start=$(date +%s%N)
  tar -xf "$layer" -C "$dest"
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  rm -rf "$dest"

  dest="$work/berth-$i"
  rm -rf "$dest"; sync
  echo "$dest" >&"${BERTH[1]}"
  read -r line <&"${BERTH[0]}"
  berth_ms=$(sed -n 's/^berth: \([0-9]*\) ms.*/\1/p' <<<"$line")
  rm -rf "$dest"

  if [[ "$i" == 0 ]]; then
    echo "warm-up: tar -x $ms ms, berth $berth_ms ms"
    echo "  ${line#berth: }"
    continue
  fi
  echo "run $i: tar -x $ms ms, berth $berth_ms ms"
  tar_times+=("$ms")
  berth_times+=("$berth_ms")
done
exec {BERTH[1]}>&-
wait

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
tar_median=$(median "${tar_times[@]}")
berth_median=$(median "${berth_times[@]}")
echo "median of $runs: tar -x ${tar_median} ms, berth ${berth_median} ms, ratio berth/tar $(awk -v b="$berth_median" -v t="$tar_median" 'BEGIN {printf "%.2f", b / t}')"

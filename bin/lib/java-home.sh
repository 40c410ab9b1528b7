# Sourced by bin/ scripts and .ci/run: finds a JDK 25+ and exports JAVA_HOME, or says what is missing.
# The JDK's release file names its version; asking the JVM itself costs ~0.2 s, on every command of
# bin/berth. A JDK without the file (a hand-made image) is still asked.
java_major() {
  local v
  if [ -f "$1/release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")
  else
    v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  fi
  echo "${v:-0}"
}
if [ -z "${JAVA_HOME:-}" ] || [ "$(java_major "$JAVA_HOME" 2>/dev/null || echo 0)" -lt 25 ] 2>/dev/null; then
  JAVA_HOME=""
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -x "$candidate/bin/javac" ] && [ "$(java_major "$candidate" || echo 0)" -ge 25 ] 2>/dev/null; then
      JAVA_HOME="$candidate"; break
    fi
  done
  if [ -z "$JAVA_HOME" ]; then
    echo "berth: needs a JDK 25 or newer; none found under /usr/lib/jvm (set JAVA_HOME)" >&2
    exit 1
  fi
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

# Sourced by bin/fgbg, .ci/run and ./mvnw: finds a JDK 21 or later and exports JAVA_HOME.
# JAVA_HOME wins if it is 21+; else the newest JDK under /usr/lib/jvm (FGBG_JVM_DIR overrides the
# folder); else a clear message.

fgbg_java_major() { # prints the major version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' | head -n 1
}

fgbg_find_jdk() {
  local v best="" best_v=0 dir
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(fgbg_java_major "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then
      export JAVA_HOME
      return 0
    fi
    echo "fgbg: JAVA_HOME=$JAVA_HOME is not a JDK 21 or later; looking under /usr/lib/jvm" >&2
  fi
  for dir in "${FGBG_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -d "$dir" ] || continue
    v=$(fgbg_java_major "$dir")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then
      best="$dir"
      best_v="$v"
    fi
  done
  if [ -z "$best" ]; then
    echo "fgbg: no JDK 21 or later found (looked at JAVA_HOME and under ${FGBG_JVM_DIR:-/usr/lib/jvm})." >&2
    cat >&2 <<'MSG'
fgbg needs a full JDK (java and javac), version 21 or later; it is tested on JDK 25.
Install one, for example:
  Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk      (or openjdk-25-jdk)
  any system:     a Temurin JDK from adoptium.net
then run this again, or point JAVA_HOME at it.
MSG
    return 1
  fi
  export JAVA_HOME="$best"
}

# Prints the environment that ./mvnw runs Maven with: the JDK found, and on JDK 23+ the option
# that keeps Maven's own libraries from warning about sun.misc.Unsafe.
fgbg_maven_env() {
  fgbg_find_jdk || return 1
  printf "export JAVA_HOME='%s'\n" "$JAVA_HOME"
  if [ "$(fgbg_java_major "$JAVA_HOME")" -ge 23 ]; then
    case " ${MAVEN_OPTS:-} " in
      *" --sun-misc-unsafe-memory-access="*) ;;
      *) printf "export MAVEN_OPTS='%s'\n" "${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}

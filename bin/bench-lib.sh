# What bin/bench-switch, bin/bench-echo and bin/bench-compare share; sourced, not run.
# Needs: the repository root as the working directory, and $program set to the script's name.

# positive NAME VALUE: exits unless VALUE is a positive integer
positive() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "$program: $1 must be a positive integer, not '$2'" >&2; exit 2; }
}

# bench_build: finds a JDK 21+ (sets JAVA_HOME, java, classpath) and builds the benchmarks
# quietly; Maven's output is shown only if the build fails.
bench_build() {
  . bin/jdk.sh
  fgbg_find_jdk
  java="$JAVA_HOME/bin/java"
  local log
  log=$(mktemp "${TMPDIR:-/tmp}/$program.XXXXXX")
  if ! ./mvnw -B -q -DskipTests package -pl benchmarks -am >"$log" 2>&1; then
    echo "$program: the build failed (./mvnw -B -q -DskipTests package -pl benchmarks -am):" >&2
    cat "$log" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  classpath=core/target/classes:benchmarks/target/classes
  python=""
  if command -v python3 >/dev/null 2>&1; then
    python=python3
  fi
}

# bench_header TITLE: what ran where, and how busy the machine was
bench_header() {
  echo "$1"
  echo "JDK:    $JAVA_HOME ($("$java" -version 2>&1 | head -n 1))"
  if [ -n "$python" ]; then
    echo "python: $(command -v python3) ($("$python" --version 2>&1))"
  else
    echo "python: python3 not found; the asyncio column is skipped"
  fi
  # Other work on the machine slows every column; the load average tells a reader how quiet it was.
  if [ -r /proc/loadavg ]; then
    echo "load:   $(cut -d ' ' -f 1-3 /proc/loadavg) (1, 5, 15 min) on $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores"
  fi
}

# bench_pick_python: the interpreter for the asyncio and uvloop runs. /usr/bin/python3 when
# Debian's python3-uvloop is installed for it, so that asyncio and uvloop run on the same
# interpreter; else the python3 on the PATH, and no uvloop. Sets python, python_version,
# uvloop_version ("" without uvloop) and uvloop_note (why not).
bench_pick_python() {
  uvloop_version=""
  uvloop_note="python3-uvloop not installed; apt-get install python3-uvloop"
  if [ -x /usr/bin/python3 ] && uvloop_version=$(/usr/bin/python3 -c 'import uvloop; print(uvloop.__version__)' 2>/dev/null); then
    python=/usr/bin/python3
    uvloop_note=""
  elif command -v python3 >/dev/null 2>&1; then
    python=$(command -v python3)
  else
    python=""
    uvloop_note="no python3"
  fi
  python_version=""
  if [ -n "$python" ]; then
    python_version="$("$python" --version 2>&1) ($python)"
  fi
}

# bench_run LABEL COMMAND...: runs COMMAND, its output (stdout and stderr) in $out; if it fails,
# prints LABEL's failure and that output, and exits.
bench_run() {
  local label=$1
  shift
  if ! out=$("$@" 2>&1); then
    echo "$program: $label failed: $*" >&2
    echo "$out" >&2
    exit 1
  fi
}

# bench_figure LABEL KEY: prints the value of $out's line "KEY value"; if there is none, prints
# LABEL's failure and $out, and exits.
bench_figure() {
  local value
  value=$(field "$out" "$2")
  if [ -z "$value" ]; then
    echo "$program: $1 printed no '$2' figure:" >&2
    echo "$out" >&2
    exit 1
  fi
  echo "$value"
}

# stats: numbers on stdin, one a line -> "median min max"
stats() {
  sort -g | LC_ALL=C awk '{ v[NR] = $1 }
    END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.1f %.1f %.1f\n", m, v[1], v[NR] }'
}

# field OUTPUT KEY -> the value of OUTPUT's line "KEY value"
field() { awk -v k="$2" '$1 == k { print $2; exit }' <<<"$1"; }

# ratio LABEL NUMERATOR DENOMINATOR OP TARGET: prints the ratio and whether it meets the target
ratio() {
  LC_ALL=C awk -v label="$1" -v num="$2" -v den="$3" -v op="$4" -v target="$5" 'BEGIN {
    r = num / den
    ok = (op == ">=") ? (r >= target) : (r <= target)
    printf "%-18s %9.2fx   target %s %-5s %s\n", label, r, op, target "x", ok ? "PASS" : "MISS"
  }'
}

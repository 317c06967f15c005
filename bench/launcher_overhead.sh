#!/usr/bin/env bash
# Benchmark: what nixcc costs as a compiler launcher (CMAKE_<LANG>_COMPILER_LAUNCHER).
#
#   bash bench/launcher_overhead.sh [--tus N] [--rounds R] [--direct D] [--json FILE]
#
# Generates a CMake project of N translation units (default 60, at least 60; every 10th one is C,
# the rest C++ reading a few shared headers that pull in <vector>, <string>, <map>, <algorithm>),
# configures it twice (plain, and with nixcc as the C and C++ launcher) and times R rounds
# (default 3) of a clean `ninja -j2` of each, alternating which goes first. Then it times D
# (default 200) sequential direct compiles of one tiny TU with and without nixcc, interleaved.
# Reports:
#   - median wall time of the full build, plain and through nixcc, and the ratio   target <= 1.03
#   - added ms per compile from the wall times: (nixcc - plain) / N                target <= 5 ms
#   - added ms per compile from the direct compiles: median(nixcc) - median(plain) target <= 5 ms
#   - the same figures in CPU time (user + sys of everything run), which a busy machine distorts less
# prints a table and writes the figures as JSON (default bench/out/launcher_overhead.json).
# NIXCC names the nixcc binary (default: build/bin/nixcc in this repository); CC and CXX the
# compilers (default gcc and g++). Exit status 0 even when a target is not met; non-zero only when
# the benchmark itself fails (a build fails, or nixcc did not record one row per compile).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
NIXCC=${NIXCC:-$repo/build/bin/nixcc}
CC=${CC:-gcc}
CXX=${CXX:-g++}
tus=60
rounds=3
direct=200
json="$repo/bench/out/launcher_overhead.json"
usage() { echo "launcher_overhead.sh: $*" >&2; exit 2; }
while (($#)); do
  case $1 in
    --tus) [[ $# -ge 2 ]] || usage "--tus needs a value"; tus=$2; shift 2 ;;
    --rounds) [[ $# -ge 2 ]] || usage "--rounds needs a value"; rounds=$2; shift 2 ;;
    --direct) [[ $# -ge 2 ]] || usage "--direct needs a value"; direct=$2; shift 2 ;;
    --json) [[ $# -ge 2 ]] || usage "--json needs a value"; json=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage "unknown argument $1 (see --help)" ;;
  esac
done
if ! [[ $tus =~ ^[0-9]+$ ]] || ((tus < 60)); then usage "--tus must be a number >= 60"; fi
if ! [[ $rounds =~ ^[0-9]+$ ]] || ((rounds < 1)); then usage "--rounds must be a number >= 1"; fi
if ! [[ $direct =~ ^[0-9]+$ ]] || ((direct < 10)); then usage "--direct must be a number >= 10"; fi
[[ -x $NIXCC ]] || usage "no nixcc at $NIXCC (build it, or set NIXCC)"
NIXCC=$(cd "$(dirname "$NIXCC")" && pwd)/$(basename "$NIXCC")
for tool in "$CC" "$CXX" cmake ninja python3 sqlite3; do
  command -v "$tool" >/dev/null || usage "$tool not found"
done
load=$(cut -d' ' -f1 /proc/loadavg)
if python3 -c 'import os, sys; sys.exit(0 if float(sys.argv[1]) > os.cpu_count() / 2 else 1)' "$load"; then
  echo "launcher_overhead.sh: warning: load average $load on $(nproc) CPUs before starting; the figures will be noisy" >&2
fi
mkdir -p "$(dirname "$json")"
json=$(cd "$(dirname "$json")" && pwd)/$(basename "$json")

work=$(mktemp -d "${TMPDIR:-/tmp}/nixcc-launcher-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$work/src"
export NIXCC_DB="$work/timings.sqlite"
unset NIXCC_BUILD_ID NIXCC_DISABLE NIXCC_BASE_DIR

# --- the project ------------------------------------------------------------------------------------
mkdir -p "$src/include" "$src/units"
cat >"$src/include/common.h" <<'EOF'
#pragma once
#include <algorithm>
#include <map>
#include <string>
#include <vector>

namespace bench {
struct Record {
  std::string name;
  std::vector<int> values;
};
using Index = std::map<std::string, Record>;
int checksum(const Index& index);
}  // namespace bench
EOF
cat >"$src/include/util.h" <<'EOF'
#pragma once
#include "common.h"

namespace bench {
template <typename T>
T clamp_sum(const std::vector<T>& v, T lo, T hi) {
  T total{};
  for (const auto& x : v) total += std::clamp(x, lo, hi);
  return total;
}
}  // namespace bench
EOF
cat >"$src/include/config.h" <<'EOF'
#pragma once
#define BENCH_SCALE 3
#ifdef __cplusplus
extern "C" {
#endif
int bench_c_unit(int x);
#ifdef __cplusplus
}
#endif
EOF

sources=()
n_cxx=0
for ((i = 1; i < tus; ++i)); do  # TU number tus is main.cpp
  name=$(printf 'unit_%03d' "$i")
  if ((i % 10 == 0)); then
    cat >"$src/units/$name.c" <<EOF
#include <stdio.h>
#include <string.h>
#include "config.h"
int ${name}_c(int x) {
  char text[32];
  snprintf(text, sizeof text, "%d", x * BENCH_SCALE);
  return (int)strlen(text) + $i;
}
EOF
    sources+=("units/$name.c")
  else
    {
      echo '#include "common.h"'
      ((i % 3 == 0)) && echo '#include "util.h"'
      echo '#include "config.h"'
      echo
      echo "namespace bench {"
      echo "int ${name}(int x) {"
      echo "  Index index;"
      echo "  for (int k = 0; k < x; ++k) index[std::to_string(k)].values.push_back(k * $i);"
      if ((i % 3 == 0)); then
        echo "  return checksum(index) + clamp_sum(index[\"0\"].values, 0, 100) * BENCH_SCALE;"
      else
        echo "  std::vector<std::string> names;"
        echo "  for (const auto& [key, record] : index) names.push_back(key + record.name);"
        echo "  std::sort(names.begin(), names.end());"
        echo "  return static_cast<int>(names.size()) + checksum(index);"
      fi
      echo "}"
      echo "}  // namespace bench"
    } >"$src/units/$name.cpp"
    sources+=("units/$name.cpp")
    n_cxx=$((n_cxx + 1))
  fi
done
cat >"$src/main.cpp" <<'EOF'
#include <cstdio>
#include "common.h"

namespace bench {
int checksum(const Index& index) {
  int sum = 0;
  for (const auto& [key, record] : index) sum += static_cast<int>(key.size() + record.values.size());
  return sum;
}
}  // namespace bench

int main() {
  bench::Index index;
  index["a"].values = {1, 2, 3};
  std::printf("%d\n", bench::checksum(index));
  return 0;
}
EOF
{
  echo 'cmake_minimum_required(VERSION 3.20)'
  echo 'project(launcher_bench LANGUAGES C CXX)'
  echo 'set(CMAKE_CXX_STANDARD 17)'
  echo 'set(CMAKE_CXX_STANDARD_REQUIRED ON)'
  echo 'add_library(units STATIC'
  printf '  %s\n' "${sources[@]}"
  echo ')'
  echo 'target_include_directories(units PUBLIC include)'
  echo 'add_executable(bench_main main.cpp)'
  echo 'target_link_libraries(bench_main PRIVATE units)'
} >"$src/CMakeLists.txt"
n_tus=$((${#sources[@]} + 1))
((n_tus == tus)) || { echo "launcher_overhead.sh: generated $n_tus TUs, wanted $tus" >&2; exit 1; }

# --- configure twice ---------------------------------------------------------------------------------
configure() {
  local dir=$1
  shift
  CC="$CC" CXX="$CXX" cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE= "$@" >"$dir.configure.log" 2>&1 ||
    { cat "$dir.configure.log" >&2; echo "launcher_overhead.sh: configure of $dir failed" >&2; exit 1; }
}
configure "$work/plain"
configure "$work/nixcc" -DCMAKE_C_COMPILER_LAUNCHER="$NIXCC" -DCMAKE_CXX_COMPILER_LAUNCHER="$NIXCC"

# timed.py ARGS...: runs ARGS (output to $TIMED_LOG), prints "wall_s cpu_s" (CPU = user + sys of
# everything it ran); non-zero if ARGS failed.
cat >"$work/timed.py" <<'PY'
import os, resource, subprocess, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime
with open(os.environ["TIMED_LOG"], "wb") as log:
    c0, t0 = cpu(), time.perf_counter()
    rc = subprocess.run(sys.argv[1:], stdout=log, stderr=subprocess.STDOUT).returncode
    t1, c1 = time.perf_counter(), cpu()
print(f"{t1 - t0:.4f} {c1 - c0:.4f}")
sys.exit(rc)
PY
# timed_build DIR BUILD_ID: a clean build; prints "wall_s cpu_s"
timed_build() {
  ninja -C "$1" -t clean >/dev/null
  NIXCC_BUILD_ID=$2 TIMED_LOG="$1.build.log" python3 "$work/timed.py" ninja -C "$1" -j2 ||
    { cat "$1.build.log" >&2; echo "launcher_overhead.sh: build of $1 failed" >&2; exit 1; }
}

# One untimed build of each first, so that both start with a warm page cache.
timed_build "$work/plain" warmup >/dev/null
timed_build "$work/nixcc" warmup >/dev/null

plain_builds=()  # "wall cpu" per round
nixcc_builds=()
for ((r = 1; r <= rounds; ++r)); do
  if ((r % 2)); then
    plain_builds+=("$(timed_build "$work/plain" "round$r")")
    nixcc_builds+=("$(timed_build "$work/nixcc" "round$r")")
  else
    nixcc_builds+=("$(timed_build "$work/nixcc" "round$r")")
    plain_builds+=("$(timed_build "$work/plain" "round$r")")
  fi
  # Read-only: a writable sqlite3 checkpoints and deletes the write-ahead log when it closes, which
  # nothing does between the compiles of a real build; the database must age as it does in use.
  recorded=$(sqlite3 -readonly -batch "$NIXCC_DB" "SELECT count(*) FROM compiles WHERE build_id = 'round$r' AND exit_status = 0")
  ((recorded == n_tus)) ||
    { echo "launcher_overhead.sh: round $r recorded $recorded compiles, expected $n_tus" >&2; exit 1; }
  echo "round $r of $rounds (wall s, cpu s): plain ${plain_builds[-1]}, nixcc ${nixcc_builds[-1]}" >&2
done
(cd "$work/plain" && find . -name '*.o' -printf '%P\n') | while IFS= read -r obj; do
  cmp -s "$work/plain/$obj" "$work/nixcc/$obj" ||
    { echo "launcher_overhead.sh: $obj differs between the plain and the nixcc build" >&2; exit 1; }
done

file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }
db_sizes="$(file_size "$NIXCC_DB") $(file_size "$NIXCC_DB-wal")"  # after warm-up + all rounds

# --- direct compiles of one tiny TU, interleaved -----------------------------------------------------
mkdir -p "$work/direct"
printf 'int tiny(int x) { return x + 1; }\n' >"$work/direct/tiny.cpp"
direct_times="$work/direct/times"
(
  cd "$work/direct"
  export NIXCC_DB="$work/direct.sqlite" NIXCC_BUILD_ID=direct
  "$CXX" -c tiny.cpp -o tiny.o && "$NIXCC" "$CXX" -c tiny.cpp -o tiny.o  # warm up, and create the database
  # One line per pair: plain wall, plain cpu, nixcc wall, nixcc cpu (seconds).
  python3 - "$direct" "$CXX" "$NIXCC" >"$direct_times" <<'PY'
import resource, subprocess, sys, time
n, cxx, nixcc = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def run(cmd):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return t1 - t0, (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
plain, launched = [cxx, "-c", "tiny.cpp", "-o", "tiny.o"], [nixcc, cxx, "-c", "tiny.cpp", "-o", "tiny.o"]
for i in range(n):
    pw, pc = run(plain)
    nw, nc = run(launched)
    print(f"{pw:.6f} {pc:.6f} {nw:.6f} {nc:.6f}")
PY
)
recorded=$(sqlite3 -readonly -batch "$work/direct.sqlite" "SELECT count(*) FROM compiles WHERE exit_status = 0")
((recorded == direct + 1)) ||
  { echo "launcher_overhead.sh: $recorded direct compiles recorded, expected $((direct + 1))" >&2; exit 1; }

# --- report ------------------------------------------------------------------------------------------
python3 - "$json" "$n_tus" "$rounds" "$direct" "$CXX" "$NIXCC" "$direct_times" \
  "${plain_builds[*]}" "${nixcc_builds[*]}" "$db_sizes" <<'EOF'
import datetime, json, os, platform, statistics, sys
out, tus, rounds, direct, cxx, nixcc, times_file, plain, launched, db_sizes = sys.argv[1:11]
db_bytes, wal_bytes = (int(x) for x in db_sizes.split())
tus, rounds, direct = int(tus), int(rounds), int(direct)
def pairs(text):
    v = [float(x) for x in text.split()]
    return v[0::2], v[1::2]
plain_wall, plain_cpu = pairs(plain)
nixcc_wall, nixcc_cpu = pairs(launched)
med = statistics.median
plain_med, nixcc_med = med(plain_wall), med(nixcc_wall)
ratio = nixcc_med / plain_med
added_wall_ms = (nixcc_med - plain_med) / tus * 1000
cpu_ratio = med(nixcc_cpu) / med(plain_cpu)
added_cpu_ms = (med(nixcc_cpu) - med(plain_cpu)) / tus * 1000
rows = [[float(x) * 1000 for x in line.split()] for line in open(times_file)]
dpw, dpc, dnw, dnc = (list(col) for col in zip(*rows))
added_direct_ms = med(dnw) - med(dpw)
added_direct_cpu_ms = med(dnc) - med(dpc)
RATIO_MAX, ADDED_MAX = 1.03, 5.0
met = lambda ok: "met" if ok else "NOT MET"
load = os.getloadavg()
print(f"nixcc launcher overhead: {tus} TUs, clean ninja -j2, {cxx}, median of {rounds} rounds; "
      f"load average {load[0]:.2f} on {os.cpu_count()} CPUs")
print(f"{'':36}{'plain':>10}{'nixcc':>10}{'added':>10}")
print(f"{'full build wall, s':36}{plain_med:>10.3f}{nixcc_med:>10.3f}{nixcc_med - plain_med:>10.3f}")
print(f"{'full build CPU (user+sys), s':36}{med(plain_cpu):>10.3f}{med(nixcc_cpu):>10.3f}{med(nixcc_cpu) - med(plain_cpu):>10.3f}")
print(f"{'ratio nixcc/plain, wall':36}{ratio:>30.3f}   target <= {RATIO_MAX}: {met(ratio <= RATIO_MAX)}")
print(f"{'ratio nixcc/plain, CPU':36}{cpu_ratio:>30.3f}")
print(f"{'added per compile from wall, ms':36}{added_wall_ms:>30.2f}   target <= {ADDED_MAX}: {met(added_wall_ms <= ADDED_MAX)}")
print(f"{'added per compile from CPU, ms':36}{added_cpu_ms:>30.2f}")
print(f"{f'direct compile x{direct}, wall ms':36}{med(dpw):>10.2f}{med(dnw):>10.2f}{added_direct_ms:>10.2f}   "
      f"target <= {ADDED_MAX}: {met(added_direct_ms <= ADDED_MAX)}")
print(f"{f'direct compile x{direct}, CPU ms':36}{med(dpc):>10.2f}{med(dnc):>10.2f}{added_direct_cpu_ms:>10.2f}")
print(f"timing database after {rounds + 1} nixcc builds ({(rounds + 1) * tus} compiles): "
      f"{db_bytes / 2**20:.1f} MiB, write-ahead log {wal_bytes / 2**20:.1f} MiB")
result = {
    "benchmark": "launcher_overhead",
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "host": platform.node(), "cpus": os.cpu_count(), "load_average_at_end": list(load),
    "nixcc": nixcc, "compiler": cxx, "tus": tus, "jobs": 2, "rounds": rounds,
    "build": {"plain_wall_s": plain_wall, "nixcc_wall_s": nixcc_wall,
              "plain_cpu_s": plain_cpu, "nixcc_cpu_s": nixcc_cpu,
              "plain_median_s": plain_med, "nixcc_median_s": nixcc_med, "ratio": ratio,
              "added_ms_per_compile": added_wall_ms,
              "cpu_ratio": cpu_ratio, "added_cpu_ms_per_compile": added_cpu_ms},
    "direct": {"compiles": direct,
               "plain_median_ms": med(dpw), "nixcc_median_ms": med(dnw),
               "plain_mean_ms": statistics.fmean(dpw), "nixcc_mean_ms": statistics.fmean(dnw),
               "added_ms_per_compile": added_direct_ms,
               "plain_cpu_median_ms": med(dpc), "nixcc_cpu_median_ms": med(dnc),
               "added_cpu_ms_per_compile": added_direct_cpu_ms},
    "database": {"compiles": (rounds + 1) * tus, "db_bytes": db_bytes, "wal_bytes": wal_bytes},
    "targets": {"ratio_max": RATIO_MAX, "ratio_met": ratio <= RATIO_MAX,
                "added_ms_max": ADDED_MAX, "added_ms_wall_met": added_wall_ms <= ADDED_MAX,
                "added_ms_direct_met": added_direct_ms <= ADDED_MAX},
}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(f"figures written to {out}")
EOF

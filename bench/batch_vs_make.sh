#!/usr/bin/env bash
# Benchmark: `nixcc batch --jobs 2` against `make -j2` on the same synthetic C++ tree.
#
#   bash bench/batch_vs_make.sh [--tus N] [--rounds R] [--json FILE]
#
# Generates N translation units (default 100; every 20th one template-heavy: <regex>, <map>, a
# 64-way std::function tuple), a Makefile and a batch manifest that compile them with the same flags
# (the Makefile also writes a depfile per object, as every real make build does and as nixcc does),
# then alternates R rounds (default 3) of a clean `make -j2` and a `nixcc batch --jobs 2` into a fresh
# output directory. Reports:
#   - the median wall time of each and their ratio                     target: nixcc/make <= 1.02
#     (and, for information, the CPU time of each with all its children: on a busy machine the wall
#     times swing with other work, the CPU times much less)
#   - nixcc's own peak RSS (VmHWM of the nixcc process, polled from /proc every 50 ms while it runs;
#     compilers are children and not counted)                          target: < 20 MB
#   - a rebuild with one edited TU and --previous against compiling that TU alone
#                                                                      target: <= one compile + 0.2 s
# NIXCC names the nixcc binary (default: build/bin/nixcc in this repository). CXX (default g++).
# Exit status 0 even when a target is not met; non-zero only when the benchmark itself fails.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
NIXCC=${NIXCC:-$repo/build/bin/nixcc}
CXX=${CXX:-g++}
tus=100
rounds=3
json=
while (($#)); do
  case $1 in
    --tus) tus=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "batch_vs_make.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ $tus =~ ^[0-9]+$ ]] && ((tus >= 10)) || { echo "batch_vs_make.sh: --tus must be a number >= 10" >&2; exit 2; }
[[ $rounds =~ ^[0-9]+$ ]] && ((rounds >= 1)) || { echo "batch_vs_make.sh: --rounds must be >= 1" >&2; exit 2; }
[[ -x $NIXCC ]] || { echo "batch_vs_make.sh: no nixcc at $NIXCC (build it, or set NIXCC)" >&2; exit 2; }
command -v "$CXX" >/dev/null || { echo "batch_vs_make.sh: $CXX not found" >&2; exit 2; }
command -v make >/dev/null || { echo "batch_vs_make.sh: make not found" >&2; exit 2; }
if [[ -n $json ]]; then json=$(cd "$(dirname "$json")" && pwd)/$(basename "$json"); fi
source "$repo/tests/e2e/batch_common.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/nixcc-bench.XXXXXX")
nixcc_pid=
cleanup() {
  if [[ -n $nixcc_pid ]]; then kill "$nixcc_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
src="$work/src"
flags=(-std=c++17 -O2 -Wall "-I$src/include")
flags_json='["-std=c++17", "-O2", "-Wall", "-I@SOURCE_ROOT@/include"]'

# --- the tree ---------------------------------------------------------------------------------------
mkdir -p "$src/include" "$src/core" "$src/heavy"
cat >"$src/include/common.h" <<'EOF'
#pragma once
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>
namespace bench {
struct Item { std::string name; int weight; };
inline std::vector<Item> sorted(std::vector<Item> v) {
  std::sort(v.begin(), v.end(), [](const Item& a, const Item& b) { return a.weight < b.weight; });
  return v;
}
}  // namespace bench
EOF
cat >"$src/include/heavy.h" <<'EOF'
#pragma once
#include <functional>
#include <map>
#include <regex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
namespace bench {
template <int... Is>
auto make_table(std::integer_sequence<int, Is...>) {
  return std::make_tuple(std::function<int(int)>([](int x) { return x * (Is + 1); })...);
}
template <int N> struct Fib { static constexpr long long v = Fib<N - 1>::v + Fib<N - 2>::v; };
template <> struct Fib<1> { static constexpr long long v = 1; };
template <> struct Fib<0> { static constexpr long long v = 0; };
}  // namespace bench
EOF
sources=()
for ((i = 1; i <= tus; i++)); do
  if ((i % 20 == 10)); then
    printf -v f 'heavy/h%03d.cpp' "$i"
    cat >"$src/$f" <<EOF
#include "heavy.h"
int heavy_$i(const std::string& text) {
  std::regex re("([a-z]+)([0-9]*)_$i");
  std::map<std::string, std::vector<std::pair<int, std::string>>> groups;
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) {
    groups[(*it)[1]].emplace_back(static_cast<int>(it->position()), (*it)[2]);
  }
  auto table = bench::make_table(std::make_integer_sequence<int, 64>{});
  int total = std::apply([](auto&... f) { return (f(1) + ...); }, table);
  return total + static_cast<int>(groups.size()) + static_cast<int>(bench::Fib<40 + $i % 20>::v % 1000);
}
EOF
  else
    printf -v f 'core/tu%03d.cpp' "$i"
    cat >"$src/$f" <<EOF
#include "common.h"
int tu_$i(int seed) {
  std::vector<bench::Item> items;
  for (int k = 0; k < seed + $i; ++k) items.push_back({std::to_string(k * $i), (k * 7919 + $i) % 101});
  const auto s = bench::sorted(items);
  return std::accumulate(s.begin(), s.end(), 0, [](int acc, const bench::Item& it) { return acc + it.weight; });
}
EOF
  fi
  sources+=("$f")
done

# --- the Makefile and the manifest -------------------------------------------------------------------
{
  echo "# Generated by bench/batch_vs_make.sh"
  echo "CXX := $CXX"
  echo "CXXFLAGS := ${flags[*]}"
  echo "SRC := $src"
  echo "OUT ?= out"
  printf 'OBJS :='
  for f in "${sources[@]}"; do printf ' $(OUT)/%s.o' "$f"; done
  printf '\n\nall: $(OBJS)\n\n$(OBJS): | $(OUT)/core $(OUT)/heavy\n\n'
  printf '$(OUT)/core $(OUT)/heavy:\n\tmkdir -p $@\n\n'
  printf '$(OUT)/%%.o: $(SRC)/%%\n\t$(CXX) $(CXXFLAGS) -MD -MF $@.d -c $< -o $@\n'
} >"$work/Makefile"
batch_write_manifest "$work/manifest.json" bench "$CXX" "$src" "$flags_json" "${sources[@]}"

# --- helpers ---------------------------------------------------------------------------------------
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
exec {nap_fd}<> <(:)  # read -t on this never gets data: a sleep without forking
# CPU seconds (user + sys) of every child this shell has waited for, their own waited children
# included: make and its compilers, or nixcc and its compilers. Sets cpu_ms; no subshell (that would
# report its own children instead).
children_cpu() {
  local u s
  times >"$work/times"
  { read -r u s; read -r u s; } <"$work/times"
  [[ $u =~ ^([0-9]+)m([0-9]+)\.([0-9]{3})s$ ]] || { echo "batch_vs_make.sh: cannot read times: $u" >&2; exit 1; }
  cpu_ms=$(((10#${BASH_REMATCH[1]} * 60 + 10#${BASH_REMATCH[2]}) * 1000 + 10#${BASH_REMATCH[3]}))
  [[ $s =~ ^([0-9]+)m([0-9]+)\.([0-9]{3})s$ ]] || { echo "batch_vs_make.sh: cannot read times: $s" >&2; exit 1; }
  cpu_ms=$((cpu_ms + (10#${BASH_REMATCH[1]} * 60 + 10#${BASH_REMATCH[2]}) * 1000 + 10#${BASH_REMATCH[3]}))
}
peak_kb=0
# run_nixcc LOG ARGS...: runs nixcc in the background, polling its VmHWM; sets last_s and last_hwm_kb.
run_nixcc() {
  local log=$1 t0 t1 key value unit status=0
  shift
  last_hwm_kb=0
  children_cpu
  local cpu0=$cpu_ms
  t0=$(now)
  "$NIXCC" "$@" >"$log" 2>&1 &
  nixcc_pid=$!
  while kill -0 "$nixcc_pid" 2>/dev/null; do
    while read -r key value unit; do
      if [[ $key == VmHWM: ]]; then last_hwm_kb=$value; break; fi
    done 2>/dev/null <"/proc/$nixcc_pid/status" || true
    read -r -t 0.05 -u "$nap_fd" _ || true
  done
  wait "$nixcc_pid" || status=$?
  t1=$(now)
  children_cpu
  last_cpu=$(awk -v a="$cpu0" -v b="$cpu_ms" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  nixcc_pid=
  if ((status != 0)); then
    cat "$log" >&2
    echo "batch_vs_make.sh: nixcc $* failed with status $status" >&2
    exit 1
  fi
  last_s=$(elapsed "$t0" "$t1")
  ((last_hwm_kb > peak_kb)) && peak_kb=$last_hwm_kb
  return 0
}
run_make() {
  local out="$work/make-out" t0 t1
  rm -rf "$out"
  children_cpu
  local cpu0=$cpu_ms
  t0=$(now)
  make -s -j2 -f "$work/Makefile" OUT="$out" >"$work/make.log" 2>&1 || { cat "$work/make.log" >&2; echo "batch_vs_make.sh: make failed" >&2; exit 1; }
  t1=$(now)
  children_cpu
  last_cpu=$(awk -v a="$cpu0" -v b="$cpu_ms" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
  last_s=$(elapsed "$t0" "$t1")
}

echo "nixcc: $NIXCC"
echo "tree: $tus TUs ($(find "$src/heavy" -name '*.cpp' | wc -l) template-heavy), $CXX ${flags[*]}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm the page cache and the compiler binaries (not timed).
"$CXX" "${flags[@]}" -c "$src/${sources[0]}" -o "$work/warm.o"
"$CXX" "${flags[@]}" -c "$src/heavy/h010.cpp" -o "$work/warm.o"

make_times=()
nixcc_times=()
make_cpus=()
nixcc_cpus=()
for ((r = 1; r <= rounds; r++)); do
  run_make
  make_times+=("$last_s")
  make_cpus+=("$last_cpu")
  rm -rf "$work/nixcc-out"
  run_nixcc "$work/nixcc.log" batch "$work/manifest.json" --out "$work/nixcc-out" --jobs 2
  nixcc_times+=("$last_s")
  nixcc_cpus+=("$last_cpu")
  grep -Eq "^nixcc batch: bench: $tus units, $tus compiled, 0 reused" "$work/nixcc.log" ||
    { cat "$work/nixcc.log" >&2; echo "batch_vs_make.sh: unexpected nixcc summary" >&2; exit 1; }
  echo "round $r: make -j2 ${make_times[-1]} s (CPU ${make_cpus[-1]} s), nixcc batch --jobs 2 $last_s s (CPU $last_cpu s, nixcc VmHWM $last_hwm_kb kB)"
done
make_objects=$(cd "$work/make-out" && find . -name '*.o' -printf '%P\n' | LC_ALL=C sort)
nixcc_objects=$(cd "$work/nixcc-out" && find . -name '*.o' -printf '%P\n' | LC_ALL=C sort)
[[ $make_objects == "$nixcc_objects" ]] || { echo "batch_vs_make.sh: make and nixcc produced different object sets" >&2; exit 1; }

# --- one edited TU: --previous against compiling that TU alone -------------------------------------
edited=${sources[$((tus / 2))]}
[[ $edited == core/* ]] || edited=${sources[$((tus / 2 + 1))]}
echo "int edited_extra(int x) { return x + 1; }" >>"$src/$edited"
single_times=()
for ((r = 1; r <= 3; r++)); do
  t0=$(now)
  "$CXX" "${flags[@]}" -MD -MF "$work/single.d" -c "$src/$edited" -o "$work/single.o"
  single_times+=("$(elapsed "$t0" "$(now)")")
done
single_s=$(median "${single_times[@]}")
incr_times=()
for ((r = 1; r <= 3; r++)); do
  rm -rf "$work/incr-out"
  run_nixcc "$work/incr.log" batch "$work/manifest.json" --out "$work/incr-out" --jobs 2 --previous "$work/nixcc-out"
  grep -Eq "^nixcc batch: bench: $tus units, 1 compiled, $((tus - 1)) reused" "$work/incr.log" ||
    { cat "$work/incr.log" >&2; echo "batch_vs_make.sh: the incremental rebuild did not compile exactly 1 unit" >&2; exit 1; }
  incr_times+=("$last_s")
done
incr_s=$(median "${incr_times[@]}")

# --- report ------------------------------------------------------------------------------------------
make_med=$(median "${make_times[@]}")
nixcc_med=$(median "${nixcc_times[@]}")
ratio=$(awk -v n="$nixcc_med" -v m="$make_med" 'BEGIN { printf "%.3f", n / m }')
make_cpu_med=$(median "${make_cpus[@]}")
nixcc_cpu_med=$(median "${nixcc_cpus[@]}")
cpu_ratio=$(awk -v n="$nixcc_cpu_med" -v m="$make_cpu_med" 'BEGIN { printf "%.3f", n / m }')
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
incr_target=$(awk -v s="$single_s" 'BEGIN { printf "%.3f", s + 0.2 }')
met() { if awk "BEGIN { exit !($1) }"; then echo met; else echo "NOT MET"; fi; }
ratio_met=$(met "$ratio <= 1.02")
rss_met=$(met "$peak_kb < 20480")
incr_met=$(met "$incr_s <= $incr_target")
echo
printf '%-44s %12s %14s  %s\n' "measure ($tus TUs, $rounds rounds, medians)" value target result
printf '%-44s %12s %14s  %s\n' "make -j2, clean" "$make_med s" "" ""
printf '%-44s %12s %14s  %s\n' "nixcc batch --jobs 2, fresh output" "$nixcc_med s" "" ""
printf '%-44s %12s %14s  %s\n' "ratio nixcc / make (wall)" "$ratio" "<= 1.02" "$ratio_met"
printf '%-44s %12s %14s  %s\n' "CPU (user+sys, all processes): make" "$make_cpu_med s" "" ""
printf '%-44s %12s %14s  %s\n' "CPU (user+sys, all processes): nixcc" "$nixcc_cpu_med s" "" ""
printf '%-44s %12s %14s  %s\n' "ratio nixcc / make (CPU)" "$cpu_ratio" "" "(information)"
printf '%-44s %12s %14s  %s\n' "nixcc peak RSS (own VmHWM)" "$((peak_kb / 1024)).$(((peak_kb % 1024) * 10 / 1024)) MB" "< 20 MB" "$rss_met"
printf '%-44s %12s %14s  %s\n' "compile of the edited TU alone ($CXX)" "$single_s s" "" ""
printf '%-44s %12s %14s  %s\n' "nixcc --previous, 1 of $tus edited" "$incr_s s" "<= $incr_target s" "$incr_met"
echo "raw: make ${make_times[*]}; nixcc ${nixcc_times[*]}; single ${single_times[*]}; incremental ${incr_times[*]}"
echo "load average at the end: $load_end ($(nproc) cores)"
if awk -v l="${load_end%% *}" -v c="$(nproc)" 'BEGIN { exit !(l > c + 0.5) }'; then
  echo "warning: the machine was busy with other work; wall-time figures are unreliable (compare the CPU figures)"
fi

if [[ -n $json ]]; then
  arr() { local IFS=,; echo "[$*]"; }
  cat >"$json" <<EOF
{
  "tus": $tus,
  "rounds": $rounds,
  "cores": $(nproc),
  "compiler": $(batch_json_str "$CXX"),
  "flags": $(batch_json_str "${flags[*]}"),
  "make_s": $(arr "${make_times[@]}"),
  "nixcc_s": $(arr "${nixcc_times[@]}"),
  "make_median_s": $make_med,
  "nixcc_median_s": $nixcc_med,
  "ratio": $ratio,
  "ratio_target": 1.02,
  "ratio_met": $([[ $ratio_met == met ]] && echo true || echo false),
  "make_cpu_s": $(arr "${make_cpus[@]}"),
  "nixcc_cpu_s": $(arr "${nixcc_cpus[@]}"),
  "cpu_ratio": $cpu_ratio,
  "load_average_end": $(batch_json_str "$load_end"),
  "nixcc_peak_rss_kb": $peak_kb,
  "rss_target_kb": 20480,
  "rss_met": $([[ $rss_met == met ]] && echo true || echo false),
  "edited_tu": $(batch_json_str "$edited"),
  "single_compile_s": $single_s,
  "single_compile_runs_s": $(arr "${single_times[@]}"),
  "incremental_s": $incr_s,
  "incremental_runs_s": $(arr "${incr_times[@]}"),
  "incremental_target_s": $incr_target,
  "incremental_met": $([[ $incr_met == met ]] && echo true || echo false)
}
EOF
  echo "wrote $json"
fi

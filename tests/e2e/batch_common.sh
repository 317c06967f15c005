# Shared by the test_batch_*.sh end-to-end tests (and bench/batch_vs_make.sh): sourced, never run on
# its own (CTest only runs tests/e2e/test_*.sh). Needs nothing but bash and coreutils.
#
#   batch_make_tree DIR N           a synthetic C++ tree of N translation units (N >= 4)
#   batch_sources DIR               its sources, relative to DIR, sorted
#   batch_write_manifest FILE NAME COMPILER SOURCE_ROOT ARGS_JSON SOURCE...
#   batch_json_str TEXT             TEXT as a JSON string literal
#   batch_progress_lines LOG        the "[k/N] ..." lines of a batch's output
#   batch_make_standin FILE SLEEP   a stand-in compiler: sleeps SLEEP seconds, writes the -o file
#
# The tree: include/common.h (read by every unit), include/extra.h (read by every unit whose number
# is a multiple of 4, and by a/util.cpp), a/util.cpp and b/util.cpp (same file name, different code),
# and src/tu_NNN.cpp for the rest.

# Flags every generated manifest uses: -g so that absolute paths would leak into objects if nixcc's
# prefix map did not work (reused and fresh objects must be byte-identical from any checkout).
BATCH_CXXFLAGS_JSON='["-std=c++17", "-O1", "-g", "-Wall", "-I@SOURCE_ROOT@/include"]'

batch_json_str() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\t'/\\t}
  s=${s//$'\n'/\\n}
  printf '"%s"' "$s"
}

batch_make_tree() {
  local dir=$1 n=$2 i name
  ((n >= 4)) || { echo "batch_make_tree: need at least 4 units" >&2; return 1; }
  mkdir -p "$dir/include" "$dir/a" "$dir/b" "$dir/src"
  cat >"$dir/include/common.h" <<'EOF'
#pragma once
#include <array>
#include <cstddef>

namespace synth {
template <typename T, std::size_t N>
constexpr T sum(const std::array<T, N>& values) {
  T total{};
  for (const auto& v : values) total += v;
  return total;
}
inline int scale(int x) { return 3 * x + 1; }
}  // namespace synth
EOF
  cat >"$dir/include/extra.h" <<'EOF'
#pragma once
namespace synth {
inline int extra(int x) { return x * x - 7; }
}  // namespace synth
EOF
  cat >"$dir/a/util.cpp" <<'EOF'
#include "common.h"
#include "extra.h"
int a_util(int x) { return synth::extra(synth::scale(x)); }
EOF
  cat >"$dir/b/util.cpp" <<'EOF'
#include "common.h"
int b_util(int x) { return synth::scale(x) * 2; }
EOF
  for ((i = 1; i <= n - 2; i++)); do
    printf -v name 'tu_%03d' "$i"
    {
      echo '#include "common.h"'
      if ((i % 4 == 0)); then echo '#include "extra.h"'; fi
      echo "int ${name}(int x) {"
      echo "  constexpr std::array<int, 4> v{$i, $((i + 1)), $((i + 2)), $((i + 3))};"
      if ((i % 4 == 0)); then
        echo "  return synth::extra(x) + synth::sum(v);"
      else
        echo "  return synth::scale(x) + synth::sum(v);"
      fi
      echo "}"
    } >"$dir/src/$name.cpp"
  done
}

batch_sources() {
  (cd "$1" && find . -type f \( -name '*.cpp' -o -name '*.c' \) -printf '%P\n' | LC_ALL=C sort)
}

batch_write_manifest() {
  local file=$1 name=$2 compiler=$3 root=$4 args=$5
  shift 5
  local first=1 src
  {
    printf '{\n  "format": "nixcc-batch-manifest",\n  "version": 1,\n'
    printf '  "name": %s,\n  "compiler": %s,\n  "source_root": %s,\n  "units": [\n' \
      "$(batch_json_str "$name")" "$(batch_json_str "$compiler")" "$(batch_json_str "$root")"
    for src in "$@"; do
      ((first)) || printf ',\n'
      first=0
      printf '    {"source": %s, "arguments": %s}' "$(batch_json_str "$src")" "$args"
    done
    printf '\n  ]\n}\n'
  } >"$file"
}

batch_progress_lines() {
  grep -E '^\[[^ ]+ [0-9]+/[0-9]+\] ' "$1" || true
}

# The stand-in takes any flags a compiler would (-MD -MF FILE -frandom-seed=... -ffile-prefix-map=...),
# ignores all but -o, sleeps, and writes a small object naming its source.
batch_make_standin() {
  local file=$1 seconds=$2
  cat >"$file" <<EOF
#!/usr/bin/env bash
out= src=
while ((\$#)); do
  case \$1 in
    -o) out=\$2; shift 2 ;;
    -MF|-MT|-MQ|-I|-include|-isystem|-x) shift 2 ;;
    -*) shift ;;
    *) src=\$1; shift ;;
  esac
done
[[ -n \$out ]] || { echo "stand-in: no -o" >&2; exit 2; }
[[ -f \$src ]] || { echo "stand-in: no source \$src" >&2; exit 2; }
sleep $seconds
printf 'standin object for %s\n' "\$src" >"\$out"
EOF
  chmod +x "$file"
}

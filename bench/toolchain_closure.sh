#!/usr/bin/env bash
# Benchmark: the host toolchain inside Nix's sandbox, two ways.
#   (a) the host's paths named in nix.conf `extra-sandbox-paths` (each builder needs the same
#       toolchain at the same paths and the same line);
#   (b) the host's toolchain imported into the store as store paths, which a sandbox and a remote
#       builder get like any other input.
#
#   bash bench/toolchain_closure.sh [--out FILE] [--runs N] [--keep]
#
# Measures, for Debian's g++ and gcc (GCC 12):
#   1. the host paths the compilers name when asked as core/host_toolchain.cpp asks them
#      (-print-prog-name, -print-search-dirs, ldd; plus their include folders from `-E -v`): the
#      folders (a) exposes; then, for (b), the files one by one: the files a traced g++/gcc
#      compile+link of a hello world opened (strace), and the files of the Debian packages owning
#      those and the files the compilers name (-print-prog-name, ldd, -print-file-name): size
#      (du apparent and on disk) and file count of each;
#   2. importing the package tree into the store: `nix-store --add-fixed --recursive sha256` and
#      `nix-store --add`, cold (not in the store) and warm (already there: re-hashed), median of N
#      (default 3), and the store path's size;
#   3. whether it compiles and links inside a sandboxed derivation that has no host path (nix-build
#      as root, --option sandbox true, sandbox-fallback false, build-users-group nixbld, no
#      substituters): first the tree as imported, then with its programs' ELF interpreter set (with
#      patchelf, on a copy before import) to a loader imported as its own store path;
#   4. whether the objects built there are byte-identical to the host's (-O2, -O2 -g, -O2 -g with
#      -fdebug-prefix-map, the linked program, a C object);
#   5. the `extra-sandbox-paths` line of (a): entries, characters, time to compute (median of N),
#      and a build with it in the same sandbox as a check;
#   6. what a remote builder receives under (b): the closure's NAR bytes (and zstd-compressed).
# Prints a table and writes JSON (default bench/results/DATE/toolchain_closure.json). Everything it
# imports or builds is deleted from the store at the end (nix-store --delete) unless --keep.
# Needs root (sandboxed builds by the nixbld users: scripts/install-deps.sh), nix-store, nix-build,
# python3, strace and patchelf (Debian packages: apt-get install strace patchelf), zstd, dpkg.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
out="$repo/bench/results/$(date -u +%F)/toolchain_closure.json"
runs=3
keep=0
usage() { echo "toolchain_closure.sh: $*" >&2; exit 2; }
while (($#)); do
  case $1 in
    --out) [[ $# -ge 2 ]] || usage "--out needs a value"; out=$2; shift 2 ;;
    --runs) [[ $# -ge 2 ]] || usage "--runs needs a value"; runs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage "unknown argument $1 (see --help)" ;;
  esac
done
if ! [[ $runs =~ ^[0-9]+$ ]] || ((runs < 1)); then usage "--runs must be a number >= 1"; fi
[[ $(id -u) == 0 ]] || usage "run it as root (sandboxed builds by the nixbld users)"
getent group nixbld >/dev/null || usage "no nixbld group: run scripts/install-deps.sh"
PY=$(command -v /usr/bin/python3 || command -v python3) || usage "python3 not found"
for tool in nix-store nix-build nix-instantiate strace patchelf zstd dpkg-query g++ gcc ldd; do
  command -v "$tool" >/dev/null || usage "$tool not found (strace, patchelf: apt-get install strace patchelf)"
done
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

# The Debian toolchain as it is, whatever this shell's environment adds to the compilers' searches.
unset LIBRARY_PATH CPATH C_INCLUDE_PATH CPLUS_INCLUDE_PATH GCC_EXEC_PREFIX COMPILER_PATH NIX_REMOTE
export LC_ALL=C
DRIVERS=(g++ gcc)
SANDBOX=(--option sandbox true --option sandbox-fallback false --option build-users-group nixbld
  --option substituters '')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

work=$(mktemp -d "${TMPDIR:-/tmp}/nixcc-toolchain-closure.XXXXXX")
# Store paths to delete at the end, one a line (a file: subshells add to it).
imported="$work/imported.txt"
remember() { printf '%s\n' "$@" >>"$imported"; }
cleanup() {
  if ((keep == 0)) && [[ -s $imported ]]; then
    # Builds' outputs and their .drv files refer to the imported trees: those go first (outputs
    # were remembered after their .drv, so in reverse order), then the rest together.
    local p left=()
    tac "$imported" | while read -r p; do
      if [[ -e $p ]]; then nix-store --delete "$p" >/dev/null 2>&1 || true; fi
    done
    while read -r p; do [[ -e $p ]] && left+=("$p"); done < <(sort -u "$imported")
    if ((${#left[@]})); then
      nix-store --delete "${left[@]}" >/dev/null 2>&1 || true
      left=()
      while read -r p; do [[ -e $p ]] && left+=("$p"); done < <(sort -u "$imported")
      ((${#left[@]} == 0)) || echo "toolchain_closure.sh: still in the store: ${left[*]}" >&2
    fi
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
json_list() { "$PY" -c 'import json,sys; print(json.dumps([l for l in open(sys.argv[1]).read().splitlines() if l]))' "$1"; }
# apparent bytes, bytes on disk, files (not folders; symlinks counted apart), symlinks of paths
# (each followed once if it is a symlink given on the command line: du -L for the arguments only)
sizes() {
  local apparent disk files links
  apparent=$(du -scb -D "$@" 2>/dev/null | tail -1 | cut -f1)
  disk=$(du -scB1 -D "$@" 2>/dev/null | tail -1 | cut -f1)
  files=$(find -H "$@" -type f 2>/dev/null | sort -u | wc -l)
  links=$(find -H "$@" -type l 2>/dev/null | sort -u | wc -l)
  echo "$apparent $disk $files $links"
}
sizes_of_list() {  # one path a line, files and symlinks only
  local apparent disk
  apparent=$(tr '\n' '\0' <"$1" | du -scb --files0-from=- 2>/dev/null | tail -1 | cut -f1)
  disk=$(tr '\n' '\0' <"$1" | du -scB1 --files0-from=- 2>/dev/null | tail -1 | cut -f1)
  echo "$apparent $disk $(while read -r p; do [[ -L $p ]] || echo f; done <"$1" | wc -l) \
$(while read -r p; do [[ -L $p ]] && echo l; done <"$1" | wc -l)"
}

# --- 1. what the compilers name ---------------------------------------------------------------------
# The questions core/host_toolchain.cpp asks (HostToolchain::add_compiler, add_program), plus the
# include folders: saved as answered, for toolchain_closure.py to read.
ask_toolchain() {  # DIR
  local dir=$1 d exe p answer real
  mkdir -p "$dir/ldd"
  printf '%s\n' "${DRIVERS[@]}" >"$dir/drivers"
  {
    for d in "${DRIVERS[@]}"; do
      exe=$(command -v "$d")
      echo "$exe"
      for p in cc1 cc1plus as ld collect2 lto-wrapper lto1; do
        answer=$("$exe" -print-prog-name=$p)
        if [[ $answer == */* ]]; then
          [[ -e $answer ]] && echo "$answer"
        elif [[ $p == as || $p == ld ]]; then
          command -v "$answer" || true
        fi
      done
      "$exe" -print-search-dirs >"$dir/search-dirs.$d"
      echo | "$exe" -xc -E -v - 2>"$dir/include-dirs.$d.c" >/dev/null
      echo | "$exe" -xc++ -E -v - 2>"$dir/include-dirs.$d.c++" >/dev/null
    done
    echo /bin/sh  # the builders' shell
  } | sort -u >"$dir/executables"
  local t0
  t0=$(now_ms)
  while read -r exe; do
    {
      ldd "$exe" 2>/dev/null || true
      real=$(readlink -f "$exe")
      [[ $real == "$exe" ]] || ldd "$real" 2>/dev/null || true
    } >"$dir/ldd/${exe//\//_}"
  done <"$dir/executables"
  echo $(($(now_ms) - t0)) >"$dir/ldd_ms"
}
# For (b) only: the link inputs a compile+link of C and C++ reads, as the drivers name them.
ask_link_inputs() {  # DIR
  local d f
  for d in "${DRIVERS[@]}"; do
    for f in Scrt1.o crt1.o crti.o crtn.o crtbegin.o crtend.o crtbeginS.o crtendS.o libc.so libc_nonshared.a \
      libm.so libstdc++.so libstdc++.a libsupc++.a libgcc.a libgcc_eh.a libgcc_s.so liblto_plugin.so; do
      "$d" -print-file-name=$f
    done
  done >"$1/link-inputs"
}

cat >hello.cpp <<'EOF'
#include <iostream>
#include <string>
#include <vector>

int main() {
  std::vector<std::string> words{"hello", "world"};
  for (const auto& w : words) std::cout << w << ' ';
  std::cout << '\n';
}
EOF
cat >hello.c <<'EOF'
#include <stdio.h>

int main(void) {
  printf("hello from C\n");
  return 0;
}
EOF

echo "asking the compilers (median of $runs)..." >&2
query_ms=()
ldd_ms=()
for _ in $(seq "$runs"); do
  rm -rf answers
  t0=$(now_ms)
  ask_toolchain answers
  "$PY" "$here/toolchain_closure.py" line answers sets-query >/dev/null  # the line's arithmetic too
  query_ms+=($(($(now_ms) - t0)))
  ldd_ms+=("$(cat answers/ldd_ms)")
done
ask_link_inputs answers
echo "$work" >answers/workdir
mkdir -p host
(cd host && strace -f -qq -o ../answers/trace -e trace=open,openat,execve,stat,newfstatat,access,readlink,lstat \
  sh -c 'g++ -O2 ../hello.cpp -o hello-cpp && gcc -O2 ../hello.c -o hello-c')
"$PY" "$here/toolchain_closure.py" analyse answers sets >sets.json

# --- 5. the extra-sandbox-paths line -----------------------------------------------------------------
line=$(tr '\n' ' ' <sets/line_paths.txt | sed 's/ $//')
line_entries=$(grep -c . sets/line_paths.txt)
line_chars=$(printf 'extra-sandbox-paths = %s' "$line" | wc -c)
# What the line exposes: its entries, each real folder or file counted once.
xargs -a sets/line_paths.txt realpath -e | sort -u >line-real.txt
"$PY" -c '
import sys
kept = []
for p in sorted(set(open(sys.argv[1]).read().split())):
    if kept and (p == kept[-1] or p.startswith(kept[-1].rstrip("/") + "/")):
        continue
    kept.append(p)
print("\n".join(kept))' line-real.txt >line-real-outer.txt
mapfile -t line_real <line-real-outer.txt
read -r line_apparent line_disk line_files line_links < <(sizes "${line_real[@]}")

# --- 1. the file sets ----------------------------------------------------------------------------------
read -r traced_apparent traced_disk traced_files traced_links < <(sizes_of_list sets/traced_files.txt)
read -r pkg_apparent pkg_disk pkg_files pkg_links < <(sizes_of_list sets/package_files.txt)
echo "staging the trees..." >&2
"$PY" "$here/toolchain_closure.py" stage sets/package_files.txt tree-raw
"$PY" "$here/toolchain_closure.py" stage sets/traced_files.txt traced-raw
read -r tree_apparent tree_disk tree_files tree_links < <(sizes tree-raw)

# --- 2. import -----------------------------------------------------------------------------------------
import_add_fixed() { nix-store --add-fixed --recursive sha256 "$1"; }
import_add() { nix-store --add "$1"; }
# cold: the path is deleted first; warm: it is there, and the whole tree is hashed again.
time_import() {  # HOW DIR -> "cold_ms warm_ms path" (medians)
  local how=$1 dir=$2 cold=() warm=() path t0
  path=$("$how" "$dir")
  remember "$path"
  for _ in $(seq "$runs"); do
    nix-store --delete "$path" >/dev/null 2>&1
    [[ ! -e $path ]] || { echo "toolchain_closure.sh: cannot delete $path for a cold import" >&2; exit 1; }
    t0=$(now_ms); "$how" "$dir" >/dev/null; cold+=($(($(now_ms) - t0)))
    t0=$(now_ms); "$how" "$dir" >/dev/null; warm+=($(($(now_ms) - t0)))
  done
  echo "$(median "${cold[@]}") $(median "${warm[@]}") $path"
}

# The loader alone, as its own store path: the interpreter the tree's programs are given.
mkdir loader
cp -L /lib64/ld-linux-x86-64.so.2 loader/
loader=$(import_add_fixed loader)
remember "$loader"
ldso="$loader/ld-linux-x86-64.so.2"

# The tree as it is, for the first sandbox attempts.
t0=$(now_ms); tree_raw=$(import_add_fixed tree-raw); raw_import_ms=$(($(now_ms) - t0))
remember "$tree_raw"

# The tree that works: a copy whose programs (ELF files with an interpreter, shared libraries left
# alone) name the loader's store path as their interpreter.
cp -a tree-raw tree
t0=$(now_ms)
patched=0
while read -r f; do
  case $(basename "$f") in *.so | *.so.*) continue ;; esac
  patchelf --set-interpreter "$ldso" "$f"
  patched=$((patched + 1))
done < <("$PY" "$here/toolchain_closure.py" elf-interp tree)
patch_ms=$(($(now_ms) - t0))
cp -a traced-raw traced
while read -r f; do
  case $(basename "$f") in *.so | *.so.*) continue ;; esac
  patchelf --set-interpreter "$ldso" "$f"
done < <("$PY" "$here/toolchain_closure.py" elf-interp traced)

echo "importing (median of $runs, cold and warm)..." >&2
read -r fixed_cold fixed_warm tree_path < <(time_import import_add_fixed tree)
read -r add_cold add_warm _ < <(time_import import_add tree)  # the same path as --add-fixed's
read -r traced_cold traced_warm traced_path < <(time_import import_add_fixed traced)
nar_tree=$(nix-store -q --size "$tree_path")
nar_loader=$(nix-store -q --size "$loader")
nar_traced=$(nix-store -q --size "$traced_path")
read -r store_apparent store_disk _ _ < <(sizes "$tree_path")
zstd_tree=$(nix-store --export "$tree_path" "$loader" | zstd -3 -q -c | wc -c)

# --- 3, 4. builds in the sandbox -----------------------------------------------------------------------
cat >probe.nix <<'EOF'
# mode: raw (the tree as imported; its loader runs the shell), patched (programs' interpreter set to
# the loader's store path), host (no store toolchain: the host's, through extra-sandbox-paths).
{ mode, tree ? "", loader ? "", script, nonce }:
let
  T = builtins.storePath tree;
  L = builtins.storePath loader;
  lib = "${T}/usr/lib/x86_64-linux-gnu";
  common = {
    name = "toolchain-probe-${mode}";
    system = "x86_64-linux";
    outputs = [ "out" "o" "og" "ogm" "exe" "co" ];
    inherit mode nonce script;
    source = builtins.readFile ./hello.cpp;
    csource = builtins.readFile ./hello.c;
  };
in derivation (common // (
  if mode == "host" then {
    builder = "/bin/sh"; args = [ "-c" script ];
    PATH = "/usr/bin:/bin"; T = ""; LDSO = ""; SYSROOT = ""; UNMAP = "";
  } else if mode == "raw" then {
    builder = "${lib}/ld-linux-x86-64.so.2"; args = [ "--library-path" lib "${T}/usr/bin/dash" "-c" script ];
    PATH = "${T}/usr/bin"; inherit T; LIB = lib; LDSO = "${lib}/ld-linux-x86-64.so.2";
  } else {
    builder = "${T}/usr/bin/dash"; args = [ "-c" script ];
    PATH = "${T}/usr/bin"; inherit T; LD_LIBRARY_PATH = lib; LDSO = "${L}/ld-linux-x86-64.so.2";
    SYSROOT = "--sysroot=${T}"; UNMAP = "-fdebug-prefix-map=${T}=";
  }))
EOF
# The builder's script: dash and the compilers only (no coreutils in the tree). Each step is logged
# to $out as "step NAME rc=N" with the first lines of its output; every output exists even when a
# step failed, so that the log always comes back. (stderr stays Nix's: a builder that closes it is
# killed.)
cat >probe.sh <<'EOF'
log=$out
: >"$log"
for f in "$o" "$og" "$ogm" "$exe" "$co"; do : >"$f"; done
step() {
  n=$1; shift
  "$@" >step.out 2>&1
  rc=$?
  echo "step $n rc=$rc" >>"$log"
  if [ $rc != 0 ] || [ "${n#run}" != "$n" ]; then
    i=0
    while IFS= read -r l && [ $i -lt 8 ]; do echo "  | $l" >>"$log"; i=$((i + 1)); done <step.out
  fi
}
printf '%s' "$source" >hello.cpp
printf '%s' "$csource" >hello.c
for p in /usr/bin/g++ /usr/include/stdio.h /lib64/ld-linux-x86-64.so.2; do
  [ -e "$p" ] && echo "visible $p" >>"$log"
done
no_library_path() { (unset LD_LIBRARY_PATH; exec g++ --version); }
case $mode in
raw)
  step driver_direct g++ --version
  step driver_via_loader "$LDSO" --library-path "$LIB" "$T/usr/bin/g++" --sysroot="$T" -O2 -c hello.cpp -o "$o"
  # -wrapper runs each program the driver starts as "loader --library-path LIB program ...";
  # -B names where as is, or the driver would pass the loader a bare "as".
  step compile_wrapper "$LDSO" --library-path "$LIB" "$T/usr/bin/g++" -wrapper "$LDSO,--library-path,$LIB" \
    --sysroot="$T" -O2 -c hello.cpp -o "$o"
  step compile_wrapper_B "$LDSO" --library-path "$LIB" "$T/usr/bin/g++" -wrapper "$LDSO,--library-path,$LIB" \
    -B"$T/usr/bin/" --sysroot="$T" -O2 -c hello.cpp -o "$o"
  step compile_link_wrapper_B "$LDSO" --library-path "$LIB" "$T/usr/bin/g++" -wrapper "$LDSO,--library-path,$LIB" \
    -B"$T/usr/bin/" --sysroot="$T" -O2 hello.cpp -o "$exe"
  ;;
*)
  [ "$mode" = patched ] && step no_library_path no_library_path
  [ "$mode" = patched ] && step compile_no_sysroot g++ -O2 -c hello.cpp -o nosysroot.o
  step compile g++ $SYSROOT -O2 -c hello.cpp -o "$o"
  step compile_g g++ $SYSROOT -O2 -g -c hello.cpp -o "$og"
  step compile_g_mapped g++ $SYSROOT -O2 -g -fdebug-prefix-map=/build=/src $UNMAP -c hello.cpp -o "$ogm"
  # g++ links libstdc++ only for inputs it knows as C++ or objects: a store path's "-o" is neither.
  step compile_again g++ $SYSROOT -O2 -c hello.cpp -o hello.o
  step link g++ $SYSROOT hello.o -o "$exe"
  step run_direct "$exe"
  [ "$mode" = patched ] && step run_via_loader "$LDSO" "$exe"
  step compile_c gcc $SYSROOT -O2 -c hello.c -o "$co"
  ;;
esac
for f in "$o" "$og" "$ogm" "$exe" "$co"; do [ -e "$f" ] || : >"$f"; done  # a failed compile removes its -o
exit 0
EOF
build() {  # MODE [nix-store -r args...] -> the .drv; it and its outputs remembered for deletion
  local mode=$1 drv paths
  shift
  drv=$(nix-instantiate probe.nix --argstr mode "$mode" --argstr tree "${tree_for_mode:-}" \
    --argstr loader "$loader" --argstr script "$(cat probe.sh)" --argstr nonce "$(date +%s%N)" 2>/dev/null)
  remember "$drv"
  paths=$(nix-store -r "$drv" "${SANDBOX[@]}" "$@" 2>"build-$mode.err") || {
    cat "build-$mode.err" >&2
    echo "toolchain_closure.sh: the $mode build itself failed" >&2
    exit 1
  }
  # shellcheck disable=SC2086 # one store path a word
  remember $paths
  echo "$drv"
}
echo "building in the sandbox..." >&2
tree_for_mode=$tree_raw
t0=$(now_ms); raw_drv=$(build raw); raw_ms=$(($(now_ms) - t0))
tree_for_mode=$tree_path
t0=$(now_ms); patched_drv=$(build patched); patched_ms=$(($(now_ms) - t0))
t0=$(now_ms); host_drv=$(build host --option extra-sandbox-paths "$line"); host_ms=$(($(now_ms) - t0))
out_of() {  # DRV OUTPUT -> its path ("out" has no suffix)
  local suffix="-$2"
  [[ $2 == out ]] && suffix=$(basename "$1" .drv | cut -d- -f2-)
  nix-store -q --outputs "$1" | grep -- "$suffix\$"
}
raw_out=$(out_of "$raw_drv" out)
patched_out=$(out_of "$patched_drv" out)
host_out=$(out_of "$host_drv" out)

# The host's own builds of the same sources, in a folder of its own.
mkdir -p ref
(
  cd ref
  cp ../hello.cpp ../hello.c .
  g++ -O2 -c hello.cpp -o o
  g++ -O2 -g -c hello.cpp -o og
  g++ -O2 -g -fdebug-prefix-map="$PWD"=/src -c hello.cpp -o ogm
  g++ -O2 -c hello.cpp -o hello.o
  g++ hello.o -o exe
  gcc -O2 -c hello.c -o co
)
same() {  # OUT-of-build NAME -> identical | differs (N bytes) | missing
  local f
  f=$(out_of "$1" "$2")
  if [[ ! -s $f ]]; then echo missing
  elif cmp -s "$f" "ref/$2"; then echo identical
  else echo "differs ($(cmp -l "$f" "ref/$2" 2>/dev/null | wc -l) bytes; sizes $(stat -c %s "$f") vs $(stat -c %s "ref/$2"))"
  fi
}
declare -A ident
for mode in patched host; do
  d=${mode}_drv
  for n in o og ogm exe co; do ident[$mode.$n]=$(same "${!d}" "$n"); done
done

# --- 6. a batch's own inputs, for scale: this repository's tracked files ---------------------------------
repo_bytes=$(git -C "$repo" ls-files -z | (cd "$repo" && du -cb --files0-from=- 2>/dev/null) | tail -1 | cut -f1)
repo_units=$(git -C "$repo" ls-files '*.cpp' '*.c' | wc -l)

load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# --- report ----------------------------------------------------------------------------------------------
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
printf '\n%-58s %s\n' "set / measurement" "value"
printf '%-58s %s\n' "(a) queried paths (HostToolchain answer)" "$(grep -c . sets/queried_paths.txt)"
printf '%-58s %s\n' "(a) extra-sandbox-paths entries (with symlink chains)" "$line_entries, $line_chars chars"
printf '%-58s %s\n' "(a) what the line exposes" "$(mib "$line_apparent") apparent, $(mib "$line_disk") on disk, $line_files files"
printf '%-58s %s\n' "(a) time to compute the line (median of $runs)" "$(median "${query_ms[@]}") ms, of which ldd $(median "${ldd_ms[@]}") ms ($(grep -c . answers/executables) executables)"
printf '%-58s %s\n' "traced: files a g++/gcc hello world opened" "$traced_files files + $traced_links links, $(mib "$traced_apparent") apparent, $(mib "$traced_disk") on disk"
printf '%-58s %s\n' "packages owning them and the named files" "$(grep -c . sets/packages.txt): $(tr '\n' ' ' <sets/packages.txt)"
printf '%-58s %s\n' "(b) package tree (no /usr/share, /etc)" "$tree_files files + $tree_links links, $(mib "$tree_apparent") apparent, $(mib "$tree_disk") on disk"
printf '%-58s %s\n' "(b) traced files the package tree lacks" "$(grep -c . sets/traced_not_in_packages.txt || true)"
printf '%-58s %s\n' "(b) patchelf --set-interpreter on the tree's programs" "$patched files, $patch_ms ms"
printf '%-58s %s\n' "(b) import --add-fixed --recursive sha256, cold / warm" "$fixed_cold / $fixed_warm ms"
printf '%-58s %s\n' "(b) import --add, cold / warm" "$add_cold / $add_warm ms"
printf '%-58s %s\n' "(b) import of the traced files only, cold / warm" "$traced_cold / $traced_warm ms"
printf '%-58s %s\n' "(b) store: tree NAR, loader NAR, traced NAR" "$(mib "$nar_tree"), $nar_loader B, $(mib "$nar_traced")"
printf '%-58s %s\n' "(b) store path on disk" "$(mib "$store_apparent") apparent, $(mib "$store_disk") on disk"
printf '%-58s %s\n' "(b) per remote builder, once: NAR, zstd -3" "$(mib $((nar_tree + nar_loader))), $(mib "$zstd_tree")"
printf '%-58s %s\n' "a batch's own inputs, e.g. this repository's files" "$(mib "$repo_bytes") ($repo_units C/C++ sources)"
for mode in raw patched host; do
  o=${mode}_out
  echo
  echo "sandbox build, $mode:"
  sed 's/^/  /' "${!o}"
done
echo
printf '%-20s %-28s %-28s\n' "object" "(b) patched store tree" "(a) host paths in sandbox"
for n in o og ogm exe co; do printf '%-20s %-28s %-28s\n' "$n" "${ident[patched.$n]}" "${ident[host.$n]}"; done
echo "load average: $load_start at the start, $load_end at the end"

"$PY" - "$out" <<EOF
import json, sys
def lines(p):
    return [l for l in open(p).read().splitlines() if l]
def log(p):
    return open(p).read().splitlines()
r = {
  "date": "$(date -u +%FT%TZ)",
  "host": {"gcc": "$(gcc -dumpfullversion)", "nix": "$(nix-store --version | awk '{print $NF}')",
           "debian": "$(cat /etc/debian_version)", "nproc": $(nproc),
           "load_start": "$load_start", "load_end": "$load_end"},
  "runs": $runs,
  "a_extra_sandbox_paths": {
    "queried_paths": lines("sets/queried_paths.txt"),
    "line_paths": lines("sets/line_paths.txt"),
    "entries": $line_entries, "chars": $line_chars,
    "exposes": {"apparent_bytes": $line_apparent, "disk_bytes": $line_disk, "files": $line_files, "symlinks": $line_links,
                "real_paths": lines("line-real-outer.txt")},
    "compute_ms": [$(IFS=,; echo "${query_ms[*]}")], "compute_ms_median": $(median "${query_ms[@]}"),
    "ldd_ms": [$(IFS=,; echo "${ldd_ms[*]}")], "ldd_ms_median": $(median "${ldd_ms[@]}"), "executables": lines("answers/executables"),
  },
  "traced": {"files": $traced_files, "symlinks": $traced_links, "apparent_bytes": $traced_apparent,
             "disk_bytes": $traced_disk, "list": lines("sets/traced_files.txt")},
  "b_store_tree": {
    "packages": lines("sets/packages.txt"),
    "named_files": lines("sets/named_files.txt"),
    "host_files": {"files": $pkg_files, "symlinks": $pkg_links, "apparent_bytes": $pkg_apparent, "disk_bytes": $pkg_disk},
    "staged_tree": {"files": $tree_files, "symlinks": $tree_links, "apparent_bytes": $tree_apparent, "disk_bytes": $tree_disk},
    "traced_not_in_tree": lines("sets/traced_not_in_packages.txt"),
    "patched_programs": $patched, "patch_ms": $patch_ms,
    "import_ms": {"add_fixed_cold": $fixed_cold, "add_fixed_warm": $fixed_warm, "add_cold": $add_cold, "add_warm": $add_warm,
                  "raw_tree_add_fixed_once": $raw_import_ms, "traced_add_fixed_cold": $traced_cold, "traced_add_fixed_warm": $traced_warm},
    "nar_bytes": {"tree": $nar_tree, "loader": $nar_loader, "traced": $nar_traced},
    "store_path": {"apparent_bytes": $store_apparent, "disk_bytes": $store_disk},
    "remote_builder_bytes": {"nar": $((nar_tree + nar_loader)), "zstd3": $zstd_tree},
  },
  "sandbox_builds": {
    "raw": {"log": log("$raw_out"), "ms": $raw_ms},
    "patched": {"log": log("$patched_out"), "ms": $patched_ms},
    "host_extra_sandbox_paths": {"log": log("$host_out"), "ms": $host_ms},
  },
  "identical_to_host": {m: {n: v for n, v in d.items()} for m, d in {
    "patched": {$(for n in o og ogm exe co; do printf '"%s": "%s", ' "$n" "${ident[patched.$n]}"; done)},
    "host_extra_sandbox_paths": {$(for n in o og ogm exe co; do printf '"%s": "%s", ' "$n" "${ident[host.$n]}"; done)},
  }.items()},
  "batch_inputs_example": {"what": "this repository's tracked files", "bytes": $repo_bytes, "c_cpp_sources": $repo_units},
}
json.dump(r, open(sys.argv[1], "w"), indent=1)
EOF
echo "wrote $out"

# Builder of the default result: arguments come in threes (kind, name, store path).
set -eu
mkdir -p "$out"
while [ $# -ge 3 ]; do
  case "$1" in
    bin | lib) mkdir -p "$out/$1" && ln -s "$3" "$out/$1/$2" ;;
    batch) mkdir -p "$out/batches" && ln -s "$3" "$out/batches/$2" ;;
    timings) ln -s "$3" "$out/timings.sqlite" ;;
    *) echo "collect.sh: unknown kind $1" >&2 && exit 1 ;;
  esac
  shift 3
done

# Builder of a static library: archiver, ranlib, file name, then the objects.
set -eu
ar="$1" ranlib="$2" file="$3"
shift 3
mkdir -p "$out/lib"
"$ar" qc "$out/lib/$file" "$@"
"$ranlib" "$out/lib/$file"

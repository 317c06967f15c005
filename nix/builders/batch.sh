# Builder of a batch derivation: lays out the tree the manifest names (s/ = the source directory's
# files, b/ = the build directory's), then compiles it. Every value arrives in the environment.
set -eu
root="$TMPDIR/root"
mkdir -p "$root"
for part in s b; do
  if [ "$part" = s ]; then from="$src"; else from="$gen"; fi
  if [ -n "$from" ]; then
    cp -R "$from" "$root/$part"
    chmod -R u+w "$root/$part"
  else
    mkdir "$root/$part"
  fi
done
set -- batch "$manifest" --source-root "$root" --out "$out"
if [ -n "$previous" ]; then set -- "$@" --previous "$previous"; fi
exec "$nixcc" "$@"

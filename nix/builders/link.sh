# Builder of a link derivation: $1 is the folder of $out the command writes into; the rest is the command.
set -eu
mkdir -p "$out/$1"
shift
exec "$@"

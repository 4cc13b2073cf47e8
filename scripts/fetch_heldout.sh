#!/usr/bin/env bash
# Fetch the held-out evaluation packages (code the model never saw; see "Held-out evaluation packages" in
# data/DATA_CARD.md) and unpack each wheel into OUT/<name>-<version>/.
#
#   scripts/fetch_heldout.sh [out]          (default: runs/heldout)
#
# Each package is `pip download --no-deps`ed as its pure-Python wheel, pinned by version, and the archive's
# SHA-256 is checked against the one below before it is unpacked (`python -m zipfile -e`). Idempotent: a
# package whose folder exists is skipped, and a wheel already in OUT is not downloaded again. The last lines
# printed are the package folders to give the benchmarks, e.g.
#
#   .venv/bin/python -m bench.members $(scripts/fetch_heldout.sh | tail -n 5)
set -euo pipefail
OUT=${1:-runs/heldout}
PYTHON=${PYTHON:-.venv/bin/python}
PIP=${PIP:-"$PYTHON -m pip"}

# name==version  sha256 of the wheel  the import package inside it
PACKAGES=(
  "click==8.1.7          ae74fb96c20a0277a1d615f1e4d73c8414f5a98db8b799a7931d1582f3390c28 click"
  "jedi==0.19.1          e983c654fe5c02867aef4cdfce5a2fbb4a50adc0af145f70504238f18ef5e7e0 jedi"
  "mako==1.3.5           260f1dbc3a519453a9c856dedfe4beb4e50bd5a26d96386cb6c80856556bb91a mako"
  "lark==1.2.2           c2276486b02f0f1b90be155f2c8ba4a8e194d42775786db622faccd652d8e80c lark"
  "markdown-it-py==3.0.0 355216845c60bd96232cd8d8c40e8f9765cc86f46880e43a8fd22dc1a1a8cab1 markdown_it"
)

# PEP 503 normalised name, with `_` as separator as in wheel file names.
norm() { echo "$1" | tr 'A-Z' 'a-z' | sed -E 's/[-_.]+/_/g'; }

# The wheel of name==version already in $OUT, or nothing (wheel names may capitalise: Mako-1.3.5-...).
find_wheel() {
  local f base
  for f in "$OUT"/*.whl; do
    [ -e "$f" ] || continue
    base=$(basename "$f")
    if [ "$(norm "$(echo "$base" | cut -d- -f1)")-$(echo "$base" | cut -d- -f2)" = "$(norm "$1")-$2" ]; then
      echo "$f"
      return
    fi
  done
}

mkdir -p "$OUT"
folders=()
for entry in "${PACKAGES[@]}"; do
  read -r spec sha package <<<"$entry"
  name=${spec%%==*} version=${spec#*==}
  dest="$OUT/$(norm "$name")-$version"
  folders+=("$dest/$package")
  if [ -d "$dest/$package" ]; then continue; fi
  wheel=$(find_wheel "$name" "$version")
  if [ -z "$wheel" ]; then
    echo "download $spec" >&2
    $PIP download --quiet --no-deps --only-binary :all: "$spec" -d "$OUT"
    wheel=$(find_wheel "$name" "$version")
    [ -n "$wheel" ] || { echo "error: no wheel for $spec in $OUT after download" >&2; exit 1; }
  fi
  got=$(sha256sum "$wheel" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "error: $wheel has SHA-256 $got, expected $sha" >&2
    exit 1
  fi
  echo "unpack $(basename "$wheel") -> $dest" >&2
  rm -rf "$dest.partial"
  "$PYTHON" -m zipfile -e "$wheel" "$dest.partial"
  [ -d "$dest.partial/$package" ] || { echo "error: $wheel holds no $package/" >&2; exit 1; }
  mv "$dest.partial" "$dest"
done
printf '%s\n' "${folders[@]}"

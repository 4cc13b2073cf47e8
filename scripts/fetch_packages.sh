#!/usr/bin/env bash
# Fetch the pinned third-party packages of data/packages.txt and unpack their source for the corpus.
#
#   scripts/fetch_packages.sh [packages.txt] [out]      (defaults: data/packages.txt, runs/packages)
#
# Each `name==version` line (a trailing `# licence` comment is allowed; blank and `#` lines are skipped)
# is fetched with `pip download --no-deps` into OUT/wheels/, trying in turn: a pure-Python wheel
# (py3-none-any), a wheel for this interpreter, the sdist. The archive is unpacked into
# OUT/src/<name>-<version>/ (`python -m zipfile -e` for wheels, tar for sdists). Idempotent: a package whose
# folder exists is skipped, and an archive already in OUT/wheels/ is not downloaded again; folders under
# OUT/src/ of packages that are not listed are removed, so that src/ always matches the list.
# Then run scripts/dedupe_against_eval.py, and build the corpus from the stdlib and OUT/src.
set -euo pipefail
LIST=${1:-data/packages.txt}
OUT=${2:-runs/packages}
PYTHON=${PYTHON:-.venv/bin/python}
PIP=${PIP:-"$PYTHON -m pip"}
PYVER=$($PYTHON -c 'import sys; print("%d.%d" % sys.version_info[:2])')
WHEELS="$OUT/wheels"
SRC="$OUT/src"
mkdir -p "$WHEELS" "$SRC"

# PEP 503 normalised name, with `_` as separator as in wheel and modern sdist file names.
norm() { echo "$1" | tr 'A-Z' 'a-z' | sed -E 's/[-_.]+/_/g'; }

# The archive of name==version already in $WHEELS (wheels first), or nothing.
find_archive() {
  local want="$(norm "$1")-$2" f base stem
  for f in "$WHEELS"/*.whl "$WHEELS"/*.tar.gz "$WHEELS"/*.zip; do
    [ -e "$f" ] || continue
    base=$(basename "$f")
    case "$base" in
      *.whl) stem=$(echo "$base" | cut -d- -f1-2) ;;
      *.tar.gz) stem=${base%.tar.gz} ;;
      *.zip) stem=${base%.zip} ;;
    esac
    # sdist names may use `-`, `_` or `.` in the project name: normalise everything but the version.
    local sname=${stem%-*} sver=${stem##*-}
    if [ "$(norm "$sname")-$sver" = "$want" ]; then echo "$f"; return; fi
  done
}

download() {  # download name==version into $WHEELS: pure wheel, else this interpreter's wheel, else sdist
  local spec=$1
  $PIP download --quiet --no-deps --no-binary :none: --only-binary :all: \
      --platform any --python-version "$PYVER" --implementation py --abi none "$spec" -d "$WHEELS" 2>/dev/null && return
  $PIP download --quiet --no-deps --no-binary :none: --only-binary :all: "$spec" -d "$WHEELS" 2>/dev/null && return
  $PIP download --quiet --no-deps --no-binary :all: "$spec" -d "$WHEELS"
}

fetched=0 skipped=0
declare -A listed=()
while IFS= read -r line || [ -n "$line" ]; do
  spec=$(echo "${line%%#*}" | tr -d '[:space:]')
  [ -n "$spec" ] || continue
  case "$spec" in
    *==*) ;;
    *) echo "error: '$spec' is not pinned as name==version" >&2; exit 1 ;;
  esac
  name=$(norm "${spec%%==*}") version=${spec#*==}
  dest="$SRC/$name-$version"
  listed["$name-$version"]=1
  if [ -d "$dest" ]; then skipped=$((skipped + 1)); continue; fi
  archive=$(find_archive "$name" "$version")
  if [ -z "$archive" ]; then
    echo "download $spec" >&2
    download "$spec"
    archive=$(find_archive "$name" "$version")
    [ -n "$archive" ] || { echo "error: no archive for $spec in $WHEELS after download" >&2; exit 1; }
  fi
  echo "unpack $(basename "$archive") -> $dest" >&2
  tmp="$dest.partial"
  rm -rf "$tmp" && mkdir -p "$tmp"
  case "$archive" in
    *.whl|*.zip) "$PYTHON" -m zipfile -e "$archive" "$tmp" ;;
    *.tar.gz) tar -xzf "$archive" -C "$tmp" --strip-components=1 ;;
  esac
  mv "$tmp" "$dest"
  fetched=$((fetched + 1))
done < "$LIST"
# src/ holds exactly the listed packages: folders of packages no longer listed (and half-unpacked ones) go.
for dir in "$SRC"/*; do
  [ -d "$dir" ] || continue
  if [ -z "${listed[$(basename "$dir")]:-}" ]; then
    echo "remove $dir (not in $LIST)" >&2
    rm -rf "$dir"
  fi
done
echo "fetched $fetched, already there $skipped, into $SRC" >&2

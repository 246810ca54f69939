#!/bin/bash
# Installs what the VS Code integration/UI tests need, into .vscode-runtime/ (gitignored):
#   - Debian's chromium (driven by playwright-core, a devDependency; never `npx playwright install`)
#   - code-server 4.100.3 (VS Code 1.100.3 server + web workbench, Node extension host; runs on Node 20)
# Idempotent and fast (< 1 s) when everything is already there. Offline-friendly: npm registry + apt only.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=${ROOT:-$PWD/.vscode-runtime}
CS_VERSION=4.100.3
export DEBIAN_FRONTEND=noninteractive
ts() { date +%s.%N; }
el() { awk "BEGIN { printf \"%.1f\", $(ts) - $1 }"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v make >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 || need_apt+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  t=$(ts)
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  echo "apt (${need_apt[*]}): $(el "$t")s"
fi

CS_BIN="$ROOT/cs/node_modules/.bin/code-server"
installed=$(node -p "try { require('$ROOT/cs/node_modules/code-server/package.json').version } catch { '' }" 2>/dev/null || true)
if [ "$installed" != "$CS_VERSION" ] || [ ! -x "$CS_BIN" ]; then
  # @vscode/ripgrep's postinstall downloads rg from GitHub: pre-seed its cache with Debian's rg.
  RG_PKG=1.15.11; RG_TAG=v13.0.0-10
  mkdir -p "/tmp/vscode-ripgrep-cache-$RG_PKG" "$ROOT/rgseed"
  cp "$(command -v rg)" "$ROOT/rgseed/rg"
  tar czf "/tmp/vscode-ripgrep-cache-$RG_PKG/ripgrep-$RG_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$ROOT/rgseed" rg
  mkdir -p "$ROOT/cs"
  [ -f "$ROOT/cs/package.json" ] || echo '{"name":"vscode-runtime","private":true}' > "$ROOT/cs/package.json"
  t=$(ts)
  # nodedir=/usr: node-gyp uses the local Node headers (no download); yes=true: node-pty's postinstall runs `npx node-gyp`.
  (cd "$ROOT/cs" && npm_config_nodedir=/usr npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund --no-save "code-server@$CS_VERSION" > install.log 2>&1) \
    || { tail -40 "$ROOT/cs/install.log"; exit 1; }
  echo "code-server $CS_VERSION install: $(el "$t")s"
fi

# playwright-core, mocha and @vscode/vsce are devDependencies of the project.
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/mocha ] || [ ! -d node_modules/@vscode/vsce ]; then
  echo "devDependencies missing: run 'npm ci' (or 'npm install') first" >&2
  exit 1
fi
echo "e2e runtime ready: $CS_BIN ($CS_VERSION), $(command -v chromium)"

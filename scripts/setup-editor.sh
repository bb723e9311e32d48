#!/usr/bin/env bash
# Installs the real editor the extension's VS Code suite runs in: code-server (VS Code's server and web
# workbench, with a real Node extension host) into .cache/code-server, and Debian's Chromium to drive it.
# Idempotent: installs only what is missing or wrong, runs `apt-get update` at most once, and fails loudly
# (non-zero, naming what is broken) when anything is still not working at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly CODE_SERVER_VERSION=4.100.3
readonly PREFIX=.cache/code-server
readonly CODE_SERVER_BIN=$PREFIX/node_modules/.bin/code-server
readonly CHROMIUM=/usr/bin/chromium

# shellcheck source=lib/apt.sh
. scripts/lib/apt.sh
require_root setup-editor

# code-server 4.100.x requires Node 20 exactly; newer releases want Node 22 or 24.
node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" != 20 ]; then
  echo "setup-editor: code-server ${CODE_SERVER_VERSION} needs Node 20, found $(node --version)" >&2
  exit 1
fi

# Debian packages: chromium (the browser), libkrb5-dev (headers for code-server's kerberos module),
# ripgrep (stands in for the rg binary @vscode/ripgrep would download from GitHub).
mapfile -t missing_pkgs < <(missing_packages chromium libkrb5-dev ripgrep)
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  echo "setup-editor: installing ${missing_pkgs[*]}"
  apt_install "${missing_pkgs[@]}"
fi

# Version probes run with a throw-away home: code-server would otherwise write a default config and logs
# under ~/.config and ~/.local/share, and Chromium a profile under ~/.config.
probe_home=$(mktemp -d)
trap 'rm -rf "$probe_home"' EXIT
probe() { HOME=$probe_home XDG_CONFIG_HOME=$probe_home/config XDG_DATA_HOME=$probe_home/data "$@"; }

# `code-server --version` prints "4.100.3 <commit> with Code 1.100.3" (after a log line on a first run).
installed_version() {
  [ -x "$CODE_SERVER_BIN" ] || return 0
  probe "$CODE_SERVER_BIN" --version 2>/dev/null | awk '/^[0-9]+\.[0-9]+\.[0-9]+ /{print $1; exit}' || true
}

cs_version=$(installed_version)
if [ "$cs_version" != "$CODE_SERVER_VERSION" ]; then
  echo "setup-editor: installing code-server@${CODE_SERVER_VERSION} into ${PREFIX}"
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX"
  # Keep the cache folder out of the extension's own package: a package.json of its own.
  printf '{ "name": "trustlens-editor-cache", "private": true }\n' >"$PREFIX/package.json"

  # @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the archive.
  # Hand it Debian's rg, in a private temporary directory so nothing else in /tmp is touched.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp" "$probe_home"' EXIT
  rg_cache=$tmp/vscode-ripgrep-cache-1.15.11
  mkdir -p "$rg_cache" "$tmp/rg"
  cp /usr/bin/rg "$tmp/rg/rg"
  tar -czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rg" rg

  # unsafe_perm: the postinstall refuses to run as root otherwise; yes: node-pty runs `npx node-gyp`.
  if ! TMPDIR=$tmp npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --prefix "$PREFIX" --no-audit --no-fund --no-save --loglevel=error \
      "code-server@${CODE_SERVER_VERSION}" >"$tmp/npm.log" 2>&1; then
    tail -n 40 "$tmp/npm.log" >&2
    echo "setup-editor: FAILED, npm install code-server@${CODE_SERVER_VERSION}" >&2
    exit 1
  fi
  cs_version=$(installed_version)
fi

# Final verification: both binaries must run, not merely exist.
failures=()
[ "$cs_version" = "$CODE_SERVER_VERSION" ] || failures+=("code-server (found '${cs_version:-nothing}')")
chromium_version=$(probe "$CHROMIUM" --headless --no-sandbox --version 2>/dev/null | awk 'NR == 1' || true)
[ -n "$chromium_version" ] || failures+=("$CHROMIUM --version")
command -v rg >/dev/null 2>&1 || failures+=(rg)

if [ "${#failures[@]}" -gt 0 ]; then
  echo "setup-editor: FAILED, not working: ${failures[*]}" >&2
  exit 1
fi
echo "setup-editor: ok (code-server ${cs_version} at ${CODE_SERVER_BIN}, ${chromium_version}, $(rg --version | awk 'NR == 1'))"

#!/usr/bin/env bash
# Installs the real editors the extension's VS Code suite runs in: every code-server build that
# test/vscode/editors.json lists (VS Code's server and web workbench, with a real Node extension host),
# each into its own folder under .cache, with the Node.js it needs, and Debian's Chromium to drive them.
#   - code-server 4.100.3 (VS Code 1.100.3, the oldest engines.vscode claims) runs on the machine's Node 20;
#   - code-server 4.139.1 (a current VS Code) needs Node 24: the npm package `node` provides it, in
#     .cache/node-<version>, without touching the system's Node.js.
# Idempotent: installs only what is missing or wrong (into a temporary folder, moved into place once it
# runs), runs `apt-get update` at most once, and fails loudly (non-zero, naming what is broken) when
# anything is still not working at the end. Checkouts that share .cache (git worktrees link it) take
# turns; an editor that is already installed is never touched while other checkouts may be using it.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly MANIFEST=test/vscode/editors.json
readonly CHROMIUM=/usr/bin/chromium

# shellcheck source=lib/apt.sh
. scripts/lib/apt.sh
require_root setup-editor

# Debian packages: chromium (the browser), libkrb5-dev (headers for code-server's kerberos module),
# ripgrep (stands in for the rg binary @vscode/ripgrep of code-server 4.100 would download from GitHub).
mapfile -t missing_pkgs < <(missing_packages chromium libkrb5-dev ripgrep)
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  echo "setup-editor: installing ${missing_pkgs[*]}"
  apt_install "${missing_pkgs[@]}"
fi

mkdir -p .cache
exec 9>.cache/.editors.lock
flock 9

# Version probes run with a throw-away home: code-server would otherwise write a default config and logs
# under ~/.config and ~/.local/share, and Chromium a profile under ~/.config.
scratch=$(mktemp -d)
# Half-made installs (a failure, Ctrl+C) are removed too: only a finished one is ever moved into place.
trap 'rm -rf "$scratch" .cache/.node-*.tmp-"$$" .cache/.code-server-*.tmp-"$$"' EXIT
probe() { HOME=$scratch/home XDG_CONFIG_HOME=$scratch/home/config XDG_DATA_HOME=$scratch/home/data "$@"; }

# One line per editor: code-server version, VS Code version, node (`system` or a version), Node major, dir.
mapfile -t editors < <(node -e '
  const m = require(process.argv[1]);
  for (const e of m.editors) console.log([e.codeServer, e.vscode, e.node, e.nodeMajor, e.dir].join(" "));
' "$PWD/$MANIFEST")
[ "${#editors[@]}" -gt 0 ] || { echo "setup-editor: FAILED, $MANIFEST lists no editor" >&2; exit 1; }

# The Node.js the npm package `node@VERSION` installs into .cache/node-VERSION, installed if missing.
# Prints the folder; its node_modules/.bin/node is the binary, and the headers native modules build
# against sit beside it (node-gyp cannot download them: only the npm registry is reachable).
node_from_npm() {
  local version=$1 dir=.cache/node-$1 work
  if [ "$("$dir/node_modules/.bin/node" --version 2>/dev/null || true)" != "v$version" ]; then
    echo "setup-editor: installing node@${version} (npm package) into ${dir}" >&2
    work=.cache/.node-${version}.tmp-$$
    rm -rf "$work" && mkdir -p "$work"
    if ! npm install --prefix "$work" --no-audit --no-fund --no-save --loglevel=error "node@${version}" >"$scratch/node.log" 2>&1; then
      tail -n 40 "$scratch/node.log" >&2
      rm -rf "$work"
      echo "setup-editor: FAILED, npm install node@${version}" >&2
      return 1
    fi
    rm -rf "$dir"
    mv "$work" "$dir"
  fi
  local got
  got=$("$dir/node_modules/.bin/node" --version 2>/dev/null || true)
  if [ "$got" != "v$version" ]; then
    echo "setup-editor: FAILED, $dir/node_modules/.bin/node --version says '${got:-nothing}', expected v${version}" >&2
    return 1
  fi
  echo "$dir"
}

# The headers of that Node.js (the node-<os>-<arch> package the `node` package installs), for node-gyp.
node_headers() {
  local include
  include=$(ls -d "$1"/node_modules/node/node_modules/node-*/include/node 2>/dev/null | head -n 1 || true)
  if [ -z "$include" ] || [ ! -f "$include/node_api.h" ]; then
    echo "setup-editor: FAILED, no Node.js headers (include/node/node_api.h) under $1/node_modules/node/node_modules" >&2
    return 1
  fi
  (cd "$include/../.." && pwd)
}

# `code-server --version` prints "4.139.1 <commit> with Code 1.139.1" (after a log line on a first run).
installed_version() {
  local node=$1 dir=$2 entry=$2/node_modules/code-server/out/node/entry.js
  [ -f "$entry" ] || return 0
  probe "$node" "$entry" --version 2>/dev/null | awk '/^[0-9]+\.[0-9]+\.[0-9]+ /{print $1 " " $NF; exit}' || true
}

# Installs code-server VERSION into DIR with the Node.js NODE (a path, or `node` for the system's).
install_code_server() {
  local version=$1 dir=$2 node=$3 nodedir=$4 work tmp
  echo "setup-editor: installing code-server@${version} into ${dir}"
  work=.cache/.code-server-${version}.tmp-$$
  rm -rf "$work" && mkdir -p "$work"
  # Keep the cache folder out of the extension's own package: a package.json of its own.
  printf '{ "name": "trustlens-editor-cache", "private": true }\n' >"$work/package.json"

  # code-server 4.100's @vscode/ripgrep postinstall downloads rg from GitHub unless its cache already
  # holds the archive: hand it Debian's rg, in a private temporary directory so nothing else in /tmp is
  # touched. (4.139 ships rg for every platform in @vscode/ripgrep-universal and downloads nothing.)
  tmp=$(mktemp -d "$scratch/tmp.XXXXXX")
  mkdir -p "$tmp/vscode-ripgrep-cache-1.15.11" "$tmp/rg"
  cp /usr/bin/rg "$tmp/rg/rg"
  tar -czf "$tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp/rg" rg

  # npm, code-server's postinstall and the `npm install` it runs inside lib/vscode must all run on the
  # Node.js code-server needs (it checks the version npm reports, and its native modules are built for
  # that Node's ABI): that Node first on PATH, and node-gyp pointed at its headers.
  # unsafe_perm: 4.100's postinstall refuses to run as root otherwise; yes: node-pty runs `npx node-gyp`.
  local -a env=(TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true)
  local path=$PATH
  if [ "$node" != node ]; then
    path=$(dirname "$node"):$PATH
    env+=(npm_config_nodedir="$nodedir")
  fi
  # Run under `npm test`, the outer npm's settings are in the environment as npm_config_*, and the inner
  # npm would take them as its own: its user agent, which names the outer npm's Node.js (the one
  # code-server's postinstall checks), among them. The inner npm starts from none of them.
  local -a outer=()
  local name
  for name in $(compgen -e); do
    case $name in npm_*) outer+=(-u "$name") ;; esac
  done
  if ! env "${outer[@]}" "${env[@]}" PATH="$path" \
      npm install --prefix "$work" --no-audit --no-fund --no-save --loglevel=error \
      "code-server@${version}" >"$scratch/npm.log" 2>&1; then
    tail -n 40 "$scratch/npm.log" >&2
    rm -rf "$work" "$tmp"
    echo "setup-editor: FAILED, npm install code-server@${version} (Node.js $(PATH=$path node --version))" >&2
    return 1
  fi
  rm -rf "$tmp"
  # The postinstall's last step links lib/vscode/bin/remote-cli/code-server; without it the install is partial.
  if [ ! -L "$work/node_modules/code-server/lib/vscode/bin/remote-cli/code-server" ]; then
    tail -n 40 "$scratch/npm.log" >&2
    rm -rf "$work"
    echo "setup-editor: FAILED, code-server@${version}'s postinstall did not finish" >&2
    return 1
  fi
  rm -rf "$dir"
  mv "$work" "$dir"
}

failures=()
summary=()
for line in "${editors[@]}"; do
  read -r cs_version vscode_version node_version node_major dir <<<"$line"
  if [ "$node_version" = system ]; then
    node=node
    nodedir=
    found_major=$(node -p 'process.versions.node.split(".")[0]')
    if [ "$found_major" != "$node_major" ]; then
      failures+=("code-server ${cs_version} needs the system Node.js ${node_major}, found $(node --version)")
      continue
    fi
  else
    node_home=$(node_from_npm "$node_version") || { failures+=("node@${node_version}"); continue; }
    node=$PWD/$node_home/node_modules/.bin/node
    nodedir=$(node_headers "$node_home") || { failures+=("node@${node_version} headers"); continue; }
  fi
  want="$cs_version $vscode_version"
  if [ "$(installed_version "$node" "$dir")" != "$want" ]; then
    install_code_server "$cs_version" "$dir" "$node" "$nodedir" || { failures+=("code-server ${cs_version}"); continue; }
  fi
  # Final verification: it must run, not merely exist.
  got=$(installed_version "$node" "$dir")
  if [ "$got" != "$want" ]; then
    failures+=("code-server ${cs_version} in ${dir} (says '${got:-nothing}', expected '${want}')")
    continue
  fi
  summary+=("code-server ${cs_version} (VS Code ${vscode_version}, Node.js $("$node" --version)) in ${dir}")
done

chromium_version=$(probe "$CHROMIUM" --headless --no-sandbox --version 2>/dev/null | awk 'NR == 1' || true)
[ -n "$chromium_version" ] || failures+=("$CHROMIUM --version")
command -v rg >/dev/null 2>&1 || failures+=(rg)

if [ "${#failures[@]}" -gt 0 ]; then
  printf 'setup-editor: FAILED, not working: %s\n' "${failures[@]}" >&2
  exit 1
fi
printf 'setup-editor: ok, %s\n' "${summary[@]}"
echo "setup-editor: ok, ${chromium_version}, $(rg --version | awk 'NR == 1')"

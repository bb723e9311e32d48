#!/usr/bin/env bash
# Installs the Sigstore tools the cosign tests check TrustLens against: cosign 2.5.0, oras 1.2.0 and
# sigstore-go 0.7.1 (its `sigstore-go-verification`), the Debian trixie builds. They need only
# libc6 >= 2.34, so they run on bookworm. apt's own client fetches the .debs from a trixie source list
# passed as options, and `dpkg -x` unpacks them into .cache/sigstore-tools; nothing is installed
# system-wide and the machine's apt sources, lists and package cache are left alone.
# Idempotent: does nothing when the right versions are already unpacked, and fails loudly (non-zero,
# naming what is missing or broken) when any tool does not run at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly CACHE=.cache/sigstore-tools
readonly ROOT=$CACHE/root
readonly STAMP=$CACHE/versions
# Debian package → the upstream version it must carry (the tests rely on these versions' behaviour).
declare -A wanted=([cosign]=2.5.0 [oras]=1.2.0 [sigstore-go]=0.7.1)
readonly BINARIES=(cosign oras sigstore-go-verification)

# Several checkouts may share .cache (git worktrees link it): one installer at a time.
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

stamp_line() {
  local pkg
  for pkg in $(printf '%s\n' "${!wanted[@]}" | sort); do printf '%s=%s\n' "$pkg" "${wanted[$pkg]}"; done
}

installed_ok() {
  [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_line)" ] || return 1
  local bin
  for bin in "${BINARIES[@]}"; do [ -x "$ROOT/usr/bin/$bin" ] || return 1; done
}

if ! installed_ok; then
  command -v apt-get >/dev/null 2>&1 || { echo "setup-sigstore: apt-get is required to fetch the Debian trixie packages" >&2; exit 1; }
  command -v dpkg >/dev/null 2>&1 || { echo "setup-sigstore: dpkg is required to unpack the Debian trixie packages" >&2; exit 1; }
  # The machine's own Debian mirror, as its deb822 sources name it (fallback: deb.debian.org).
  uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$uri" ]; then
    uri=$(awk '$1 == "deb" && $2 ~ /^https?:/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  fi
  uri=${uri:-http://deb.debian.org/debian}
  work=$(mktemp -d "$CACHE/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/lists/partial" "$work/apt-cache/archives/partial" "$work/debs" "$work/root"
  echo "deb $uri trixie main" >"$work/trixie.list"
  # Only these options point apt at trixie; its own lists and caches stay where they are.
  apt_opts=(
    -o "Dir::Etc::sourcelist=$PWD/$work/trixie.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$PWD/$work/lists" -o "Dir::Cache=$PWD/$work/apt-cache"
    -o APT::Sandbox::User=root
  )
  echo "setup-sigstore: fetching ${!wanted[*]} from Debian trixie ($uri)"
  if ! apt-get "${apt_opts[@]}" -qq update >"$work/update.log" 2>&1; then
    cat "$work/update.log" >&2
    echo "setup-sigstore: FAILED, apt-get update of the trixie source list ($uri)" >&2
    exit 1
  fi
  for pkg in "${!wanted[@]}"; do
    candidate=$(apt-cache "${apt_opts[@]}" policy "$pkg" | awk '/Candidate:/{print $2}')
    case "$candidate" in
      "${wanted[$pkg]}"-*) ;;
      *) echo "setup-sigstore: FAILED, trixie offers $pkg '${candidate:-nothing}', expected ${wanted[$pkg]}" >&2; exit 1 ;;
    esac
  done
  if ! (cd "$work/debs" && apt-get "${apt_opts[@]}" -qq download "${!wanted[@]}") >"$work/download.log" 2>&1; then
    cat "$work/download.log" >&2
    echo "setup-sigstore: FAILED, apt-get download ${!wanted[*]}" >&2
    exit 1
  fi
  for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$work/root"; done
  rm -rf "$ROOT"
  mv "$work/root" "$ROOT"
  stamp_line >"$STAMP"
fi

# Final verification: every binary must run, not merely exist.
failures=()
"$ROOT/usr/bin/cosign" version >/dev/null 2>&1 || failures+=(cosign)
oras_v=$("$ROOT/usr/bin/oras" version 2>/dev/null | awk '/^Version:/{print $2}' || true)
[ "$oras_v" = "${wanted[oras]}" ] || failures+=("oras (version '${oras_v:-none}')")
"$ROOT/usr/bin/sigstore-go-verification" -h >/dev/null 2>&1 || [ $? -eq 2 ] || failures+=(sigstore-go-verification)
if [ "${#failures[@]}" -gt 0 ]; then
  echo "setup-sigstore: FAILED, not working in $ROOT/usr/bin: ${failures[*]} (delete $CACHE and run again)" >&2
  exit 1
fi
echo "setup-sigstore: ok (cosign ${wanted[cosign]}, oras ${oras_v}, sigstore-go ${wanted[sigstore-go]} in $ROOT/usr/bin)"

#!/usr/bin/env bash
# Installs the real components the trust tests and the demo run on loopback: notary-server and the
# notary client, the docker registry, openssl (throw-away CAs), faketime (whole-process clock shifts),
# htpasswd (registry basic auth) and a docker CLI that still has `docker trust`.
# Idempotent: installs only what is missing, runs `apt-get update` at most once, and fails loudly
# (non-zero, with the missing pieces named) when anything is still absent at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/apt.sh
. scripts/lib/apt.sh
require_root setup-stack

# Command → Debian package that provides it.
declare -A provider=(
  [notary]=notary
  [notary-server]=notary
  [docker-registry]=docker-registry
  [openssl]=openssl
  [faketime]=faketime
  [htpasswd]=apache2-utils
)

missing_pkgs=()
for cmd in "${!provider[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    pkg=${provider[$cmd]}
    case " ${missing_pkgs[*]-} " in *" $pkg "*) ;; *) missing_pkgs+=("$pkg") ;; esac
  fi
done
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  echo "setup-stack: installing ${missing_pkgs[*]}"
  apt_install "${missing_pkgs[@]}"
fi

# docker trust: the docker CLI up to 28.x has it built in; newer ones need the docker-trust plugin.
# Debian's docker.io 20.10 CLI has it, so it is the fallback. An existing docker is never removed.
docker_trust_ok() { command -v docker >/dev/null 2>&1 && docker trust inspect --help >/dev/null 2>&1; }
if ! docker_trust_ok; then
  apt_refresh
  if ! apt-cache policy docker.io | grep -q 'Candidate: [0-9]'; then
    echo "setup-stack: 'docker trust' is unavailable and no docker.io package is offered by apt" >&2
    exit 1
  fi
  echo "setup-stack: installing docker.io for 'docker trust'"
  apt_install docker.io
fi

# Final verification: every binary must run, not merely exist.
failures=()
check() { # check NAME COMMAND...
  local name=$1; shift
  if ! "$@" >/dev/null 2>&1; then failures+=("$name"); fi
}
check notary notary version
check notary-server notary-server -version
check docker-registry docker-registry --version
check 'docker trust' docker trust inspect --help
check htpasswd htpasswd -nbB probe probe
check openssl openssl version
check faketime faketime -f +1d true

if [ "${#failures[@]}" -gt 0 ]; then
  echo "setup-stack: FAILED, not working: ${failures[*]}" >&2
  exit 1
fi

# The Debian builds print empty version strings, so ask dpkg.
pkg_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }
notary_v=$(pkg_version notary)
registry_v=$(pkg_version docker-registry)
docker_v=$(docker version --format '{{.Client.Version}}' 2>/dev/null || true)
openssl_v=$(openssl version | awk '{print $2}')
echo "setup-stack: ok (notary ${notary_v:-?}, notary-server, docker-registry ${registry_v:-?}, docker ${docker_v:-?} with trust, openssl ${openssl_v}, faketime, htpasswd)"

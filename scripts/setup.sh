#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently. Fails loudly when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# The real trust stack: notary-server, docker-registry, the notary and docker CLIs.
bash scripts/setup-stack.sh
# The Sigstore tools the cosign tests check against: cosign, oras, sigstore-go (Debian trixie builds).
bash scripts/setup-sigstore.sh

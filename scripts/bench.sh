#!/usr/bin/env bash
# `npm run bench`: measures TrustLens against the real notary CLI; writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
node scripts/build.mjs --bench
node out/bench/bench.js

#!/usr/bin/env bash
# `npm run bench`: measures TrustLens against the real notary CLI; writes bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-editor.sh
# Activation time, as VS Code reports it, and the latencies of a large Kubernetes manifest, of the
# production bundles in code-server (out/vscode-metrics.json).
node test/vscode/run.mjs --code-server oldest --production --grep "activation|Deployments, warm cache" --pass trusted
npm run --silent build
node scripts/build.mjs --bench
node out/bench/bench.js

#!/usr/bin/env bash
# The main job: builds TrustLens and lists every image reference in examples/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent build
node dist/cli.js refs examples/ "$@"

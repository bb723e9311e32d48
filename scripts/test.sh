#!/usr/bin/env bash
# The whole test suite: installs what it needs, then typechecks, lints, builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm run --silent typecheck
npm run --silent lint
npm run --silent build:tests
npm run --silent test:unit
if [ -d out/test/integration ]; then npm run --silent test:integration; fi

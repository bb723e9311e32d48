#!/usr/bin/env bash
# The whole test suite: installs what it needs (npm packages, the real trust stack, code-server and
# Chromium), then typechecks, lints, builds and runs the unit tests, a short fuzz run, and the
# integration and VS Code tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup-editor.sh
npm run --silent typecheck
npm run --silent lint
npm run --silent build:tests
npm run --silent test:unit
# A short fuzz run, from a fixed seed so that it is the same run every time (npm run fuzz explores
# from a random seed): fails on any crash or any input that takes more than 1 s.
npm run --silent fuzz -- --seconds 20 --seed 1
npm run --silent test:integration
npm run --silent test:vscode

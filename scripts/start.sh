#!/usr/bin/env bash
# The main job: a live demo editor on a local trust server (see scripts/demo/main.ts).
# `npm start -- --no-editor` runs `trustlens check` on a copy of examples/ against the demo stack instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
case " $* " in
  *" --no-editor "*) ;;
  *) bash scripts/setup-editor.sh ;;
esac
npm run --silent build
node scripts/build.mjs --demo
exec node out/demo/main.js "$@"

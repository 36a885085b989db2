#!/usr/bin/env bash
# `npm run build`, and every script that installs the package into n8n: compiles nodes/ and
# credentials/ into dist/, copies their icons, and writes dist/index.js (the package's "main").
# Needs the toolchain on PATH (run through scripts/run.sh, or source scripts/bootstrap.sh first).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -rf dist
tsc -p tsconfig.build.json
gulp build:icons --silent
node scripts/write-dist-index.js

#!/usr/bin/env bash
# The versions sidebar with a long history, in real Chromium against a real server
# (ui-tests/benchmarks/versionsSidebar.bench.ts). JD_BENCH_VERSIONS=N changes the count.
set -euo pipefail
cd "$(dirname "$0")/../ui-tests"
exec jlpm playwright test -c playwright.bench.config.js "$@"

#!/usr/bin/env bash
# Runs the portal's browser tests (web/tests/*.test.mjs, or the files named as arguments) with
# Node's test runner, Playwright (playwright-core) driving Debian's headless Chromium. CTest runs
# each file as its own test, `browser.<name>` (browser.portal, browser.orders, ...).
#
# Environment: CANDELA_BINARY (the built candela), CANDELA_SCREENSHOTS (folder for screenshots),
# optionally CHROMIUM (default /usr/bin/chromium) and CANDELA_WEB_ROOT (default web/dist).
# Nothing is skipped: a missing prerequisite fails the run and says how to get it.
set -euo pipefail
web_dir="$(cd "$(dirname "$0")/.." && pwd)"

fail() {
  echo "browser tests: $*" >&2
  exit 1
}

command -v node >/dev/null || fail "node is not installed (run: scripts/install-deps.sh web)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
[[ -x "$chromium" ]] || fail "Chromium is not at $chromium (run: scripts/install-deps.sh web)"
[[ -n "${CANDELA_BINARY:-}" && -x "$CANDELA_BINARY" ]] ||
  fail "CANDELA_BINARY must name the built candela binary (got '${CANDELA_BINARY:-}')"
[[ -d "$web_dir/node_modules/playwright-core" ]] ||
  fail "web/node_modules is missing (run: make web, or cd web && npm ci)"
web_root="${CANDELA_WEB_ROOT:-$web_dir/dist}"
[[ -f "$web_root/index.html" ]] || fail "the web UI is not built in $web_root (run: make web)"

export CHROMIUM="$chromium" CANDELA_WEB_ROOT="$web_root"
export CANDELA_SCREENSHOTS="${CANDELA_SCREENSHOTS:-$web_dir/../build/screenshots}"
mkdir -p "$CANDELA_SCREENSHOTS"
cd "$web_dir"
# Arguments name test files to run (e.g. tests/support.test.mjs); none runs them all.
if [[ $# -gt 0 ]]; then
  exec node --test --test-concurrency=1 --test-reporter=spec "$@"
fi
exec node --test --test-concurrency=1 --test-reporter=spec tests/*.test.mjs

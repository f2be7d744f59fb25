#!/usr/bin/env bash
# Runs the dashboard's browser test (dashboard.test.mjs) against a rehook binary, in Debian's
# chromium. Installs the pinned npm packages first when package-lock.json is newer than what
# node_modules holds (npm ci; never a browser download).
#   tests/browser/run.sh REHOOK_BINARY [OUTPUT_DIR]   # screenshots go to OUTPUT_DIR
# CTest runs it as dashboard.browser (label "browser"); scripts/install-deps.sh test installs
# node, npm and chromium.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rehook="${1:?usage: $0 REHOOK_BINARY [OUTPUT_DIR]}"
output="${2:-$here/output}"
chromium="${REHOOK_CHROMIUM:-/usr/bin/chromium}"

for tool in node npm openssl; do
  if ! command -v "$tool" >/dev/null; then
    echo "browser test: '$tool' is missing; run scripts/install-deps.sh test" >&2
    exit 1
  fi
done
if [ ! -x "$chromium" ]; then
  echo "browser test: $chromium is missing; run scripts/install-deps.sh test" >&2
  exit 1
fi

export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# npm notes what it installed in node_modules/.package-lock.json. The lock keeps two test runs
# (two build trees) from installing at the same time.
installed="$here/node_modules/.package-lock.json"
(
  flock 9
  if [ ! -f "$installed" ] || [ "$here/package-lock.json" -nt "$installed" ]; then
    echo "browser test: npm ci in $here" >&2
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  fi
) 9>"${TMPDIR:-/tmp}/rehook-browser-npm.lock"

exec node "$here/dashboard.test.mjs" --rehook "$rehook" --output "$output" --chromium "$chromium"

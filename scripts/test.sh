#!/usr/bin/env bash
# Installs what is missing, builds, starts a private PostgreSQL and runs every test:
# unit tests, integration tests against the real server, and end-to-end tests that start
# `scenecast serve` and talk to it over its WebSocket.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
install_dependencies

echo "==> building (debug, with tests)"
swift build --build-tests
bin="$(swift build --show-bin-path)"

# A private PostgreSQL for this run, under /tmp so the unprivileged server account can
# reach it when we run as root.
data="$(mktemp -d /tmp/scenecast-test.XXXXXX)"
chmod 755 "$data"
cleanup() {
    "$bin/scenecast" db stop --data-dir "$data" >/dev/null 2>&1 || true
    rm -rf "$data"
}
trap cleanup EXIT
echo "==> starting PostgreSQL in $data"
DATABASE_URL="$("$bin/scenecast" db start --data-dir "$data" --log-level warning)"
export DATABASE_URL
echo "==> running the tests (DATABASE_URL=$DATABASE_URL)"
# One suite at a time: the end-to-end suites start servers and the rendering suites keep
# both cores busy with llvmpipe; run together on a 2-core machine they starve each other.
swift test --skip-build --no-parallel --skip BrowserEndToEndTests

# The web client in a real browser: Debian's headless Chromium driven by Selenium
# (Tests/Browser), against `scenecast serve --demo 100` with WebRTC over loopback.
echo "==> browser end-to-end tests (headless Chromium)"
browser_missing=()
for tool in /usr/bin/chromium /usr/bin/chromedriver; do [ -x "$tool" ] || browser_missing+=("$tool"); done
/usr/bin/python3 -c 'import selenium' 2>/dev/null || browser_missing+=("python3-selenium")
if [ "${#browser_missing[@]}" -gt 0 ]; then
    if [ "${CI:-}" = "true" ]; then
        echo "error: the browser tests need ${browser_missing[*]}; install chromium, chromium-driver and python3-selenium." >&2
        exit 1
    fi
    echo "warning: skipping the browser tests outside CI: ${browser_missing[*]} missing." >&2
else
    swift test --skip-build --no-parallel --filter BrowserEndToEndTests
fi

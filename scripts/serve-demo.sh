#!/usr/bin/env bash
# Installs what is missing, builds Scenecast (release) and runs the main job:
#   scenecast serve --demo 100   on the embedded PostgreSQL; then open http://127.0.0.1:8080/
# Extra arguments go to `scenecast serve` (e.g. --port 9000, --host 0.0.0.0).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/common.sh
install_dependencies
echo "==> building (release)"
swift build -c release --product scenecast
bin="$(swift build -c release --show-bin-path)"
echo "==> starting: scenecast serve --demo 100 $*"
exec "$bin/scenecast" serve --demo 100 "$@"

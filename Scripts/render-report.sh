#!/usr/bin/env bash
# Renders an HTML report to PNG with headless Chromium, so a person can look
# at what QA sees. Needs Debian's chromium package (apt-get install chromium).
#   Scripts/render-report.sh REPORT.html OUTPUT.png [WIDTH] [HEIGHT]
# Without arguments: makes a report of a run with failures first (an
# implementation that forgets acw-open) into out/report.html and renders it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
    mkdir -p out
    swift build --product cvconform >/dev/null
    binary=.build/debug/cvconform
    forgetful="sh -c \"$binary serve | grep --line-buffered -v acw-close\""
    "$binary" run traces/logout traces/login/login-basic.xml --exec "$forgetful" --timeout 0.3 --html out/report.html >/dev/null || true
    set -- out/report.html out/report.png
fi
report=$1
png=$2
width=${3:-1400}
height=${4:-2400}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "no chromium: apt-get install chromium" >&2; exit 2; }
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$width,$height" \
    --screenshot="$(realpath -m "$png")" "file://$(realpath "$report")" 2>/dev/null
echo "wrote $png"

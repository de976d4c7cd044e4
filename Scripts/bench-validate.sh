#!/usr/bin/env bash
# Validates generated traces of 10k, 100k and 1M messages with the release
# build and prints time, messages per second and peak RSS for each, to show
# that memory does not grow with the trace's length.
#   Scripts/bench-validate.sh [SIZES...]     (default: 10000 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
work=${TMPDIR:-/tmp}/cvconform-bench
mkdir -p "$work"
swift build -c release --product cvconform >/dev/null
binary=.build/release/cvconform
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m); $(swift --version 2>&1 | head -1)"
printf '%-10s %-10s %-10s %-14s %-12s\n' messages size-MB seconds messages/s peak-RSS-MB
for n in "${sizes[@]}"; do
    file=$work/generated-$n.xml
    [ -f "$file" ] || python3 Scripts/generate-trace.py "$n" "$file"
    stats=$( { /usr/bin/time -f '%e %M' "$binary" validate --quiet "$file" >/dev/null; } 2>&1 | tail -1)
    seconds=${stats% *}
    rss_kb=${stats#* }
    awk -v n="$n" -v s="$seconds" -v r="$rss_kb" -v b="$(stat -c %s "$file")" \
        'BEGIN { printf "%-10d %-10.1f %-10.2f %-14.0f %-12.1f\n", n, b/1048576, s, (s > 0 ? n/s : 0), r/1024 }'
done

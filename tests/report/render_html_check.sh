#!/bin/sh
# Renders a real `cnisim compare --html` page with headless Chromium and checks the PNG is a real
# picture of something: a PNG of the requested size, several times larger (more detail) than the same
# browser's render of an empty page. Exit 77 (skipped) without /usr/bin/chromium.
# Usage: render_html_check.sh PATH_TO_CNISIM   (from the repo top)
set -eu
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then echo "SKIP: $CHROMIUM is not installed"; exit 77; fi
cnisim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cnisim" -q compare -f scenarios/chatty-app.yaml --duration 5ms --plugins kubenet,azure --html "$work/report.html" >/dev/null
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>blank</title></head><body></body></html>\n' >"$work/blank.html"
render() {  # $1 html, $2 png
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile-$(basename "$2")" \
    --screenshot="$2" --window-size=1200,2000 "file://$1" >/dev/null 2>&1
}
render "$work/report.html" "$work/report.png"
render "$work/blank.html" "$work/blank.png"
for png in "$work/report.png" "$work/blank.png"; do
  if [ ! -s "$png" ]; then echo "FAIL: chromium wrote no $png"; exit 1; fi
done
# PNG signature, then IHDR width and height (big-endian, bytes 17-24): 1200 x 2000.
header=$(od -An -tx1 -N24 "$work/report.png" | tr -d ' \n')
case "$header" in
  89504e470d0a1a0a0000000d49484452000004b0000007d0) ;;
  *) echo "FAIL: not a 1200x2000 PNG (header $header)"; exit 1 ;;
esac
report_size=$(wc -c <"$work/report.png")
blank_size=$(wc -c <"$work/blank.png")
echo "report.png $report_size bytes, blank page $blank_size bytes"
if [ "$report_size" -lt $((blank_size * 5)) ]; then echo "FAIL: the report renders as (nearly) blank"; exit 1; fi
echo "PASS"

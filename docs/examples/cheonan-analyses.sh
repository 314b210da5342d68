#!/usr/bin/env bash
# The worked example of docs/parking-cheonan.md: the real Cheonan January 2024 enforcement records and the city's
# parking lots into the hub and the web catalogue, then hot spots, weekly emerging hot spots, fixed-CCTV siting and
# parking-lot siting, each kept under $OUT with an HWPX report. Run it after `make demo` (or `mokmin migrate` and
# `mokmin demo`), with the same MOKMIN_HOME, so the datasets also appear on the analysis pages.
#
#   docs/examples/cheonan-analyses.sh            # results in ./var/cheonan-example
#
# Environment: MOKMIN_HOME (default ./var), OUT (default $MOKMIN_HOME/cheonan-example), TESTDATA (default
# ../shared/testdata relative to the repository), MOKMIN (the command to run).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
testdata="${TESTDATA:-$repo/../shared/testdata}"
export MOKMIN_HOME="${MOKMIN_HOME:-$repo/var}"
out="${OUT:-$MOKMIN_HOME/cheonan-example}"
if [[ -n "${MOKMIN:-}" ]]; then
  read -r -a mokmin <<<"$MOKMIN"
elif [[ -x "$repo/.venv/bin/mokmin" ]]; then
  mokmin=("$repo/.venv/bin/mokmin")
else
  mokmin=(python3 -m mokmin)
fi

DATASET=cheonan-enforcement MOKMIN="${mokmin[*]}" TESTDATA="$testdata" "$repo/docs/examples/cheonan-ingest.sh" >/dev/null
"${mokmin[@]}" ingest "$testdata/cheonan/public_parking_lots_standard.cp949.csv" --dataset cheonan-lots \
  --schema parking_lots --owner-department 주차관리과 >/dev/null
"${mokmin[@]}" catalogue cheonan-enforcement --title "천안시 불법주정차 단속 2024년 1월" --owner-department 주차관리과
"${mokmin[@]}" catalogue cheonan-lots --title "천안시 주차장 (전국주차장정보표준데이터)" --owner-department 주차관리과

rm -rf "$out"
mkdir -p "$out"
run() {  # name, then options
  local name="$1"
  shift
  "${mokmin[@]}" analyze "$name" --input events=cheonan-enforcement "$@" --output "$out/$name" --export hwpx | tail -n 1
}
run hotspots
run emerging_hotspots --param slice=week
run cctv_siting --param k=10
run parking_lot_siting --input lots=cheonan-lots --param k=5

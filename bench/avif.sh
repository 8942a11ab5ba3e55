#!/usr/bin/env bash
# bench/avif.sh [calibrate|speed|memory] [FILE…] — the AVIF measurements behind AvifQuality and Avif's settings
# (AvifProbe, worker test scope), one pinned core, on the shared photos and catalog images unless files are given:
#   calibrate  JPEG q50..90 and AVIF q30..80 at 150/300/800/1600 px: bytes, mean luma SSIM, AV1 encode time
#   speed      libaom speed 8 against 6 at 300/800/1600 px
#   memory     the growth of a JVM's RSS over one encode at 800x600, 1600x1200, 2048x2048 and 4096x4096
# Needs libavif15 (and libturbojpeg0 for calibrate). Writes bench/results/<stamp>-avif-<mode>.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-calibrate}
shift || true
FIXTURES=${FIXTURES:-../shared/fixtures/images}
if [ $# -gt 0 ]; then FILES=("$@"); elif [ "$MODE" = speed ]; then FILES=("$FIXTURES"/photos/*.jp*g);
else FILES=("$FIXTURES"/photos/*.jp*g "$FIXTURES"/catalog/*.jp*g); fi

echo "building the worker's classes and test classes (offline)" >&2
./mvnw -q -B -o -pl common install -DskipTests -Dfuzz.skip=true -Dspotless.check.skip=true >&2
./mvnw -q -B -o -pl worker test-compile -Dfuzz.skip=true -Dspotless.check.skip=true >&2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/miniatura-avif.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B -o -pl worker dependency:build-classpath -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test >&2
CP="worker/target/test-classes:worker/target/classes:$(cat "$WORK/cp")"
probe() { taskset -c 0 java -cp "$CP" com.miniatura.worker.render.AvifProbe "$@" 2>/dev/null; }

mkdir -p bench/results
REPORT=bench/results/$(date +%Y-%m-%d_%H%M%S)-avif-$MODE.txt
{
  echo "Miniatura AVIF $MODE — $(date '+%Y-%m-%d %H:%M %Z'), $(git rev-parse --short HEAD)"
  case "$MODE" in
    calibrate|speed) probe "$MODE" "${FILES[@]}" ;;
    memory)
      for size in "800 600" "1600 1200" "2048 2048" "4096 4096"; do
        # shellcheck disable=SC2086
        base=$(/usr/bin/time -f %M java -Xmx1g -cp "$CP" com.miniatura.worker.render.AvifProbe memory $size 2>&1 >/dev/null | tail -1)
        # shellcheck disable=SC2086
        with=$(/usr/bin/time -f %M java -Xmx1g -cp "$CP" com.miniatura.worker.render.AvifProbe memory $size encode 2>&1 >/dev/null | tail -1)
        echo "${size/ /x}: RSS $((base / 1024)) MB without an encode, $((with / 1024)) MB with one: +$(((with - base) / 1024)) MB"
      done ;;
    *) echo "calibrate, speed or memory, not $MODE" >&2; exit 2 ;;
  esac
} | tee "$REPORT"
echo "written to $REPORT" >&2

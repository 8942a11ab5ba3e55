#!/usr/bin/env bash
# bench/bytes.sh [FILE…] — the bytes benchmark: the shipped catalog's JPEG variants (defaults.yml, quality: auto)
# against sharp at the same fixed qualities Miniatura used before (bench/sharp-catalog.yml) and at sharp's own
# defaults (bench/sharp-defaults-catalog.yml), on the shared photos and catalog images unless files are given.
# Each variant is scored by the SSIM of its luma against the ideal picture (the variant rendered straight from the
# full-size source with Lanczos-3); prints a line per variant, then totals, mean SSIM, the worst image and the
# CDN egress per day at REQUESTS_PER_DAY (default: the seed's 46 M). Writes bench/results/<stamp>-bytes.txt.
#
# Extra probe arguments go in PROBE_ARGS, e.g. PROBE_ARGS="--set=miniatura.variant-defaults.ssim-target=0.97".
set -euo pipefail
cd "$(dirname "$0")/.."
FIXTURES=${FIXTURES:-../shared/fixtures/images}
REQUESTS_PER_DAY=${REQUESTS_PER_DAY:-46000000}
if [ $# -gt 0 ]; then FILES=("$@"); else FILES=("$FIXTURES"/photos/*.jp*g "$FIXTURES"/catalog/*.jp*g); fi

[ -d bench/node_modules/sharp ] || (cd bench && npm ci --no-audit --no-fund) >&2
echo "building the worker's classes and test classes (offline)" >&2
./mvnw -q -B -o -pl common install -DskipTests -Dfuzz.skip=true -Dspotless.check.skip=true >&2
./mvnw -q -B -o -pl worker test-compile -Dfuzz.skip=true -Dspotless.check.skip=true >&2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/miniatura-bytes.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
./mvnw -q -B -o -pl worker dependency:build-classpath -Dmdep.outputFile="$WORK/cp" -Dmdep.includeScope=test >&2

node bench/sharp-render.mjs --out "$WORK/sharp" --catalog bench/sharp-catalog.yml "${FILES[@]}" >&2
node bench/sharp-render.mjs --out "$WORK/sharp-defaults" --catalog bench/sharp-defaults-catalog.yml "${FILES[@]}" >&2
# WebP twins (PROBE_ARGS="--format=webp --set=miniatura.variants.d800.formats=jpeg,webp …") are scored against these
node bench/sharp-render.mjs --out "$WORK/sharp-webp" --catalog bench/sharp-webp-catalog.yml "${FILES[@]}" >&2
# AVIF twins (PROBE_ARGS="--format=avif --set=miniatura.variants.d800.formats=jpeg,avif …") against these
node bench/sharp-render.mjs --out "$WORK/sharp-avif" --catalog bench/sharp-avif-catalog.yml "${FILES[@]}" >&2

mkdir -p bench/results
REPORT=bench/results/$(date +%Y-%m-%d_%H%M%S)-bytes.txt
{
  echo "Miniatura bytes vs sharp — $(date '+%Y-%m-%d %H:%M %Z'), $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')"
  echo "sharp $(cd bench && node --input-type=module -e "import sharp from 'sharp'; console.log(sharp.versions.sharp + ', libvips ' + sharp.versions.vips)")"
  # shellcheck disable=SC2086
  java -cp "worker/target/test-classes:worker/target/classes:$(cat "$WORK/cp")" \
    com.miniatura.worker.render.quality.BytesProbe \
    --peer=sharp="$WORK/sharp" --peer=sharp-defaults="$WORK/sharp-defaults" --peer=sharp-webp="$WORK/sharp-webp" --peer=sharp-avif="$WORK/sharp-avif" \
    --requests-per-day="$REQUESTS_PER_DAY" ${PROBE_ARGS:-} "${FILES[@]}"
} | tee "$REPORT"
echo "written to $REPORT" >&2

#!/usr/bin/env bash
# The rerender publisher against kcat (librdkafka), side by side, into the standalone's embedded broker.
#
#   bench/rerender.sh            1,000,000 keys, 3 alternating rounds (~2 min on 2 cores)
#
# Settings (environment): KEYS=1000000, ROUNDS=3, RERENDER_JAVA_OPTS="-Xmx64m" (a small heap on purpose: memory
# must not grow with the file). Both producers send the same keys and the same JSON payloads with acks=all and lz4;
# rerender also writes its checkpoint to S3 every 10 s and adds the CloudEvents headers. events/s is over the
# whole process, JVM start included, and over the publishing alone (rerender's own "completed in" figure).
set -euo pipefail
cd "$(dirname "$0")/.."
KEYS=${KEYS:-1000000}
ROUNDS=${ROUNDS:-3}
RERENDER_JAVA_OPTS=${RERENDER_JAVA_OPTS:--Xmx64m}
JAR=standalone/target/miniatura-standalone.jar
[ -f "$JAR" ] || { echo "build first: ./mvnw -q -B -DskipTests package" >&2; exit 2; }
if ! command -v kcat >/dev/null; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get install -y -q --no-install-recommends kcat >/dev/null
fi

WORK=$(mktemp -d /tmp/miniatura-rerender-bench.XXXXXX)
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1]); s.close()'; }
KAFKA=$(port); CONTROLLER=$(port); S3=$(port)
java -jar "$JAR" --miniatura.standalone.components=kafka,s3 --miniatura.standalone.data-dir="$WORK/data" \
  --miniatura.standalone.kafka-port="$KAFKA" --miniatura.standalone.kafka-controller-port="$CONTROLLER" \
  --miniatura.standalone.s3-port="$S3" >"$WORK/standalone.log" 2>&1 &
INFRA=$!
trap 'kill $INFRA 2>/dev/null; wait $INFRA 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 600); do grep -q "Miniatura standalone is ready" "$WORK/standalone.log" && break; sleep 0.1; done
grep -q "Miniatura standalone is ready" "$WORK/standalone.log" || { echo "standalone did not start" >&2; tail "$WORK/standalone.log"; exit 1; }

# the same keys for both: lots/<n>.jpg (imageId lot-<n>), and for kcat the payload rerender would send
awk -v n="$KEYS" 'BEGIN { for (i = 0; i < n; i++) printf "lot-%07d,lots/lot-%07d.jpg\n", i, i }' >"$WORK/keys.csv"
awk -F, '{ printf "%s\t{\"imageId\":\"%s\",\"bucket\":\"originals\",\"key\":\"%s\"}\n", $1, $1, $2 }' "$WORK/keys.csv" >"$WORK/kcat.tsv"
: >"$WORK/empty"
echo "keys: $KEYS lines, $(du -h "$WORK/keys.csv" | cut -f1); java: $(java -version 2>&1 | sed -n 2p); kcat: $(kcat -V | head -1)"

measure() { # label command... -> "label seconds rss_kb"
  local label=$1; shift
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" >"$WORK/$label.out" 2>&1 || { echo "FAILED: $*" >&2; tail "$WORK/$label.out" >&2; exit 1; }
  echo "$(cut -d' ' -f1 "$WORK/time") $(cut -d' ' -f2 "$WORK/time")"
}

printf '%-6s %-9s %10s %12s %16s %10s\n' round tool seconds events/s "publishing ev/s" "peak RSS"
for round in $(seq "$ROUNDS"); do
  # the same topic shape for kcat (12 partitions): the rerender command creates it, from an empty key file
  java -jar "$JAR" rerender --mode=all --from-file="$WORK/empty" --progress=none --run="topic-$round" \
    --spring.kafka.bootstrap-servers="localhost:$KAFKA" --miniatura.storage.endpoint="http://localhost:$S3" \
    --miniatura.kafka.bulk-topic="bench.kcat.$round" >/dev/null 2>&1
  read -r s kb < <(measure kcat kcat -P -q -b "localhost:$KAFKA" -t "bench.kcat.$round" -K $'\t' -l \
    -X acks=all -X enable.idempotence=true -X compression.codec=lz4 -X linger.ms=20 "$WORK/kcat.tsv")
  printf '%-6s %-9s %10s %12.0f %16s %8d MiB\n' "$round" kcat "$s" "$(bc -l <<<"$KEYS / $s")" - $((kb / 1024))
  echo "kcat $round $s $kb" >>"$WORK/results"
  read -r s kb < <(measure rerender java $RERENDER_JAVA_OPTS -jar "$JAR" rerender --mode=all --from-file="$WORK/keys.csv" \
    --progress=none --run="bench-$round" --spring.kafka.bootstrap-servers="localhost:$KAFKA" \
    --miniatura.storage.endpoint="http://localhost:$S3" --miniatura.kafka.bulk-topic="bench.rerender.$round")
  inner=$(sed -nE 's/.* completed in ([0-9.]+) s.*/\1/p' "$WORK/rerender.out")
  [ -n "$inner" ] || { echo "no summary from rerender" >&2; cat "$WORK/rerender.out" >&2; exit 1; }
  printf '%-6s %-9s %10s %12.0f %16.0f %8d MiB\n' "$round" rerender "$s" "$(bc -l <<<"$KEYS / $s")" "$(bc -l <<<"$KEYS / $inner")" $((kb / 1024))
  echo "rerender $round $s $kb $inner" >>"$WORK/results"
done
awk -v n="$KEYS" '
  $1 == "kcat" { k += $3; kr = ($4 > kr ? $4 : kr); kc++ }
  $1 == "rerender" { r += $3; ri += $5; rr = ($4 > rr ? $4 : rr); rc++ }
  END {
    printf "\nmean over %d rounds: kcat %.0f events/s; rerender %.0f events/s (%.0f publishing, JVM start excluded)\n", kc, n / (k / kc), n / (r / rc), n / (ri / rc)
    printf "ratio rerender / kcat: %.2f (whole process), %.2f (publishing)\n", (k / kc) / (r / rc), (k / kc) / (ri / rc)
    printf "peak RSS: kcat %d MiB, rerender %d MiB\n", kr / 1024, rr / 1024
  }' "$WORK/results"
# the events really are there: the last round's topic holds one per key
count=$(kcat -C -b "localhost:$KAFKA" -t "bench.rerender.$ROUNDS" -o beginning -e -q -f '%k\n' | sort -u | wc -l)
echo "bench.rerender.$ROUNDS holds $count distinct imageIds (of $KEYS keys)"

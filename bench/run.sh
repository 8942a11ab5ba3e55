#!/usr/bin/env bash
# Miniatura's renderer against sharp (libvips), side by side; see bench/README.md.
#
#   bench/run.sh                 everything: render table, scaling, RSS, latency (~8.5 min on 2 cores)
#   bench/run.sh render          the photos/catalog table only     (also: scaling, rss, latency; several allowed)
#   PEER_JAR=old.jar bench/run.sh builds   this build's render command against another build's, one pinned core
#   bench/run.sh pinned          Miniatura against sharp per-variant as a pod runs them: one pinned core, steady state
#
# Settings (environment): ROUNDS=3 alternating rounds per corpus; PHOTOS_REPEAT=3, CATALOG_REPEAT=5 passes per
# process (the last is measured); PHOTOS_COPIES=1, CATALOG_COPIES=4 times the corpus is listed per pass;
# SHARP_MODES="per-variant decode-once" (the first is the reference for the targets); JAVA_OPTS (throughput runs,
# default: the JVM's own); SCALING_COPIES=4, SCALING_REPEAT=4, SCALING_ROUNDS=3; RSS_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC",
# RSS_ROUNDS=2; LATENCY_UPLOADS=200, LATENCY_WARMUP=20; FIXTURES=../shared/fixtures/images (from the repo root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

ROUNDS=${ROUNDS:-3}
PHOTOS_REPEAT=${PHOTOS_REPEAT:-3}
CATALOG_REPEAT=${CATALOG_REPEAT:-5}
PHOTOS_COPIES=${PHOTOS_COPIES:-1}
CATALOG_COPIES=${CATALOG_COPIES:-4}
SHARP_MODES=${SHARP_MODES:-per-variant decode-once}
JAVA_OPTS=${JAVA_OPTS:-}
SCALING_COPIES=${SCALING_COPIES:-4}
SCALING_REPEAT=${SCALING_REPEAT:-4}
SCALING_ROUNDS=${SCALING_ROUNDS:-3}
RSS_JAVA_OPTS=${RSS_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}
RSS_ROUNDS=${RSS_ROUNDS:-2}
LATENCY_UPLOADS=${LATENCY_UPLOADS:-200}
LATENCY_WARMUP=${LATENCY_WARMUP:-20}
FIXTURES=${FIXTURES:-../shared/fixtures/images}
JAR=standalone/target/miniatura-standalone.jar

STEPS=("$@")
[ ${#STEPS[@]} -eq 0 ] && STEPS=(render scaling rss latency)
[ "${STEPS[0]}" = all ] && STEPS=(render scaling rss latency)
for step in "${STEPS[@]}"; do
  case $step in render|scaling|rss|latency|builds|pinned) ;; *) echo "usage: bench/run.sh [all|render|scaling|rss|latency|builds|pinned]..." >&2; exit 2 ;; esac
done

progress() { echo "[bench $(date +%T)] $*" >&2; }

# ---- prerequisites: /usr/bin/time, the jar, sharp ----
if [ ! -x /usr/bin/time ]; then
  progress "installing GNU time (apt package 'time') for peak RSS"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq time >/dev/null; fi
fi
if [ ! -f "$JAR" ]; then
  progress "building $JAR"
  ./mvnw -q -B -o package -DskipTests -pl common,worker,ingest-api,standalone
fi
NEEDS_SHARP=no
for step in "${STEPS[@]}"; do [ "$step" = builds ] || NEEDS_SHARP=yes; done
if [ "$NEEDS_SHARP" = yes ]; then
command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] \
  || { echo "bench/run.sh needs Node.js >= 20.9 (sharp 0.35) on the PATH" >&2; exit 2; }
if [ ! -d bench/node_modules/sharp ] || [ ! -d bench/node_modules/js-yaml ]; then
  progress "installing sharp and js-yaml into bench/node_modules"
  (cd bench && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi) >&2
fi
fi
if [[ " ${STEPS[*]} " == *" builds "* || " ${STEPS[*]} " == *" pinned "* ]]; then
  command -v taskset >/dev/null || { echo "bench/run.sh builds and pinned need taskset (util-linux)" >&2; exit 2; }
fi
if [[ " ${STEPS[*]} " == *" builds "* ]]; then
  [ -f "${PEER_JAR:-}" ] || { echo "bench/run.sh builds needs PEER_JAR=<another build's miniatura-standalone.jar>" >&2; exit 2; }
fi
for dir in "$FIXTURES/photos" "$FIXTURES/catalog"; do
  [ -d "$dir" ] || { echo "no fixtures in $dir (set FIXTURES)" >&2; exit 2; }
done

STAMP=$(date +%Y-%m-%d_%H%M%S)
mkdir -p bench/results
REPORT=bench/results/$STAMP.txt
LOGS=bench/results/$STAMP-logs
mkdir -p "$LOGS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/miniatura-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
: >"$REPORT"
: >"$LOGS/contention"
say() { printf '%s\n' "$*" | tee -a "$REPORT"; }

# ---- helpers ----
# (commands, not functions: /usr/bin/time runs them)
SHARP=(node bench/sharp-render.mjs)

# busy: the machine's busy CPU time so far, in seconds (all cores, from /proc/stat)
busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { print ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }
# others: cores that other processes keep busy right now (sampled over 1 s)
others() { local b0 b1; b0=$(busy); sleep 1; b1=$(busy); calc "$b1 - $b0" 2; }
# quiet: before a measured run, wait (at most QUIET_WAIT s) until other processes use under 0.3 core
QUIET_WAIT=${QUIET_WAIT:-20}
quiet() { local t; for ((t = 0; t < QUIET_WAIT; t++)); do awk "BEGIN { exit !($(others) < 0.3) }" && return 0; done; return 0; }

# timed LOG CMD…: runs CMD under /usr/bin/time; prints "files wall_ms jobs_per_s cpu_ms jobs_per_cpu_s rss_kb"
# from its summary line (the last pass) and the process's peak RSS, and appends to $LOGS/contention the cores
# other processes used meanwhile (machine busy time minus CMD's own CPU time, over its elapsed time).
timed() {
  local log=$1; shift
  quiet
  local b0 b1; b0=$(busy)
  if ! /usr/bin/time -f '%M %e %U %S' -o "$log.rss" "$@" >"$log" 2>&1; then
    echo "FAILED: $*" >&2; tail -5 "$log" >&2; return 1
  fi
  b1=$(busy)
  local kb e u sy; read -r kb e u sy < <(tail -1 "$log.rss")
  awk -v b="$(calc "$b1 - $b0" 3)" -v e="$e" -v u="$u" -v s="$sy" -v l="$(basename "$log")" \
    'BEGIN { o = e > 0 ? (b - u - s) / e : 0; printf "%s %.2f\n", l, (o < 0 ? 0 : o) }' >>"$LOGS/contention"
  local line
  line=$(grep -E '^rendered [0-9]+ of [0-9]+ files in ' "$log" | tail -1)
  [ -n "$line" ] || { echo "no summary line in $log" >&2; return 1; }
  printf '%s %s\n' "$(sed -E 's/^rendered [0-9]+ of ([0-9]+) files in ([0-9.]+) ms with [0-9]+ threads?: ([0-9.]+) jobs\/s, ([0-9.]+) ms CPU, ([0-9.]+) jobs per CPU-second.*/\1 \2 \3 \4 \5/' <<<"$line")" "$kb"
}
# contention PATTERN: "other processes used X cores (median; max Y)" over the runs whose log matches PATTERN
contention() {
  awk -v p="$1" '$1 ~ p { print $2 }' "$LOGS/contention" | sort -g | awk '{ a[NR] = $1 } END { if (NR) printf "other processes on this machine used %.2f cores meanwhile (median of %d runs; max %.2f)", a[int((NR + 1) / 2)], NR, a[NR] }'
}
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
met() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "NOT met"; fi; }
list_of() { local dir=$1 copies=$2 i; for ((i = 0; i < copies; i++)); do ls "$dir"/*.jp*g; done; }
# col TSV KEY COLUMN: median of COLUMN over the rows whose first field is KEY
col() { awk -v k="$2" -v c="$3" -F'\t' '$1 == k { print $c }' "$1" | median; }

# ---- the machine ----
say "Miniatura vs sharp — $(date '+%Y-%m-%d %H:%M %Z') on $(hostname)"
say "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
say "java: $(java -version 2>&1 | sed -n 2p); JVM defaults here: $(java -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" { printf "max heap %d MiB", $4 / 1048576 } $2 ~ /^Use(G1|Serial|Parallel|Z)GC$/ && $4 == "true" { printf ", %s", $2 }')"
[ "$NEEDS_SHARP" = yes ] && say "node: $(node --version); $(cd bench && node --input-type=module -e "import sharp from 'sharp'; console.log('sharp ' + sharp.versions.sharp + ', libvips ' + sharp.versions.vips)")"
say "Miniatura JAVA_OPTS for throughput runs: ${JAVA_OPTS:-none, the JVM defaults}"
say ""

# ---- 1. photos and catalog, alternating ----
render_table() {
  local corpus=$1 repeat=$2 copies=$3 rows=$WORK/$1.tsv files round mode r
  mapfile -t files < <(list_of "$FIXTURES/$corpus" "$copies")
  : >"$rows"
  for ((round = 1; round <= ROUNDS; round++)); do
    for mode in $SHARP_MODES; do
      progress "$corpus round $round/$ROUNDS: sharp ($mode)"
      r=$(timed "$LOGS/$corpus-sharp-$mode-$round.log" "${SHARP[@]}" --out "$WORK/out-sharp-$mode-$corpus" --repeat="$repeat" --mode="$mode" "${files[@]}")
      printf 'sharp-%s\t%s\n' "$mode" "${r// /$'\t'}" >>"$rows"
    done
    progress "$corpus round $round/$ROUNDS: Miniatura"
    r=$(timed "$LOGS/$corpus-miniatura-$round.log" java $JAVA_OPTS -jar "$JAR" render --out "$WORK/out-miniatura-$corpus" --repeat="$repeat" "${files[@]}")
    printf 'miniatura\t%s\n' "${r// /$'\t'}" >>"$rows"
  done
  local n=${#files[@]} ref=sharp-${SHARP_MODES%% *}
  say "== $corpus: $(ls "$FIXTURES/$corpus" | wc -l) images x $copies per pass = $n jobs of 6 variants; $repeat passes per process, the last measured; medians of $ROUNDS alternating rounds"
  say "$(printf '%-22s %10s %12s %10s %10s' renderer 'jobs/s' 'jobs/CPU-s' 'ms/image' 'peak RSS')"
  say "$(printf '%-22s %10s %12s %10s %10s' '' '(wall, 1 thr)' '(per core)' '(wall)' '(MiB)')"
  local key jps jpcs ms rss keys=()
  for mode in $SHARP_MODES; do keys+=("sharp-$mode"); done
  declare -A JPS JPCS MS RSSM
  for key in "${keys[@]}" miniatura; do
    JPS[$key]=$(col "$rows" "$key" 4); JPCS[$key]=$(col "$rows" "$key" 6)
    MS[$key]=$(awk -v k="$key" -F'\t' '$1 == k { print $3 / $2 }' "$rows" | median)
    RSSM[$key]=$(awk -v k="$key" -F'\t' '$1 == k { print $7 / 1024 }' "$rows" | median)
    say "$(printf '%-22s %10.2f %12.2f %10.1f %10.0f' "$key" "${JPS[$key]}" "${JPCS[$key]}" "${MS[$key]}" "${RSSM[$key]}")"
  done
  for key in "${keys[@]}"; do
    say "$(printf '%-22s %9sx %11sx %9sx %9sx' "Miniatura/$key" "$(calc "${JPS[miniatura]} / ${JPS[$key]}")" \
      "$(calc "${JPCS[miniatura]} / ${JPCS[$key]}")" "$(calc "${MS[miniatura]} / ${MS[$key]}")" "$(calc "${RSSM[miniatura]} / ${RSSM[$key]}")")"
  done
  say "(ratios are Miniatura / sharp: above 1 is better for jobs/s, worse for ms/image and RSS; per-run lines in $LOGS/)"
  say "$(contention "^$corpus-")"
  printf -v "RATIO_$corpus" '%s' "$(calc "${JPCS[miniatura]} / ${JPCS[$ref]}")"
  printf -v "MINI_JPCS_$corpus" '%s' "${JPCS[miniatura]}"
  printf -v "REF_JPCS_$corpus" '%s' "${JPCS[$ref]}"
  progress "$corpus: comparing outputs"
  say "outputs, Miniatura vs sharp ($ref), last round:"
  node bench/compare.mjs "$WORK/out-miniatura-$corpus" "$WORK/out-$ref-$corpus" | sed 's/^/  /' | tee -a "$REPORT" || true
  say ""
}

# ---- 2. scaling 1 → 2 threads ----
scaling() {
  local files r s1 s2 i m1 m2 mc1 mc2 t1 t2 rows=$WORK/scaling.tsv
  mapfile -t files < <(list_of "$FIXTURES/photos" "$SCALING_COPIES")
  : >"$rows"
  for ((i = 1; i <= SCALING_ROUNDS; i++)); do
    for t in 1 2; do
      progress "scaling round $i/$SCALING_ROUNDS: Miniatura $t thread(s)"
      r=$(timed "$LOGS/scaling-miniatura-$t-$i.log" java $JAVA_OPTS -jar "$JAR" render --out "$WORK/scale" --repeat="$SCALING_REPEAT" --threads=$t "${files[@]}")
      printf 't%s\t%s\n' "$t" "${r// /$'\t'}" >>"$rows"
    done
  done
  progress "scaling: sharp 1 and 2"
  s1=$(timed "$LOGS/scaling-sharp-1.log" "${SHARP[@]}" --out "$WORK/scale-sharp" --repeat="$SCALING_REPEAT" --concurrency=1 "${files[@]}")
  s2=$(timed "$LOGS/scaling-sharp-2.log" "${SHARP[@]}" --out "$WORK/scale-sharp" --repeat="$SCALING_REPEAT" --concurrency=2 "${files[@]}")
  m1=$(col "$rows" t1 4); m2=$(col "$rows" t2 4); mc1=$(col "$rows" t1 6); mc2=$(col "$rows" t2 6)
  read -r _ _ t1 _ _ _ <<<"$s1"; read -r _ _ t2 _ _ _ <<<"$s2"
  # the target's figure: median of the per-round ratios (each round's 1 and 2 threads ran back to back)
  SCALING=$(paste - - <"$rows" | awk -F'\t' '{ print $11 / $4 }' | median); SCALING=$(calc "$SCALING")
  SCALING_RANGE=$(paste - - <"$rows" | awk -F'\t' '{ r = $11 / $4; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r } END { printf "%.2f %.2f", lo, hi }')
  say "== scaling: photos x $SCALING_COPIES = ${#files[@]} jobs, $SCALING_REPEAT passes, last measured; Miniatura: medians of $SCALING_ROUNDS alternating rounds"
  say "Miniatura: 1 thread $m1 jobs/s ($mc1 per CPU-s), 2 threads $m2 jobs/s ($mc2 per CPU-s) (medians); median of the rounds' ratios ${SCALING}x"
  say "  per round (1 thread → 2 threads, jobs/s): $(paste - - < "$rows" | awk -F'\t' '{ printf "%s%s → %s (%.2fx)", (NR > 1 ? "; " : ""), $4, $11, $11 / $4 }')"
  say "sharp:     1 at a time $t1 jobs/s, 2 at a time $t2 jobs/s: $(calc "$t2 / $t1")x"
  say "$(contention '^scaling-')"
  say ""
}

# ---- 3. peak RSS, 12 MP photos, 2 concurrent jobs ----
rss() {
  local big files real r i max=0 info
  progress "rss: making 12 MP copies of the largest photos"
  info=$(node bench/make-12mp.mjs "$WORK/12mp" 2 "$FIXTURES"/photos/*.jp*g)
  mapfile -t big < <(awk '{ print $6 }' <<<"$info")
  mapfile -t real < <(awk '{ print $1 }' <<<"$info")
  files=("${big[@]}" "${big[@]}")
  say "== peak RSS, Miniatura with --threads=2 (2 concurrent jobs), JAVA_OPTS=$RSS_JAVA_OPTS"
  say "the corpus has no 12 MP photo; its largest, upscaled to 12 MP (same aspect, JPEG q92):"
  while read -r line; do say "  $line"; done <<<"$info"
  for ((i = 1; i <= RSS_ROUNDS; i++)); do
    progress "rss: Miniatura 12 MP, round $i/$RSS_ROUNDS"
    r=$(timed "$LOGS/rss-miniatura-12mp-$i.log" java $RSS_JAVA_OPTS -jar "$JAR" render --out "$WORK/rss" --threads=2 --repeat=2 "${files[@]}")
    read -r _ _ jps _ _ kb <<<"$r"
    say "  12 MP x ${#files[@]} jobs, 2 passes, round $i: peak RSS $(calc "$kb / 1024" 0) MiB ($jps jobs/s)"
    max=$(awk -v a="$max" -v b="$kb" 'BEGIN { print (b > a ? b : a) }')
  done
  RSS_MIB=$(calc "$max / 1024" 0)
  progress "rss: real photos, default JVM, sharp"
  r=$(timed "$LOGS/rss-miniatura-real.log" java $RSS_JAVA_OPTS -jar "$JAR" render --out "$WORK/rss" --threads=2 --repeat=2 "${real[@]}" "${real[@]}")
  say "  the two real photos themselves ($(basename "${real[0]}"), $(basename "${real[1]}")), same settings: $(calc "${r##* } / 1024" 0) MiB"
  r=$(timed "$LOGS/rss-miniatura-12mp-default-jvm.log" java -jar "$JAR" render --out "$WORK/rss" --threads=2 --repeat=2 "${files[@]}")
  say "  12 MP with the JVM's default heap and GC instead: $(calc "${r##* } / 1024" 0) MiB"
  r=$(timed "$LOGS/rss-sharp-12mp.log" "${SHARP[@]}" --out "$WORK/rss-sharp" --concurrency=2 --repeat=2 "${files[@]}")
  say "  sharp, 12 MP, 2 at a time: $(calc "${r##* } / 1024" 0) MiB"
  say ""
}

# ---- 4. end-to-end latency on the standalone ----
latency() {
  progress "latency: standalone, $LATENCY_WARMUP + $LATENCY_UPLOADS sequential uploads (about 3 min)"
  node bench/latency.mjs --jar="$ROOT/$JAR" --image="$FIXTURES/catalog/iphone_hdr_NO-1024.jpg" \
    --uploads="$LATENCY_UPLOADS" --warmup="$LATENCY_WARMUP" --java-opts="$JAVA_OPTS" >"$LOGS/latency.log" 2>&1 \
    || { tail -20 "$LOGS/latency.log" >&2; say "== latency: FAILED (see $LOGS/latency.log)"; return 0; }
  say "== end-to-end latency on the standalone (upload accepted → status rendered), sequential"
  grep -v '^LATENCY ' "$LOGS/latency.log" | sed 's/^/  /' | tee -a "$REPORT"
  read -r _ LAT_P50 LAT_P99 LAT_MAX < <(grep '^LATENCY ' "$LOGS/latency.log")
  say ""
}

# ---- 6. as a pod runs it: Miniatura and sharp (per-variant) alternating, each process pinned to core 0 ----
# jobs/s is the wall-clock rate of the last pass (steady state: the passes before it warm up, so start-up and JIT
# cancel out); jobs/CPU-s is the same pass per CPU-second, as in the render table.
pinned_table() {
  local corpus=$1 repeat=$2 copies=$3 rows=$WORK/pinned-$1.tsv files round r key
  local ref=${SHARP_MODES%% *}
  mapfile -t files < <(list_of "$FIXTURES/$corpus" "$copies")
  : >"$rows"
  for ((round = 1; round <= ROUNDS; round++)); do
    progress "pinned, $corpus round $round/$ROUNDS: sharp ($ref)"
    r=$(timed "$LOGS/pinned-$corpus-sharp-$round.log" taskset -c 0 "${SHARP[@]}" --out "$WORK/out-pinned-sharp-$corpus" --repeat="$repeat" --mode="$ref" "${files[@]}")
    printf 'sharp\t%s\n' "${r// /$'\t'}" >>"$rows"
    progress "pinned, $corpus round $round/$ROUNDS: Miniatura"
    r=$(timed "$LOGS/pinned-$corpus-miniatura-$round.log" taskset -c 0 java $JAVA_OPTS -jar "$JAR" render --out "$WORK/out-pinned-miniatura-$corpus" --repeat="$repeat" "${files[@]}")
    printf 'miniatura\t%s\n' "${r// /$'\t'}" >>"$rows"
  done
  say "== pinned, $corpus: ${#files[@]} jobs per pass, $repeat passes per process (the last measured), one core (taskset -c 0); medians of $ROUNDS alternating rounds; sharp $ref"
  say "$(printf '%-12s %10s %12s' renderer 'jobs/s' 'jobs/CPU-s')"
  declare -A JPS JPCS
  for key in sharp miniatura; do
    JPS[$key]=$(col "$rows" "$key" 4); JPCS[$key]=$(col "$rows" "$key" 6)
    say "$(printf '%-12s %10.2f %12.2f   (rounds, jobs/s: %s)' "$key" "${JPS[$key]}" "${JPCS[$key]}" "$(awk -v k="$key" -F'\t' '$1 == k { printf "%s%s", (n++ ? ", " : ""), $4 }' "$rows")")"
  done
  say "$(printf '%-12s %9sx %11sx' 'Mini/sharp' "$(calc "${JPS[miniatura]} / ${JPS[sharp]}")" "$(calc "${JPCS[miniatura]} / ${JPCS[sharp]}")")"
  say "$(contention "^pinned-$corpus-")"
  say "where Miniatura's time goes, ms per job (the measured pass of each round; resample = shrink + resize, other = the"
  say "rest of the steps, reading and writing files; the render command's 'time per step' line has every step):"
  for ((round = 1; round <= ROUNDS; round++)); do
    say "  round $round: $(per_job_steps "$LOGS/pinned-$corpus-miniatura-$round.log" "${#files[@]}")"
  done
  progress "pinned, $corpus: comparing outputs"
  say "outputs, Miniatura vs sharp ($ref), last round:"
  node bench/compare.mjs "$WORK/out-pinned-miniatura-$corpus" "$WORK/out-pinned-sharp-$corpus" | sed 's/^/  /' | tee -a "$REPORT" || true
  say ""
}

# per_job_steps LOG JOBS: the render command's "time per step (ms)" line, grouped and divided by JOBS
per_job_steps() {
  grep '^time per step (ms):' "$1" | tail -1 | awk -v n="$2" '{
    for (i = 5; i < NF; i += 2) t[$i] = $(i + 1)
    decode = t["decode"]; resample = t["shrink"] + t["resize"]; encode = t["encode"]
    other = t["colour"] + t["plan"] + t["passthrough"] + t["twin"] + t["finish"] + t["analysis"] + t["blurhash"] + t["other"]
    printf "decode %.1f, resample %.1f, encode %.1f, other %.1f (total %.1f)", decode / n, resample / n, encode / n, other / n, (decode + resample + encode + other) / n
  }'
}

# ---- 5. this build against another (PEER_JAR), side by side on one pinned core ----
builds_table() {
  local corpus=$1 repeat=$2 copies=$3 rows=$WORK/builds-$1.tsv files round r
  mapfile -t files < <(list_of "$FIXTURES/$corpus" "$copies")
  : >"$rows"
  for ((round = 1; round <= ROUNDS; round++)); do
    progress "builds, $corpus round $round/$ROUNDS: peer"
    r=$(timed "$LOGS/builds-$corpus-peer-$round.log" taskset -c 0 java $JAVA_OPTS -jar "$PEER_JAR" render --out "$WORK/out-peer-$corpus" --repeat="$repeat" "${files[@]}")
    printf 'peer\t%s\n' "${r// /$'\t'}" >>"$rows"
    progress "builds, $corpus round $round/$ROUNDS: this build"
    r=$(timed "$LOGS/builds-$corpus-this-$round.log" taskset -c 0 java $JAVA_OPTS -jar "$JAR" render --out "$WORK/out-this-$corpus" --repeat="$repeat" "${files[@]}")
    printf 'this\t%s\n' "${r// /$'\t'}" >>"$rows"
  done
  say "== builds, $corpus: ${#files[@]} jobs per pass, $repeat passes per process (the last measured), one core (taskset -c 0); medians of $ROUNDS alternating rounds"
  say "$(printf '%-12s %10s %12s' build 'jobs/s' 'jobs/CPU-s')"
  local key
  declare -A JPS JPCS
  for key in peer this; do
    JPS[$key]=$(col "$rows" "$key" 4); JPCS[$key]=$(col "$rows" "$key" 6)
    say "$(printf '%-12s %10.2f %12.2f   (rounds: %s)' "$key" "${JPS[$key]}" "${JPCS[$key]}" "$(awk -v k="$key" -F'\t' '$1 == k { printf "%s%s", (n++ ? ", " : ""), $4 }' "$rows")")"
  done
  say "$(printf '%-12s %9sx %11sx' 'this/peer' "$(calc "${JPS[this]} / ${JPS[peer]}")" "$(calc "${JPCS[this]} / ${JPCS[peer]}")")"
  say "$(contention "^builds-$corpus-")"
  say ""
}

for step in "${STEPS[@]}"; do
  case $step in
    pinned) pinned_table photos "$PHOTOS_REPEAT" "$PHOTOS_COPIES"; pinned_table catalog "$CATALOG_REPEAT" "$CATALOG_COPIES" ;;
    builds) say "this build: $JAR; peer: $PEER_JAR"; builds_table photos "$PHOTOS_REPEAT" "$PHOTOS_COPIES"; builds_table catalog "$CATALOG_REPEAT" "$CATALOG_COPIES" ;;
    render) render_table photos "$PHOTOS_REPEAT" "$PHOTOS_COPIES"; render_table catalog "$CATALOG_REPEAT" "$CATALOG_COPIES" ;;
    scaling) scaling ;;
    rss) rss ;;
    latency) latency ;;
  esac
done

# ---- targets ----
[ -n "${RATIO_photos:-}${SCALING:-}${RSS_MIB:-}${LAT_P50:-}" ] && say "== targets (per core = jobs per CPU-second; against sharp ${SHARP_MODES%% *})"
if [ -n "${RATIO_photos:-}" ]; then
  say "photos:  Miniatura >= 2.0x sharp per core: ${RATIO_photos}x ($MINI_JPCS_photos vs $REF_JPCS_photos) — $(met "$RATIO_photos >= 2.0")"
  say "catalog: Miniatura >= 2.5x sharp per core: ${RATIO_catalog}x ($MINI_JPCS_catalog vs $REF_JPCS_catalog) — $(met "$RATIO_catalog >= 2.5")"
  say "catalog: Miniatura >= 25 jobs/s per core: $MINI_JPCS_catalog — $(met "$MINI_JPCS_catalog >= 25")"
fi
if [ -n "${SCALING:-}" ]; then
  read -r lo hi <<<"$SCALING_RANGE"
  say "scaling 1 → 2 threads >= 1.8x: ${SCALING}x (rounds ${lo}x–${hi}x) — $(met "$SCALING >= 1.8")$(awk "BEGIN { exit !($lo < 1.8 && $hi >= 1.8) }" && echo ", but the rounds straddle 1.8x: inconclusive")"
fi
[ -n "${RSS_MIB:-}" ] && say "worker peak RSS <= 400 MiB, 12 MP, 2 concurrent jobs ($RSS_JAVA_OPTS): $RSS_MIB MiB — $(met "$RSS_MIB <= 400")"
[ -n "${LAT_P50:-}" ] && say "latency (no target): p50 $LAT_P50 ms, p99 $LAT_P99 ms, max $LAT_MAX ms over $LATENCY_UPLOADS uploads"
say ""
say "report: $REPORT (logs of every run: $LOGS/)"

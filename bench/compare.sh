#!/usr/bin/env bash
# Two commits side by side, as ratios measured in the same run on the same data:
#   bench/compare.sh OLD_REF NEW_REF [--tenants 100000] [--providers sqlite,postgres] [--rounds 5]
#                    [--duration 5s] [--threads 1] [--connections 16] [--scenarios ceiling,S1,S2]
#                    [--seeder old|new] [--repeat 20] [-- SERVER_SETTING...]
# Builds both refs (Release) in a temporary directory. Per provider: seeds one store with OLD_REF's
# seeder (NEW_REF's with --seeder new, when the old one no longer fits the schema) and copies it
# (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE), so both builds serve the same rows;
# starts both servers at once in bench mode (each applies its own pending migrations to its copy);
# warms both up; then runs ROUNDS rounds of the scenarios, old and new back to back, the order
# alternating from round to round. ceiling, S1, S2, S5 and S6 run bench/wrk's scripts for DURATION; S4 and S7
# run the one-at-a-time driver (Tenancy.Bench measure, REPEAT timed requests per case; S3, S4, S7 and
# S9 are accepted; S3 suspends and reactivates, so it leaves the data as it found it). S2 renames a
# fresh slice of rename-ids.txt in every round, since the script assumes each tenant is at version 1.
# Settings after "--" go to both servers (e.g. --Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=Warning).
# Prints a markdown table (medians over the rounds, new/old ratios); raw lines stay in
# bench/results/compare/<provider>/results.jsonl (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,3p "$0" >&2; exit 2; }
OLD_REF=$1; NEW_REF=$2; shift 2
TENANTS=100000; PROVIDERS=sqlite,postgres; ROUNDS=5; DURATION=5s; THREADS=1; CONNECTIONS=16; SERVER_ARGS=()
SCENARIOS=ceiling,S1,S2; SEEDER=old; REPEAT=20
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; SERVER_ARGS=("$@"); break ;;
    --tenants) TENANTS=$2 ;;
    --providers) PROVIDERS=$2 ;;
    --rounds) ROUNDS=$2 ;;
    --duration) DURATION=$2 ;;
    --threads) THREADS=$2 ;;
    --connections) CONNECTIONS=$2 ;;
    --scenarios) SCENARIOS=$2 ;;
    --seeder) SEEDER=$2 ;;
    --repeat) REPEAT=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

for s in ${SCENARIOS//,/ }; do
  case "$s" in ceiling|S1|S2|S3|S4|S5|S6|S7|S9) ;; *) echo "unknown scenario $s (ceiling, S1, S2, S3, S4, S5, S6, S7, S9)" >&2; exit 2 ;; esac
done
case "$SEEDER" in old|new) ;; *) echo "--seeder is old or new" >&2; exit 2 ;; esac
OLD=$(git rev-parse --short "$OLD_REF^{commit}"); NEW=$(git rev-parse --short "$NEW_REF^{commit}")
WORK=$(mktemp -d /tmp/tenancy-compare.XXXXXX) && chmod 755 "$WORK"  # the postgres user needs to enter PGDIR
PGDIR=$WORK/pg
RESULTS=$PWD/bench/results/compare
declare -A PID=() BASE=() TOKEN=()
cleanup() {
  for b in "${!PID[@]}"; do kill "${PID[$b]}" 2>/dev/null && wait "${PID[$b]}" 2>/dev/null || true; done
  .ci/postgres stop "$PGDIR" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

for b in old new; do
  ref=$OLD; [ $b = new ] && ref=$NEW
  echo "== building $b ($ref)"
  mkdir -p "$WORK/$b" && git archive "$ref" | tar -x -C "$WORK/$b"
  dotnet build -c Release -nologo -v q "$WORK/$b/bench/Tenancy.Bench/Tenancy.Bench.csproj" >"$WORK/$b.build.log" \
    || { cat "$WORK/$b.build.log"; exit 1; }
done
bench() { dotnet "$WORK/$SEEDER/bench/Tenancy.Bench/bin/Release/net10.0/Tenancy.Bench.dll" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start BUILD CONNECTION_STRING: that build's server in bench mode on a free port of 127.0.0.1.
start() {
  local b=$1 port; port=$(free_port); BASE[$b]=http://127.0.0.1:$port
  (cd "$DIR" && exec dotnet "$WORK/$b/src/Tenancy.Server/bin/Release/net10.0/Tenancy.Server.dll" --urls "${BASE[$b]}" \
    --Tenancy:Storage:Provider="$PROVIDER" --Tenancy:Storage:ConnectionString="$2" --Tenancy:Bench:Enabled=true \
    --Tenancy:RateLimits:Enabled=false --Logging:LogLevel:Default=Warning "${SERVER_ARGS[@]}" >"$DIR/server-$b.log" 2>&1) &
  PID[$b]=$!
  for _ in $(seq 1 300); do curl -sf "${BASE[$b]}/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "${BASE[$b]}/healthz" >/dev/null || { echo "$b server did not start:"; cat "$DIR/server-$b.log"; exit 1; }
  TOKEN[$b]=$(bench token --base "${BASE[$b]}" --client "$(jq -r .partner_client_id "$DIR/seed.json")" \
    --secret "$(jq -r .partner_client_secret "$DIR/seed.json")")
}

# tag BUILD ROUND: JSON result lines on stdin, tagged with build, round and provider, appended to results.jsonl.
tag() { grep '^{' | jq -c --arg b "$1" --argjson r "$2" --arg p "$PROVIDER" '. + {build: $b, round: $r, provider: $p}' >>"$DIR/results.jsonl"; }

# run BUILD ROUND SCENARIO SCRIPT DATA [DURATION]: one wrk run, its JSON lines tagged and kept.
run() {
  SCENARIO=$3 CASE=$1 BENCH_WRK=$PWD/bench/wrk BENCH_DATA=$5 THREADS=$THREADS TOKEN=${TOKEN[$1]} \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${6:-$DURATION}" --timeout 10s -s "bench/wrk/$4" "${BASE[$1]}" | tag "$1" "$2"
}

# drive BUILD ROUND SCENARIO [REPEAT]: the one-at-a-time driver's scenario against that build.
drive() { bench measure --base "${BASE[$1]}" --seed "$DIR" --scenario "$3" --repeat "${4:-$REPEAT}" | tag "$1" "$2"; }

# scenario BUILD ROUND NAME [DURATION]: one run of a scenario, wrk's or the driver's.
scenario() {
  local data=$DIR; [ "$3" = S2 ] && data=$DIR/s2-$2
  case "$3" in
    ceiling) run "$1" "$2" ceiling ceiling.lua "$data" ${4:-} ;;
    S1) run "$1" "$2" S1 get.lua "$data" ${4:-} ;;
    S2) run "$1" "$2" S2 rename.lua "$data" ${4:-} ;;
    S5) run "$1" "$2" S5 token.lua "$data" ${4:-} ;;
    S6) BATCH=100 run "$1" "$2" S6 usage.lua "$data" ${4:-} ;;
    *) drive "$1" "$2" "$3" ${4:+2} ;;
  esac
}

for PROVIDER in ${PROVIDERS//,/ }; do
  DIR=$RESULTS/$PROVIDER
  rm -rf "$DIR"; mkdir -p "$DIR"
  echo "== $PROVIDER: seeding $TENANTS tenants with the $SEEDER build's seeder, one copy per build"
  if [ "$PROVIDER" = postgres ]; then
    ADMIN=$(.ci/postgres start "$PGDIR")
    bench seed --provider postgres --connection "${ADMIN/Database=postgres/Database=tenancy_old}" --tenants "$TENANTS" --out "$DIR" >"$DIR/seed.log"
    psql -q -h 127.0.0.1 -p "$(cat "$PGDIR/port")" -U postgres -c "CREATE DATABASE tenancy_new TEMPLATE tenancy_old"
    for b in old new; do start $b "${ADMIN/Database=postgres/Database=tenancy_$b};Maximum Pool Size=50"; done
  else
    bench seed --provider sqlite --connection "Data Source=$DIR/old.db" --tenants "$TENANTS" --out "$DIR" >"$DIR/seed.log"
    for f in "$DIR"/old.db*; do cp "$f" "${f/old.db/new.db}"; done
    for b in old new; do start $b "Data Source=$DIR/$b.db"; done
  fi
  cat "$DIR/seed.log"

  # S2 slices: 0 for the warm-up, 1..ROUNDS for the rounds.
  split -n "l/$((ROUNDS + 1))" -d -a 3 "$DIR/rename-ids.txt" "$DIR/slice."
  for ((k = 0; k <= ROUNDS; k++)); do mkdir -p "$DIR/s2-$k" && mv "$DIR/slice.$(printf %03d $k)" "$DIR/s2-$k/rename-ids.txt"; done

  echo "== $PROVIDER: warm-up, then $ROUNDS rounds of $SCENARIOS (wrk -t$THREADS -c$CONNECTIONS -d$DURATION; driver $REPEAT per case)"
  for b in old new; do
    for s in ${SCENARIOS//,/ }; do scenario $b 0 "$s" 3s; done
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    order="old new"; [ $((r % 2)) = 0 ] && order="new old"
    for s in ${SCENARIOS//,/ }; do
      for b in $order; do scenario $b $r "$s"; done
    done
    echo "   round $r done"
  done
  for b in old new; do kill "${PID[$b]}"; wait "${PID[$b]}" 2>/dev/null || true; unset "PID[$b]"; done
  if [ "$PROVIDER" = postgres ]; then .ci/postgres stop "$PGDIR"; fi
done

echo
echo "old = $OLD, new = $NEW; $TENANTS tenants; $SCENARIOS; wrk -t$THREADS -c$CONNECTIONS -d$DURATION, driver $REPEAT per case; $ROUNDS interleaved rounds${SERVER_ARGS:+; server settings: ${SERVER_ARGS[*]}}"
echo "(medians over the rounds; new/old = ratio of the medians, per round = the paired ratios of each round;"
echo " the ceiling is the same code in both builds, so its ratio shows how far the noise alone goes)"
echo
FILES=(); for p in ${PROVIDERS//,/ }; do FILES+=("$RESULTS/$p/results.jsonl"); done
jq -s -r -f /dev/stdin "${FILES[@]}" <<'JQ' | tee "$RESULTS/summary.md"
def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r(d): . * d | round / d;
def med(k): map(k) | median;
def bad: "\(map(.errors) | add)/\(map(.non_2xx) | add)";
def driven: .scenario | IN("S3", "S4", "S7", "S9");
(map(select(.round > 0 and (driven | not))) | select(length > 0)
 | "| provider | scenario | old req/s | new req/s | new/old | per round: median (min–max) | old p50 / p99 ms | new p50 / p99 ms | errors/non-2xx old; new | S2 409s old; new |",
   "| --- | --- | ---: | ---: | ---: | --- | --- | --- | --- | --- |",
   (group_by(.provider)[] | group_by(.scenario)[]
 | (map(select(.case == "version conflicts")) | [(map(select(.build == "old").count) | add // 0), (map(select(.build == "new").count) | add // 0)]) as $c
 | map(select(.throughput)) | map(select(.build == "old")) as $o | map(select(.build == "new")) as $n
 | [$o[] as $a | $n[] | select(.round == $a.round) | .throughput / $a.throughput] as $q
 | "| \(.[0].provider) | \(.[0].scenario) | \($o | med(.throughput) | r(1)) | \($n | med(.throughput) | r(1)) | "
   + "**\(($n | med(.throughput)) / ($o | med(.throughput)) | r(100))** | \($q | median | r(100)) (\($q | min | r(100))–\($q | max | r(100))) | "
   + "\($o | med(.p50_ms) | r(100)) / \($o | med(.p99_ms) | r(100)) | \($n | med(.p50_ms) | r(100)) / \($n | med(.p99_ms) | r(100)) | "
   + "\($o | bad); \($n | bad) | \(if .[0].scenario == "S2" then "\($c[0]); \($c[1])" else "" end) |")),
(map(select(.round > 0 and driven)) | select(length > 0)
 | "",
   "One request at a time (the driver): p50 and p99 of each round's timed requests, medians over the rounds; new/old of the p50s (below 1: faster).",
   "",
   "| provider | scenario | case | old p50 ms | new p50 ms | new/old | per round: median (min–max) | old p99 ms | new p99 ms |",
   "| --- | --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
   (group_by(.provider)[] | group_by(.scenario)[] | group_by(.case)[]
    | map(select(.build == "old")) as $o | map(select(.build == "new")) as $n
    | [$o[] as $a | $n[] | select(.round == $a.round) | .p50_ms / $a.p50_ms] as $q
    | "| \(.[0].provider) | \(.[0].scenario) | \(.[0].case) | \($o | med(.p50_ms) | r(100)) | \($n | med(.p50_ms) | r(100)) | "
      + "**\(($n | med(.p50_ms)) / ($o | med(.p50_ms)) | r(100))** | \($q | median | r(100)) (\($q | min | r(100))–\($q | max | r(100))) | "
      + "\($o | med(.p99_ms) | r(100)) | \($n | med(.p99_ms) | r(100)) |"),
   (map(select(.scenario == "S4" and (.case | IN("first page", "last page")))) | select(length > 0) | group_by(.provider)[]
    | . as $p | [("old", "new") as $b | $p | map(select(.build == $b)) | group_by(.round)
        | map(select(length == 2) | (map(select(.case == "last page"))[0].p50_ms / map(select(.case == "first page"))[0].p50_ms)) | median | r(100)] as $l
    | "", "S4 on \(.[0].provider): last page / first page (p50, median of the rounds' ratios; target ≤ 1.2): old \($l[0]), new \($l[1])"))
JQ

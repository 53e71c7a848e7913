#!/usr/bin/env bash
# Two commits side by side, as ratios measured in the same run on the same data:
#   bench/compare.sh OLD_REF NEW_REF [--tenants 100000] [--providers sqlite,postgres] [--rounds 5]
#                    [--duration 5s] [--threads 1] [--connections 16] [-- SERVER_SETTING...]
# Builds both refs (Release) in a temporary directory. Per provider: seeds one store with OLD_REF's
# seeder and copies it (SQLite: the file; PostgreSQL: CREATE DATABASE ... TEMPLATE), so both builds
# serve the same rows; starts both servers at once in bench mode (each applies its own pending
# migrations to its copy); warms both up; then runs ROUNDS rounds of the ceiling, S1 and S2 with
# bench/wrk's scripts, old and new back to back, the order alternating from round to round. S2 renames
# a fresh slice of rename-ids.txt in every round, since the script assumes each tenant is at version 1.
# Settings after "--" go to both servers (e.g. --Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=Warning).
# Prints a markdown table (medians over the rounds, new/old ratios); raw lines stay in
# bench/results/compare/<provider>/results.jsonl (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,3p "$0" >&2; exit 2; }
OLD_REF=$1; NEW_REF=$2; shift 2
TENANTS=100000; PROVIDERS=sqlite,postgres; ROUNDS=5; DURATION=5s; THREADS=1; CONNECTIONS=16; SERVER_ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --) shift; SERVER_ARGS=("$@"); break ;;
    --tenants) TENANTS=$2 ;;
    --providers) PROVIDERS=$2 ;;
    --rounds) ROUNDS=$2 ;;
    --duration) DURATION=$2 ;;
    --threads) THREADS=$2 ;;
    --connections) CONNECTIONS=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

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
bench() { dotnet "$WORK/old/bench/Tenancy.Bench/bin/Release/net10.0/Tenancy.Bench.dll" "$@"; }
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

# run BUILD ROUND SCENARIO SCRIPT DATA [DURATION]: one wrk run, its JSON lines tagged and kept.
run() {
  SCENARIO=$3 CASE=$1 BENCH_WRK=$PWD/bench/wrk BENCH_DATA=$5 THREADS=$THREADS TOKEN=${TOKEN[$1]} \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${6:-$DURATION}" --timeout 10s -s "bench/wrk/$4" "${BASE[$1]}" \
    | grep '^{' | jq -c --arg b "$1" --argjson r "$2" --arg p "$PROVIDER" '. + {build: $b, round: $r, provider: $p}' \
    >>"$DIR/results.jsonl"
}

for PROVIDER in ${PROVIDERS//,/ }; do
  DIR=$RESULTS/$PROVIDER
  rm -rf "$DIR"; mkdir -p "$DIR"
  echo "== $PROVIDER: seeding $TENANTS tenants with $OLD's seeder, one copy per build"
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

  echo "== $PROVIDER: warm-up, then $ROUNDS rounds of ceiling, S1, S2 (wrk -t$THREADS -c$CONNECTIONS -d$DURATION)"
  for b in old new; do
    run $b 0 ceiling ceiling.lua "$DIR" 3s; run $b 0 S1 get.lua "$DIR" 3s; run $b 0 S2 rename.lua "$DIR/s2-0" 3s
  done
  for ((r = 1; r <= ROUNDS; r++)); do
    order="old new"; [ $((r % 2)) = 0 ] && order="new old"
    for s in ceiling:ceiling.lua S1:get.lua S2:rename.lua; do
      for b in $order; do
        data=$DIR; [ "${s%%:*}" = S2 ] && data=$DIR/s2-$r
        run $b $r "${s%%:*}" "${s#*:}" "$data"
      done
    done
    echo "   round $r done"
  done
  for b in old new; do kill "${PID[$b]}"; wait "${PID[$b]}" 2>/dev/null || true; unset "PID[$b]"; done
  if [ "$PROVIDER" = postgres ]; then .ci/postgres stop "$PGDIR"; fi
done

echo
echo "old = $OLD, new = $NEW; $TENANTS tenants; wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS interleaved rounds${SERVER_ARGS:+; server settings: ${SERVER_ARGS[*]}}"
echo "(medians over the rounds; new/old = ratio of the medians, per round = the paired ratios of each round;"
echo " the ceiling is the same code in both builds, so its ratio shows how far the noise alone goes)"
echo
FILES=(); for p in ${PROVIDERS//,/ }; do FILES+=("$RESULTS/$p/results.jsonl"); done
jq -s -r -f /dev/stdin "${FILES[@]}" <<'JQ' | tee "$RESULTS/summary.md"
def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r(d): . * d | round / d;
def med(k): map(k) | median;
def bad: "\(map(.errors) | add)/\(map(.non_2xx) | add)";
"| provider | scenario | old req/s | new req/s | new/old | per round: median (min–max) | old p50 / p99 ms | new p50 / p99 ms | errors/non-2xx old; new | S2 409s old; new |",
"| --- | --- | ---: | ---: | ---: | --- | --- | --- | --- | --- |",
(map(select(.round > 0)) | group_by(.provider)[] | group_by(.scenario)[]
 | (map(select(.case == "version conflicts")) | [(map(select(.build == "old").count) | add // 0), (map(select(.build == "new").count) | add // 0)]) as $c
 | map(select(.throughput)) | map(select(.build == "old")) as $o | map(select(.build == "new")) as $n
 | [$o[] as $a | $n[] | select(.round == $a.round) | .throughput / $a.throughput] as $q
 | "| \(.[0].provider) | \(.[0].scenario) | \($o | med(.throughput) | r(1)) | \($n | med(.throughput) | r(1)) | "
   + "**\(($n | med(.throughput)) / ($o | med(.throughput)) | r(100))** | \($q | median | r(100)) (\($q | min | r(100))–\($q | max | r(100))) | "
   + "\($o | med(.p50_ms) | r(100)) / \($o | med(.p99_ms) | r(100)) | \($n | med(.p50_ms) | r(100)) / \($n | med(.p99_ms) | r(100)) | "
   + "\($o | bad); \($n | bad) | \(if .[0].scenario == "S2" then "\($c[0]); \($c[1])" else "" end) |")
JQ

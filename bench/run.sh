#!/usr/bin/env bash
# The benchmark, in one command:
#   bench/run.sh [--tenants N] [--providers sqlite,postgres] [--duration 10s] [--threads 1] [--connections 16]
# Builds Release, and for each provider: seeds a fresh store (PostgreSQL: a throwaway cluster of its
# own in a fresh temporary directory, stopped and removed afterwards), starts the server in bench mode on 127.0.0.1, runs S1-S9 and the ceiling,
# samples the server's RSS during each scenario, stops the server. Then rewrites docs/benchmarks.md.
# Raw results stay in bench/results/<provider>/ (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
COMMAND="bench/run.sh $*"
TENANTS=1000000; PROVIDERS=sqlite,postgres; DURATION=10s; THREADS=1; CONNECTIONS=16
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) TENANTS=$2 ;;
    --providers) PROVIDERS=$2 ;;
    --duration) DURATION=$2 ;;
    --threads) THREADS=$2 ;;
    --connections) CONNECTIONS=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

RESULTS=$PWD/bench/results
WORK=$(mktemp -d /tmp/tenancy-bench.XXXXXX) && chmod 755 "$WORK"  # the postgres user needs to enter PGDIR
PGDIR=$WORK/pg
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -d "$PGDIR" ] && .ci/postgres stop "$PGDIR" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nologo -v q src/Tenancy.Server/Tenancy.Server.csproj >/dev/null
dotnet build -c Release -nologo -v q bench/Tenancy.Bench/Tenancy.Bench.csproj >/dev/null
SERVER_DLL=$PWD/src/Tenancy.Server/bin/Release/net10.0/Tenancy.Server.dll
bench() { dotnet "$PWD/bench/Tenancy.Bench/bin/Release/net10.0/Tenancy.Bench.dll" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# measure SCENARIO CASE COMMAND...: runs COMMAND while sampling the server's VmRSS every 100 ms and
# appends its JSON result lines, with provider and peak RSS, to results.jsonl.
measure() {
  local scenario=$1 case=$2; shift 2
  local rss=$DIR/rss.tmp out=$DIR/out.tmp
  : >"$rss"
  ( while :; do awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status" >>"$rss" 2>/dev/null || exit 0; sleep 0.1; done ) &
  local watcher=$!
  SCENARIO=$scenario CASE=$case "$@" >"$out"
  kill "$watcher"; wait "$watcher" 2>/dev/null || true
  local peak; peak=$(sort -n "$rss" | tail -n 1)
  grep '^{' "$out" | jq -c --arg p "$PROVIDER" --argjson rss "$(( peak / 1024 ))" '. + {provider: $p, rss_mb: $rss}' | tee -a "$DIR/results.jsonl"
}

# wrk_run SCENARIO CASE SCRIPT [DURATION]: wrk with the same threads/connections for every scenario.
wrk_run() {
  measure "$1" "$2" env BENCH_WRK="$PWD/bench/wrk" BENCH_DATA="$DIR" THREADS="$THREADS" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${4:-$DURATION}" --timeout 10s -s "bench/wrk/$3" "$BASE"
}

for PROVIDER in ${PROVIDERS//,/ }; do
  DIR=$RESULTS/$PROVIDER
  rm -rf "$DIR"; mkdir -p "$DIR"
  if [ "$PROVIDER" = postgres ]; then
    ADMIN=$(.ci/postgres start "$PGDIR")
    CS="${ADMIN/Database=postgres/Database=tenancy_bench};Maximum Pool Size=50"
  else
    CS="Data Source=$DIR/tenancy.db"
  fi

  echo "== $PROVIDER: seeding $TENANTS tenants"
  bench seed --provider "$PROVIDER" --connection "$CS" --tenants "$TENANTS" --out "$DIR" | tee "$DIR/seed.log"

  PORT=$(free_port); BASE=http://127.0.0.1:$PORT
  (cd "$DIR" && exec dotnet "$SERVER_DLL" --urls "$BASE" --Tenancy:Storage:Provider="$PROVIDER" \
    --Tenancy:Storage:ConnectionString="$CS" --Tenancy:Bench:Enabled=true --Tenancy:RateLimits:Enabled=false --Logging:LogLevel:Default=Warning \
    >"$DIR/server.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 150); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "$BASE/healthz" >/dev/null || { echo "server did not start:"; cat "$DIR/server.log"; exit 1; }

  seed() { jq -r ".$1" "$DIR/seed.json"; }
  export TOKEN
  TOKEN=$(bench token --base "$BASE" --client "$(seed partner_client_id)" --secret "$(seed partner_client_secret)")

  # Each load scenario runs 10 s unmeasured first: the just-started server is still compiling what it runs
  # (tiered JIT), and on two cores that takes seconds. The warm-up of S2 renames half of the rename ids, its
  # measured run the other half (rename.lua expects every tenant at version 1).
  warm_up() {
    env SCENARIO=warmup CASE=warmup BENCH_WRK="$PWD/bench/wrk" BENCH_DATA="$1" THREADS="$THREADS" BATCH=100 \
      wrk -t"$THREADS" -c"$CONNECTIONS" -d10s --timeout 10s -s "bench/wrk/$2" "$BASE" >/dev/null
  }
  half=$(( $(wc -l <"$DIR/rename-ids.txt") / 2 ))
  mkdir -p "$DIR/warmup" && head -n "$half" "$DIR/rename-ids.txt" >"$DIR/warmup/rename-ids.txt"
  tail -n +"$((half + 1))" "$DIR/rename-ids.txt" >"$DIR/rename-ids.measured" && mv "$DIR/rename-ids.measured" "$DIR/rename-ids.txt"

  echo "== $PROVIDER: S1 and the ceiling, side by side (warm-up 10s each, then $DURATION each)"
  warm_up "$DIR" ceiling.lua
  warm_up "$DIR" get.lua
  wrk_run ceiling "GET /bench/ceiling (no auth, no storage)" ceiling.lua
  wrk_run S1 "GET /api/2/tenants/{id} as partner admin" get.lua
  wrk_run ceiling "GET /bench/ceiling, again after S1" ceiling.lua
  wrk_run S1 "GET /api/2/tenants/{id}, again after the ceiling" get.lua
  wrk_run reference "GET /healthz (one store round trip, no auth)" health.lua

  echo "== $PROVIDER: S2, S5, S6 (warm-up 10s each, then $DURATION each)"
  warm_up "$DIR/warmup" rename.lua
  wrk_run S2 "PUT rename with the current version" rename.lua
  warm_up "$DIR" token.lua
  wrk_run S5 "POST /api/2/idp/token (client_credentials)" token.lua
  warm_up "$DIR" usage.lua
  BATCH=100 wrk_run S6 "POST /api/2/usage, batches of 100" usage.lua

  echo "== $PROVIDER: S3, S4, S7, S9, S8 (one operation at a time)"
  for s in S3 S4 S7 S9; do
    measure "$s" "" bench measure --base "$BASE" --seed "$DIR" --scenario "$s" --repeat 20
  done
  measure S8 "" bench measure --base "$BASE" --seed "$DIR" --scenario S8 --connection "$CS"

  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  [ "$PROVIDER" = postgres ] && .ci/postgres stop "$PGDIR"
done

bench report --results "$RESULTS" --out docs/benchmarks.md --command "$COMMAND" \
  --settings "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (S1, S2, S5, S6, ceiling), each after a 10 s warm-up of its own; one request at a time, 20 timed after 2 warm-ups (S3, S4, S7, S9); once (S8)" \
  --notes bench/notes.md
echo "== wrote docs/benchmarks.md"

#!/usr/bin/env bash
# S7 (roll-up of the big partner's subtree) and S6 (usage ingestion) of two commits side by side, on the same data:
#   bench/compare-rollup.sh OLD_REF NEW_REF [--tenants 100000] [--providers sqlite,postgres] [--rounds 3] [--duration 5s]
# Builds, seeds and starts both servers as bench/compare.sh does (OLD_REF's seeder, one copy of the store per
# build; each server applies its own pending migrations). Then ROUNDS rounds, old and new back to back, the
# order alternating: S7 (bench measure, 20 timed requests after 2 warm-ups) and S6 (wrk usage.lua, batches of 100).
# Prints the JSON lines; they stay in bench/results/compare-rollup/<provider>/results.jsonl (not committed).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { sed -n 2,2p "$0" >&2; exit 2; }
OLD_REF=$1; NEW_REF=$2; shift 2
TENANTS=100000; PROVIDERS=sqlite,postgres; ROUNDS=3; DURATION=5s; CONNECTIONS=16
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) TENANTS=$2 ;; --providers) PROVIDERS=$2 ;; --rounds) ROUNDS=$2 ;; --duration) DURATION=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
OLD=$(git rev-parse --short "$OLD_REF^{commit}"); NEW=$(git rev-parse --short "$NEW_REF^{commit}")
WORK=$(mktemp -d /tmp/tenancy-compare-rollup.XXXXXX) && chmod 755 "$WORK"
PGDIR=$WORK/pg
RESULTS=$PWD/bench/results/compare-rollup
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
  dotnet build -c Release -nologo -v q "$WORK/$b/bench/Tenancy.Bench/Tenancy.Bench.csproj" >"$WORK/$b.build.log" || { cat "$WORK/$b.build.log"; exit 1; }
done
bench() { dotnet "$WORK/old/bench/Tenancy.Bench/bin/Release/net10.0/Tenancy.Bench.dll" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
start() {
  local b=$1 port; port=$(free_port); BASE[$b]=http://127.0.0.1:$port
  (cd "$DIR" && exec dotnet "$WORK/$b/src/Tenancy.Server/bin/Release/net10.0/Tenancy.Server.dll" --urls "${BASE[$b]}" \
    --Tenancy:Storage:Provider="$PROVIDER" --Tenancy:Storage:ConnectionString="$2" --Tenancy:Bench:Enabled=true \
    --Tenancy:RateLimits:Enabled=false --Logging:LogLevel:Default=Warning >"$DIR/server-$b.log" 2>&1) &
  PID[$b]=$!
  for _ in $(seq 1 600); do curl -sf "${BASE[$b]}/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "${BASE[$b]}/healthz" >/dev/null || { echo "$b server did not start:"; cat "$DIR/server-$b.log"; exit 1; }
  TOKEN[$b]=$(bench token --base "${BASE[$b]}" --client "$(jq -r .partner_client_id "$DIR/seed.json")" \
    --secret "$(jq -r .partner_client_secret "$DIR/seed.json")")
}
tag() { grep '^{' | jq -c --arg b "$1" --argjson r "$2" --arg p "$PROVIDER" '. + {build: $b, round: $r, provider: $p}' | tee -a "$DIR/results.jsonl"; }
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
  for ((r = 1; r <= ROUNDS; r++)); do
    order="old new"; [ $((r % 2)) = 0 ] && order="new old"
    for b in $order; do SCENARIO=S7 CASE="" bench measure --base "${BASE[$b]}" --seed "$DIR" --scenario S7 --repeat 20 | tag $b $r; done
    for b in $order; do
      SCENARIO=S6 CASE="POST /api/2/usage, batches of 100" BATCH=100 BENCH_WRK=$PWD/bench/wrk BENCH_DATA=$DIR THREADS=1 TOKEN=${TOKEN[$b]} \
        wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s bench/wrk/usage.lua "${BASE[$b]}" | tag $b $r
    done
  done
  for b in old new; do kill "${PID[$b]}"; wait "${PID[$b]}" 2>/dev/null || true; unset "PID[$b]"; done
  if [ "$PROVIDER" = postgres ]; then .ci/postgres stop "$PGDIR"; fi
done
echo "old = $OLD, new = $NEW; $TENANTS tenants; $ROUNDS interleaved rounds; S6: wrk -t1 -c$CONNECTIONS -d$DURATION"

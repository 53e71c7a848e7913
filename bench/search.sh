#!/usr/bin/env bash
# Search latency on a large tree, side by side with GET of one tenant by id, as ratios of one run:
#   bench/search.sh [--tenants 1000000] [--rounds 3] [--duration 10s] [--connections 8] [--ref HEAD]
# Builds REF (Release) in a temporary directory, seeds a SQLite store with the bench seeder (bulk SQL,
# not the API; the search index is filled by the store's own triggers), starts the server in bench mode,
# and runs ROUNDS interleaved rounds of wrk (one thread) over:
#   get        GET /api/2/tenants/{id} of random tenants of the big partner (bench/wrk/get.lua): the ceiling
#   exact      GET /api/2/search?text=<a whole tenant name>        (finds 1)
#   prefix     GET /api/2/search?text=<a name minus its last 2 digits> (finds up to 100, answers 10)
#   substring  GET /api/2/search?text=<the last 7 digits of a name>    (finds a few, through the trigram index)
#   common     GET /api/2/search?text=unit                              (prefix of ~hundreds of thousands, answers 10)
# every search as the big partner's admin, in its subtree (tenant=<big partner>), limit=10.
# Prints a markdown table (medians over the rounds; each case's req/s and p50 as a ratio to get's).
# Raw lines stay in bench/results/search/results.jsonl (not committed). Installs wrk, jq and sqlite3
# with apt-get if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
TENANTS=1000000; ROUNDS=3; DURATION=10s; CONNECTIONS=8; REF=HEAD
while [ $# -gt 0 ]; do
  case "$1" in
    --tenants) TENANTS=$2 ;;
    --rounds) ROUNDS=$2 ;;
    --duration) DURATION=$2 ;;
    --connections) CONNECTIONS=$2 ;;
    --ref) REF=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
for tool in wrk jq sqlite3; do
  command -v $tool >/dev/null || { sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo; $sudo apt-get install -y -q $tool >/dev/null; }
done

COMMIT=$(git rev-parse --short "$REF^{commit}")
WORK=$(mktemp -d /tmp/tenancy-search.XXXXXX)
DIR=$PWD/bench/results/search
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf "$DIR"; mkdir -p "$DIR"

echo "== building $COMMIT"
git archive "$COMMIT" | tar -x -C "$WORK"
dotnet build -c Release -nologo -v q "$WORK/bench/Tenancy.Bench/Tenancy.Bench.csproj" >"$WORK/build.log" || { cat "$WORK/build.log"; exit 1; }
bench() { dotnet "$WORK/bench/Tenancy.Bench/bin/Release/net10.0/Tenancy.Bench.dll" "$@"; }

echo "== seeding $TENANTS tenants (SQLite)"
DB=$DIR/search.db
bench seed --provider sqlite --connection "Data Source=$DB" --tenants "$TENANTS" --out "$DIR" | tee "$DIR/seed.log"
PARTNER=$(jq -r .big_partner_id "$DIR/seed.json")
PATH_=$(sqlite3 "$DB" "SELECT path FROM tenants WHERE id = '$PARTNER'")
echo "   search terms: $(sqlite3 "$DB" 'SELECT count(*) FROM search_terms')"
# Texts from names of the partner's subtree: whole names, names minus 2 digits, the last 7 digits.
sqlite3 "$DB" "SELECT name FROM tenants WHERE path > '$PATH_' AND path < '${PATH_%/}0' AND name LIKE '% _________' ORDER BY random() LIMIT 2000" >"$DIR/names.txt"
cp "$DIR/names.txt" "$DIR/exact.txt"
sed 's/..$//' "$DIR/names.txt" >"$DIR/prefix.txt"
sed 's/.*\(.......\)$/\1/' "$DIR/names.txt" >"$DIR/substring.txt"
echo unit >"$DIR/common.txt"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
(cd "$DIR" && exec dotnet "$WORK/src/Tenancy.Server/bin/Release/net10.0/Tenancy.Server.dll" --urls "$BASE" \
  --Tenancy:Storage:Provider=sqlite --Tenancy:Storage:ConnectionString="Data Source=$DB" --Tenancy:Bench:Enabled=true \
  --Tenancy:RateLimits:Enabled=false --Logging:LogLevel:Default=Warning >"$DIR/server.log" 2>&1) &
PID=$!
for _ in $(seq 1 300); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$BASE/healthz" >/dev/null || { echo "the server did not start:"; cat "$DIR/server.log"; exit 1; }
TOKEN=$(bench token --base "$BASE" --client "$(jq -r .partner_client_id "$DIR/seed.json")" --secret "$(jq -r .partner_client_secret "$DIR/seed.json")")
echo "   sample: $(curl -sf -H "Authorization: Bearer $TOKEN" "$BASE/api/2/search?tenant=$PARTNER&limit=3&text=$(head -1 "$DIR/prefix.txt" | sed 's/ /%20/g')" | jq -c '[.items[] | .name]')"

# run ROUND CASE SCRIPT [TEXTS] [DURATION]: one wrk run, its JSON line tagged and kept.
run() {
  SCENARIO=search CASE=$2 BENCH_WRK=$PWD/bench/wrk BENCH_DATA=$DIR TEXTS=${4:-} SEARCH_TENANT=$PARTNER TOKEN=$TOKEN \
    wrk -t1 -c"$CONNECTIONS" -d"${5:-$DURATION}" --timeout 10s -s "bench/wrk/$3" "$BASE" \
    | grep '^{' | jq -c --argjson r "$1" '. + {round: $r}' >>"$DIR/results.jsonl"
}
CASES="get:get.lua: exact:search.lua:exact.txt prefix:search.lua:prefix.txt substring:search.lua:substring.txt common:search.lua:common.txt"
echo "== warm-up, then $ROUNDS rounds (wrk -t1 -c$CONNECTIONS -d$DURATION)"
for c in $CASES; do IFS=: read -r name script texts <<<"$c"; run 0 "$name" "$script" "$texts" 3s; done
for ((r = 1; r <= ROUNDS; r++)); do
  for c in $CASES; do IFS=: read -r name script texts <<<"$c"; run "$r" "$name" "$script" "$texts"; done
  echo "   round $r done"
done

echo
echo "commit $COMMIT; $TENANTS tenants (SQLite); searches in a subtree of $(jq -r .big_partner_descendants "$DIR/seed.json") tenants; wrk -t1 -c$CONNECTIONS -d$DURATION, $ROUNDS rounds; $(nproc) cores"
echo
jq -s -r -f /dev/stdin "$DIR/results.jsonl" <<'JQ' | tee "$DIR/summary.md"
def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r(d): . * d | round / d;
map(select(.round > 0)) | group_by(.case) | map({case: .[0].case, rps: (map(.throughput) | median), p50: (map(.p50_ms) | median),
  p99: (map(.p99_ms) | median), bad: (map(.errors + .non_2xx) | add)}) as $rows
| ($rows[] | select(.case == "get")) as $get
| "| case | req/s | p50 ms | p99 ms | req/s vs get | p50 vs get | errors + non-2xx |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  (($rows | sort_by(.case as $c | ["get", "exact", "prefix", "substring", "common"] | index($c)))[] as $x
   | "| \($x.case) | \($x.rps | r(1)) | \($x.p50 | r(100)) | \($x.p99 | r(100)) | \($x.rps / $get.rps | r(100)) | \($x.p50 / $get.p50 | r(100)) | \($x.bad) |")
JQ

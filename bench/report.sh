#!/usr/bin/env bash
# The usage report benchmark, in one command:
#   bench/report.sh [--customers 10000] [--providers sqlite,postgres]
# Builds Release, and for each provider: starts the server on a fresh store (PostgreSQL: a throwaway
# cluster of its own, stopped afterwards), seeds through the API a partner with N customers, each with a
# subscription and current usage in two service levels, then creates a usage report of the partner
# (usage_current, level accounts, csv_v2_0) and measures the time from POST /api/2/reports until
# GET /api/2/reports/{id}/stored says "saved" (polled every 10 ms), for one-time reports made one after
# the other. Prints one JSON line per provider. Target: ready in <= 5 s at 10,000 customers.
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=10000; PROVIDERS=sqlite,postgres; RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --customers) CUSTOMERS=$2 ;;
    --providers) PROVIDERS=$2 ;;
    --runs) RUNS=$2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done

WORK=$(mktemp -d /tmp/tenancy-report-bench.XXXXXX)
PGDIR=/tmp/tenancy-report-bench-pg
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -d "$PGDIR" ] && .ci/postgres stop "$PGDIR" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build -c Release -nologo -v q src/Tenancy.Server/Tenancy.Server.csproj >/dev/null
SERVER_DLL=$PWD/src/Tenancy.Server/bin/Release/net10.0/Tenancy.Server.dll
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

for PROVIDER in ${PROVIDERS//,/ }; do
  DIR=$WORK/$PROVIDER; mkdir -p "$DIR"
  if [ "$PROVIDER" = postgres ]; then
    .ci/postgres stop "$PGDIR"
    ADMIN=$(.ci/postgres start "$PGDIR")
    CS="${ADMIN/Database=postgres/Database=tenancy_report_bench}"
    psql "host=$(sed 's/.*Host=\([^;]*\).*/\1/' <<<"$ADMIN") port=$(sed 's/.*Port=\([^;]*\).*/\1/' <<<"$ADMIN") user=postgres dbname=postgres" \
      -qc "CREATE DATABASE tenancy_report_bench" >/dev/null
  else
    CS="Data Source=$DIR/tenancy.db"
  fi

  PORT=$(free_port); BASE=http://127.0.0.1:$PORT
  CLIENT_ID=$(python3 -c 'import uuid; print(uuid.uuid4())'); SECRET=bench-$(python3 -c 'import uuid; print(uuid.uuid4().hex)')
  (cd "$DIR" && exec dotnet "$SERVER_DLL" --urls "$BASE" --Tenancy:Storage:Provider="$PROVIDER" \
    --Tenancy:Storage:ConnectionString="$CS" --Tenancy:Bootstrap:ClientId="$CLIENT_ID" --Tenancy:Bootstrap:ClientSecret="$SECRET" \
    --Tenancy:RateLimits:Enabled=false --Logging:LogLevel:Default=Warning \
    --Logging:LogLevel:Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware=Warning >"$DIR/server.log" 2>&1) &
  SERVER_PID=$!
  for _ in $(seq 1 150); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done
  curl -sf "$BASE/healthz" >/dev/null || { echo "server did not start:"; cat "$DIR/server.log"; exit 1; }

  python3 bench/report/measure.py --base "$BASE" --client "$CLIENT_ID:$SECRET" \
    --customers "$CUSTOMERS" --runs "$RUNS" --provider "$PROVIDER"

  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  [ "$PROVIDER" = postgres ] && .ci/postgres stop "$PGDIR"
done
